"""An article published to its tenant's public blog: a snapshot of the public fields taken
when a person published it. The public pages read only these rows (through the functions in
``icop.db.system``), so a draft, an edit not yet republished or an internal field never
reaches the web."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, Index, String, Text, UniqueConstraint, Uuid, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from icop.models.base import Base, TenantOwned, TimestampMixin, tenant_fk, tenants_fk


class WebPublication(TenantOwned, TimestampMixin, Base):
    __tablename__ = "web_publications"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["article_id"], "generated_articles"),
        UniqueConstraint("tenant_id", "article_id"),
        UniqueConstraint("tenant_id", "slug"),
        Index("ix_web_publications_tenant_id_published_at", "tenant_id", "published_at"),
    )

    article_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    slug: Mapped[str] = mapped_column(String(80), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str] = mapped_column(String(500), nullable=False)
    language: Mapped[str] = mapped_column(String(16), nullable=False)
    markdown: Mapped[str] = mapped_column(Text, nullable=False)
    keywords: Mapped[list[str]] = mapped_column(JSONB, nullable=False, server_default="[]")
    # [{url, alt, width, height}] and [{number, title, url}]: public fields only.
    images: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False, server_default="[]")
    citations: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, nullable=False, server_default="[]"
    )
    published_by: Mapped[UUID | None] = mapped_column(Uuid)
    published_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
