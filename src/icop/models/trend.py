"""The nightly TrendPipeline (issue #15): each tenant's trend sources, its runs, the items
collected in a run (kept or dropped, with the reason), the named trends found among the kept
items, and the plan rows proposed from them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
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

from icop.models.base import Base, TenantOwned, TimestampMixin, tenant_fk, tenants_fk
from icop.models.knowledge import EMBEDDING_DIMENSIONS
from icop.models.types import EnumText, one_of


class TrendRunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"
    """Finished, but at least one source failed after its retries."""
    FAILED = "failed"

    @property
    def active(self) -> bool:
        return self in (TrendRunStatus.QUEUED, TrendRunStatus.RUNNING)


class SuggestionStatus(StrEnum):
    OPEN = "open"
    PROMOTED = "promoted"
    DISMISSED = "dismissed"


class TrendConfig(TenantOwned, TimestampMixin, Base):
    """One per tenant: which sources to read, its topics, and when the pipeline runs."""

    __tablename__ = "trend_configs"
    __table_args__ = (tenants_fk(), UniqueConstraint("tenant_id"))

    # {"feeds": [...], "instagram": {...}, "pinterest": {...}, "youtube": {...}} (see
    # icop.trends.schemas.TrendSources); credentials are vault ids, never tokens.
    sources: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default="{}")
    topics: Mapped[list[str]] = mapped_column(JSONB, nullable=False, server_default="[]")
    languages: Mapped[list[str]] = mapped_column(JSONB, nullable=False, server_default="[]")
    schedule_cron: Mapped[str] = mapped_column(
        String(120), nullable=False, server_default="0 2 * * *"
    )
    schedule_paused: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


class TrendRun(TenantOwned, TimestampMixin, Base):
    __tablename__ = "trend_runs"
    __table_args__ = (
        tenants_fk(),
        CheckConstraint(one_of("status", TrendRunStatus), name="status"),
        CheckConstraint("trigger IN ('manual', 'schedule')", name="trigger"),
        UniqueConstraint("tenant_id", "workflow_id"),
        Index("ix_trend_runs_tenant_id_created_at", "tenant_id", "created_at"),
    )

    trigger: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[TrendRunStatus] = mapped_column(
        EnumText(TrendRunStatus, 16), nullable=False, server_default=TrendRunStatus.QUEUED.value
    )
    workflow_id: Mapped[str] = mapped_column(String(300), nullable=False)
    step: Mapped[str | None] = mapped_column(String(32))
    # {"collected": {source: n}, "dropped": {reason: n}, "kept": n, "ingested": n,
    #  "aged_out": n, "trends": n, "suggestions": n}
    counts: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default="{}")
    # {source: "its last error"} for the sources that failed after their retries.
    source_errors: Mapped[dict[str, str]] = mapped_column(
        JSONB, nullable=False, server_default="{}"
    )
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[UUID | None] = mapped_column(Uuid)


class Trend(TenantOwned, TimestampMixin, Base):
    """A named cluster of one run's kept items."""

    __tablename__ = "trends"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["run_id"], "trend_runs"),
        Index("ix_trends_tenant_id_run_id", "tenant_id", "run_id"),
    )

    run_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    label: Mapped[str] = mapped_column(String(300), nullable=False)
    keywords: Mapped[list[str]] = mapped_column(JSONB, nullable=False, server_default="[]")
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    score: Mapped[float] = mapped_column(Float, nullable=False)
    sources: Mapped[list[str]] = mapped_column(JSONB, nullable=False, server_default="[]")
    centroid: Mapped[list[float]] = mapped_column(Vector(EMBEDDING_DIMENSIONS), nullable=False)
    # When this trend (or one with nearly the same centroid in an earlier run) first appeared.
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class TrendItem(TenantOwned, TimestampMixin, Base):
    """One collected item. Dropped ones stay (with their reason) so a run can be explained."""

    __tablename__ = "trend_items"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["run_id"], "trend_runs"),
        tenant_fk(["trend_id"], "trends", ondelete="SET NULL (trend_id)"),
        tenant_fk(["document_id"], "knowledge_documents", ondelete="SET NULL (document_id)"),
        UniqueConstraint("tenant_id", "run_id", "source", "external_id"),
        Index("ix_trend_items_tenant_id_run_id", "tenant_id", "run_id"),
        Index("ix_trend_items_tenant_id_content_hash", "tenant_id", "content_hash"),
    )

    run_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    source: Mapped[str] = mapped_column(String(200), nullable=False)
    source_kind: Mapped[str] = mapped_column(String(32), nullable=False)
    external_id: Mapped[str] = mapped_column(String(500), nullable=False)
    url: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(String(500), nullable=False, server_default="")
    text: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The source's own popularity signal, 0…1 (rank, growth, views), before recency.
    signal: Mapped[float] = mapped_column(Float, nullable=False, server_default="0")
    language: Mapped[str | None] = mapped_column(String(16))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    simhash: Mapped[int | None] = mapped_column(BigInteger)
    dropped: Mapped[str | None] = mapped_column(String(32))
    embedding: Mapped[list[float] | None] = mapped_column(Vector(EMBEDDING_DIMENSIONS))
    trend_score: Mapped[float | None] = mapped_column(Float)
    trend_id: Mapped[UUID | None] = mapped_column(Uuid)
    document_id: Mapped[UUID | None] = mapped_column(Uuid)


class TrendSuggestion(TenantOwned, TimestampMixin, Base):
    """A plan row proposed from a trend that matches one of the tenant's topics."""

    __tablename__ = "trend_suggestions"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["trend_id"], "trends"),
        tenant_fk(["pipeline_id"], "content_pipelines", ondelete="SET NULL (pipeline_id)"),
        CheckConstraint(one_of("status", SuggestionStatus), name="status"),
        UniqueConstraint("tenant_id", "trend_id"),
    )

    trend_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    topic: Mapped[str] = mapped_column(String(500), nullable=False)
    matched_topic: Mapped[str] = mapped_column(String(500), nullable=False)
    similarity: Mapped[float] = mapped_column(Float, nullable=False)
    score: Mapped[float] = mapped_column(Float, nullable=False)
    status: Mapped[SuggestionStatus] = mapped_column(
        EnumText(SuggestionStatus, 16), nullable=False, server_default=SuggestionStatus.OPEN.value
    )
    pipeline_id: Mapped[UUID | None] = mapped_column(Uuid)
    row_number: Mapped[int | None] = mapped_column(Integer)
    promoted_by: Mapped[UUID | None] = mapped_column(Uuid)
    promoted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
