"""Workflow starts a transaction asked for: written with the rows the workflow will work on,
so a workflow starts only once those rows are committed, and at least once (icop.orchestrator
.starts); a row is deleted once Temporal has the workflow."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CheckConstraint, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from icop.models.base import Base, TenantOwned, TimestampMixin, tenants_fk

ID_REUSE_POLICIES = ("reject_duplicate", "allow_duplicate")


class WorkflowStart(TenantOwned, TimestampMixin, Base):
    __tablename__ = "workflow_starts"
    __table_args__ = (
        tenants_fk(),
        CheckConstraint(f"id_reuse IN {ID_REUSE_POLICIES!r}", name="id_reuse"),
        Index("ix_workflow_starts_tenant_id_created_at", "tenant_id", "created_at"),
    )

    workflow: Mapped[str] = mapped_column(String(100), nullable=False)
    workflow_id: Mapped[str] = mapped_column(String(200), nullable=False)
    # The task queue's name without the deployment's prefix (a TaskQueue value).
    task_queue: Mapped[str] = mapped_column(String(40), nullable=False)
    # The workflow's argument as the data converter writes it (JSON).
    input: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    id_reuse: Mapped[str] = mapped_column(String(24), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
