"""A tenant's brand kit: what the image renderer paints its cards with (one per tenant)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import CheckConstraint, DateTime, Integer, String, UniqueConstraint, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from icop.models.base import Base, TimestampMixin, tenants_fk
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
