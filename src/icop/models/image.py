"""Generated images (one row per job) and a tenant's own provider order."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from icop.models.base import Base, TenantOwned, TimestampMixin, tenants_fk
from icop.models.types import EnumText, one_of

IMAGE_PRESETS = ("portrait", "square", "landscape")


class ImageStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (ImageStatus.READY, ImageStatus.FAILED)


class Image(TenantOwned, TimestampMixin, Base):
    __tablename__ = "images"
    __table_args__ = (
        tenants_fk(),
        CheckConstraint(one_of("status", ImageStatus), name="status"),
        CheckConstraint(f"preset IN {IMAGE_PRESETS!r}", name="preset"),
        Index("ix_images_tenant_id_created_at", "tenant_id", "created_at"),
    )

    prompt: Mapped[str] = mapped_column(Text, nullable=False)
    title: Mapped[str | None] = mapped_column(String(300))
    preset: Mapped[str] = mapped_column(String(16), nullable=False)
    platform: Mapped[str | None] = mapped_column(String(16))
    requested_provider: Mapped[str | None] = mapped_column(String(40))
    chain: Mapped[list[str]] = mapped_column(JSONB, nullable=False, server_default="[]")
    seed: Mapped[int] = mapped_column(BigInteger, nullable=False)
    status: Mapped[ImageStatus] = mapped_column(
        EnumText(ImageStatus, 16), nullable=False, server_default=ImageStatus.QUEUED.value
    )
    provider: Mapped[str | None] = mapped_column(String(40))
    model: Mapped[str | None] = mapped_column(String(120))
    storage_key: Mapped[str | None] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2000))
    content_type: Mapped[str | None] = mapped_column(String(40))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, nullable=False, server_default="[]"
    )
    error: Mapped[str | None] = mapped_column(Text)
    workflow_id: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[UUID | None] = mapped_column(Uuid)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


class ImageRouting(Base):
    """A tenant's own provider order (replaces ICOP_IMAGE_PROVIDERS for that tenant)."""

    __tablename__ = "image_routing"
    __table_args__ = (tenants_fk(),)

    tenant_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    providers: Mapped[list[str]] = mapped_column(JSONB, nullable=False)
    updated_by: Mapped[UUID | None] = mapped_column(Uuid)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )
