"""Content pipelines (TRD §3), their runs with per-row progress, the sub-topics generated for
each main topic, and plan rows imported without a sheet."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from icop.models.base import Base, TenantOwned, TimestampMixin, tenant_fk, tenants_fk
from icop.models.types import EnumText, one_of

SOURCE_TYPES = ("google_sheet", "file", "import")


class RunStatus(StrEnum):
    """A pipeline run's status."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def active(self) -> bool:
        return self in (RunStatus.QUEUED, RunStatus.RUNNING)


class RowStatus(StrEnum):
    """One plan row's status within a run."""

    PENDING = "pending"
    SUBTOPICS = "subtopics"
    WRITING = "writing"
    DONE = "done"
    PARTIAL = "partial"
    ERROR = "error"
    SKIPPED = "skipped"


class ContentPipeline(TenantOwned, TimestampMixin, Base):
    __tablename__ = "content_pipelines"
    __table_args__ = (
        tenants_fk(),
        CheckConstraint(f"source_type IN {SOURCE_TYPES!r}", name="source_type"),
        CheckConstraint(
            "(source_type = 'google_sheet') = (google_sheet_id IS NOT NULL)", name="sheet_id"
        ),
        CheckConstraint("(source_type = 'file') = (file_path IS NOT NULL)", name="file_path"),
        UniqueConstraint("tenant_id", "name"),
    )

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    source_type: Mapped[str] = mapped_column(String(16), nullable=False)
    google_sheet_id: Mapped[str | None] = mapped_column(String(200))
    file_path: Mapped[str | None] = mapped_column(String(1000))
    sheet_range: Mapped[str] = mapped_column(
        String(200), nullable=False, server_default="ContentPlan!A2:E"
    )
    # The vault credential (service-account key or user OAuth token) for a Google Sheet.
    credential_id: Mapped[UUID | None] = mapped_column(Uuid)
    column_mapping: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, server_default="{}"
    )
    defaults: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default="{}")
    schedule_cron: Mapped[str | None] = mapped_column(String(120))
    schedule_paused: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    max_concurrent_articles: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default="2"
    )
    created_by: Mapped[UUID | None] = mapped_column(Uuid)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


class PipelineRun(TenantOwned, TimestampMixin, Base):
    __tablename__ = "pipeline_runs"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["pipeline_id"], "content_pipelines"),
        CheckConstraint(one_of("status", RunStatus), name="status"),
        CheckConstraint("trigger IN ('manual', 'schedule')", name="trigger"),
        UniqueConstraint("tenant_id", "workflow_id"),
        Index(
            "ix_pipeline_runs_tenant_id_pipeline_id_created_at",
            "tenant_id",
            "pipeline_id",
            "created_at",
        ),
    )

    pipeline_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    trigger: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[RunStatus] = mapped_column(
        EnumText(RunStatus, 16), nullable=False, server_default=RunStatus.QUEUED.value
    )
    workflow_id: Mapped[str] = mapped_column(String(300), nullable=False)
    rows_total: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    rows_done: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    rows_failed: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[UUID | None] = mapped_column(Uuid)


class PipelineRunRow(TenantOwned, TimestampMixin, Base):
    """One plan row's progress within one run."""

    __tablename__ = "pipeline_run_rows"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["run_id"], "pipeline_runs"),
        CheckConstraint(one_of("status", RowStatus), name="status"),
        UniqueConstraint("tenant_id", "run_id", "row_number"),
    )

    run_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    row_number: Mapped[int] = mapped_column(Integer, nullable=False)
    topic: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[RowStatus] = mapped_column(
        EnumText(RowStatus, 16), nullable=False, server_default=RowStatus.PENDING.value
    )
    step: Mapped[str | None] = mapped_column(String(200))
    options: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default="{}")
    articles_total: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    articles_done: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    cost_usd: Mapped[Decimal] = mapped_column(Numeric(14, 6), nullable=False, server_default="0")
    error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )

    @property
    def subtopic_relevance(self) -> dict[str, Any] | None:
        """The relevance counts of this row's sub-topic generation, kept in ``options``."""
        value = (self.options or {}).get("subtopic_relevance")
        return value if isinstance(value, dict) else None


class SubTopic(TenantOwned, TimestampMixin, Base):
    """A sub-topic generated for one main topic of a pipeline, with its cluster.

    Keyed by (pipeline, topic_key, position): a re-run finds the same sub-topics instead of
    generating new ones, so the deterministic article ids derived from them stay the same."""

    __tablename__ = "sub_topics"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["pipeline_id"], "content_pipelines"),
        tenant_fk(["article_id"], "generated_articles", ondelete="SET NULL"),
        UniqueConstraint("tenant_id", "pipeline_id", "topic_key", "position"),
    )

    pipeline_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    topic_key: Mapped[str] = mapped_column(String(64), nullable=False)
    topic: Mapped[str] = mapped_column(String(500), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    label: Mapped[str] = mapped_column(String(300), nullable=False)
    keywords: Mapped[list[str]] = mapped_column(JSONB, nullable=False, server_default="[]")
    members: Mapped[list[str]] = mapped_column(JSONB, nullable=False, server_default="[]")
    size: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    centrality: Mapped[float | None] = mapped_column(Float)
    article_id: Mapped[UUID | None] = mapped_column(Uuid)


class ImportedPlanRow(TenantOwned, TimestampMixin, Base):
    """A plan row of a pipeline without a sheet (bulk import): the same columns as a sheet row,
    read and written back the same way."""

    __tablename__ = "plan_rows"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["pipeline_id"], "content_pipelines"),
        UniqueConstraint("tenant_id", "pipeline_id", "row_number"),
    )

    pipeline_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    row_number: Mapped[int] = mapped_column(Integer, nullable=False)
    # Cell values by column letter ("A": "home composting", "B": "ready", …).
    cells: Mapped[dict[str, str]] = mapped_column(JSONB, nullable=False, server_default="{}")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )
