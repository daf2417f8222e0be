"""Videos (issue #18): one row per video, one per segment with its latest attempt."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from icop.models.base import Base, TenantOwned, TimestampMixin, tenant_fk, tenants_fk
from icop.models.types import EnumText, one_of


class VideoStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"


class SegmentStatus(StrEnum):
    PENDING = "pending"
    OK = "ok"
    REFUSED = "refused"
    """The reviewer refused the latest attempt; another may follow."""
    FAILED = "failed"


class Video(TenantOwned, TimestampMixin, Base):
    __tablename__ = "videos"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["article_id"], "generated_articles", ondelete="SET NULL (article_id)"),
        CheckConstraint(one_of("status", VideoStatus), name="status"),
        Index("ix_videos_tenant_id_created_at", "tenant_id", "created_at"),
    )

    article_id: Mapped[UUID | None] = mapped_column(Uuid)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    language: Mapped[str] = mapped_column(String(16), nullable=False, server_default="en")
    provider: Mapped[str] = mapped_column(String(40), nullable=False)
    platform: Mapped[str] = mapped_column(String(16), nullable=False)
    target_seconds: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[VideoStatus] = mapped_column(
        EnumText(VideoStatus, 16), nullable=False, server_default=VideoStatus.QUEUED.value
    )
    workflow_id: Mapped[str | None] = mapped_column(String(200))
    storage_key: Mapped[str | None] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2000))
    duration_s: Mapped[float | None] = mapped_column(Float)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    valid_for: Mapped[list[str]] = mapped_column(JSONB, nullable=False, server_default="[]")
    cost_usd: Mapped[Decimal] = mapped_column(Numeric(14, 6), nullable=False, server_default="0")
    plan: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error: Mapped[str | None] = mapped_column(Text)


class VideoSegment(TenantOwned, TimestampMixin, Base):
    __tablename__ = "video_segments"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["video_id"], "videos"),
        UniqueConstraint("tenant_id", "video_id", "index"),
        CheckConstraint(one_of("status", SegmentStatus), name="status"),
        CheckConstraint('"index" >= 0', name="index"),
    )

    video_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    index: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[SegmentStatus] = mapped_column(
        EnumText(SegmentStatus, 16), nullable=False, server_default=SegmentStatus.PENDING.value
    )
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    provider: Mapped[str | None] = mapped_column(String(40))
    model: Mapped[str | None] = mapped_column(String(80))
    storage_key: Mapped[str | None] = mapped_column(String(500))
    cost_usd: Mapped[Decimal] = mapped_column(Numeric(14, 6), nullable=False, server_default="0")
    reasons: Mapped[list[str]] = mapped_column(JSONB, nullable=False, server_default="[]")
