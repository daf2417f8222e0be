"""A tenant's brand kit: what the image renderer paints its cards with (one per tenant)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from icop.models.base import Base, TenantOwned, TimestampMixin, tenants_fk
from icop.models.knowledge import EMBEDDING_DIMENSIONS
from icop.models.types import one_of

# Stored normalised (lower-case #rrggbb): the API normalises, the database refuses the rest.
HEX_COLOUR = "'^#[0-9a-f]{6}$'"


class TenantBrandKit(TimestampMixin, Base):
    __tablename__ = "brand_kits"
    __table_args__ = (
        tenants_fk(),
        CheckConstraint(f"background ~ {HEX_COLOUR}", name="background_hex"),
        CheckConstraint(f"accent ~ {HEX_COLOUR}", name="accent_hex"),
        CheckConstraint(f"text ~ {HEX_COLOUR}", name="text_hex"),
    )

    tenant_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    background: Mapped[str] = mapped_column(String(7), nullable=False)
    accent: Mapped[str] = mapped_column(String(7), nullable=False)
    text: Mapped[str] = mapped_column(String(7), nullable=False)
    # A family name from icop.brand.fonts, not a path; no CHECK, so a newer catalog needs
    # no migration (an unknown name renders in the default font).
    font: Mapped[str | None] = mapped_column(String(40))
    updated_by: Mapped[UUID | None] = mapped_column(Uuid)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )
    # The brand_kit_versions number this row equals (null: a kit from before versions).
    version: Mapped[int | None] = mapped_column(Integer)
    # What the renderer does not paint but writers and people read: the full palette, the
    # declared fonts and the tone profile (icop.brand.versions.KitSnapshot minus the columns).
    profile: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default="{}")
    # The accepted voice centroid, for re-learning's drift check (MiniLM, 384 dimensions).
    voice_embedding: Mapped[list[float] | None] = mapped_column(Vector(EMBEDDING_DIMENSIONS))


class KitChangeReason(StrEnum):
    LEARNED = "learned"
    EDITED = "edited"
    ROLLBACK = "rollback"


class BrandKitVersion(TenantOwned, TimestampMixin, Base):
    """One accepted kit, never changed afterwards: rollback is a new version equal to an old
    one, so the history reads in order and nothing is lost."""

    __tablename__ = "brand_kit_versions"
    __table_args__ = (
        tenants_fk(),
        UniqueConstraint("tenant_id", "number"),
        CheckConstraint(one_of("reason", KitChangeReason), name="reason"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    number: Mapped[int] = mapped_column(Integer, nullable=False)
    reason: Mapped[str] = mapped_column(String(16), nullable=False)
    kit: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    changes: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, nullable=False, server_default="[]"
    )
    note: Mapped[str | None] = mapped_column(String(500))
    proposal_id: Mapped[UUID | None] = mapped_column(Uuid)
    restored_from: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[UUID | None] = mapped_column(Uuid)


class ProposalStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class ProposalTrigger(StrEnum):
    USER = "user"
    SAMPLES = "samples"
    ARTICLES = "articles"
    DRIFT = "drift"


class BrandProposal(TenantOwned, TimestampMixin, Base):
    """A kit the learning agent proposed: a person accepts (a version), edits then accepts,
    or rejects it. Never applied by itself."""

    __tablename__ = "brand_kit_proposals"
    __table_args__ = (
        tenants_fk(),
        CheckConstraint(one_of("status", ProposalStatus), name="status"),
        CheckConstraint(one_of("trigger", ProposalTrigger), name="trigger"),
        Index("ix_brand_kit_proposals_tenant_id_created_at", "tenant_id", "created_at"),
    )

    status: Mapped[str] = mapped_column(
        String(16), nullable=False, server_default=ProposalStatus.PENDING.value
    )
    trigger: Mapped[str] = mapped_column(String(16), nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    proposal: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    sources: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default="{}")
    voice_embedding: Mapped[list[float] | None] = mapped_column(Vector(EMBEDDING_DIMENSIONS))
    created_by: Mapped[UUID | None] = mapped_column(Uuid)
    decided_by: Mapped[UUID | None] = mapped_column(Uuid)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version_number: Mapped[int | None] = mapped_column(Integer)


class LogoFormat(StrEnum):
    """What the uploaded file was; the stored logo is always a PNG made from it."""

    PNG = "png"
    JPEG = "jpeg"
    WEBP = "webp"


class BrandLogo(Base):
    """The tenant's logo (one or none): a normalised PNG in object storage, drawn on cards.
    ``id`` is new with every upload, so the URL that serves it names one version."""

    __tablename__ = "brand_logos"
    __table_args__ = (
        tenants_fk(),
        UniqueConstraint("tenant_id", "id"),
        CheckConstraint(one_of("source_format", LogoFormat), name="source_format"),
    )

    tenant_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    storage_key: Mapped[str] = mapped_column(String(200), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    source_format: Mapped[str] = mapped_column(String(16), nullable=False)
    uploaded_by: Mapped[UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
