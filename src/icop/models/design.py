"""Designs (issue #14): every image as an editable Fabric.js canvas, with its history.

``Record`` in the names: ``icop.designs.document.Design`` is the canvas itself; these are its
rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Index,
    Integer,
    String,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from icop.models.base import Base, TenantOwned, TimestampMixin, tenant_fk, tenants_fk
from icop.models.image import IMAGE_PRESETS


class DesignRecord(TenantOwned, TimestampMixin, Base):
    """One canvas: made from an image (at most one design per image) or blank. ``head`` is the
    version it shows; ``undone`` the versions undone from, the most recent last (redo's
    stack). Changing the head is a compare-and-set on it (``DesignRepository.advance``), so two
    edits made against the same version can never both land."""

    __tablename__ = "designs"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["article_id"], "generated_articles", ondelete="SET NULL (article_id)"),
        tenant_fk(["image_id"], "images", ondelete="SET NULL (image_id)"),
        UniqueConstraint("tenant_id", "image_id"),
        CheckConstraint(f"preset IN {IMAGE_PRESETS!r}", name="preset"),
        CheckConstraint("head >= 1", name="head"),
        Index("ix_designs_tenant_id_article_id", "tenant_id", "article_id"),
    )

    article_id: Mapped[UUID | None] = mapped_column(Uuid)
    image_id: Mapped[UUID | None] = mapped_column(Uuid)
    preset: Mapped[str] = mapped_column(String(16), nullable=False)
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    head: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")
    undone: Mapped[list[int]] = mapped_column(ARRAY(Integer), nullable=False, server_default="{}")
    published_version: Mapped[int | None] = mapped_column(Integer)
    # The published JPEG's object key: the "old image" the next publish replaces.
    published_key: Mapped[str | None] = mapped_column(String(500))
    published_url: Mapped[str | None] = mapped_column(String(2000))
    created_by: Mapped[UUID | None] = mapped_column(Uuid)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


class DesignVersionRecord(TenantOwned, TimestampMixin, Base):
    """One state of a design's document and the actions that made it from its parent.
    Append-only (the app role may insert and read)."""

    __tablename__ = "design_versions"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["design_id"], "designs"),
        UniqueConstraint("tenant_id", "design_id", "number"),
        CheckConstraint("number >= 1", name="number"),
        CheckConstraint("parent IS NULL OR (parent >= 1 AND parent < number)", name="parent"),
    )

    design_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    parent: Mapped[int | None] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    actions: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, nullable=False, server_default="[]"
    )
    note: Mapped[str] = mapped_column(String(300), nullable=False, server_default="")
    created_by: Mapped[UUID | None] = mapped_column(Uuid)
