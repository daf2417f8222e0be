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

from icop.models.base import Base, TenantOwned, TimestampMixin, tenants_fk
from icop.models.types import EnumText, one_of


class RoutingMode(StrEnum):
    """How a contest's slots (the article graph's three writers) get their models."""

    ORDERED = "ordered"
    """Each slot walks its own candidate list, first usable first (routing.yaml)."""
    BEST_JUDGED = "best_judged"
    """The slots draw from the pool's candidates by Thompson sampling over the tenant's
    judged record (icop.llm.contests)."""


class LlmCall(TenantOwned, TimestampMixin, Base):
    """The usage and cost ledger: one row per routed model call, answered or not."""

    __tablename__ = "llm_calls"
    __table_args__ = (
        tenants_fk(),
        Index("ix_llm_calls_tenant_id_created_at", "tenant_id", "created_at"),
    )

    task: Mapped[str] = mapped_column(String(40), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    provider: Mapped[str | None] = mapped_column(String(40))
    model: Mapped[str | None] = mapped_column(String(120))
    prompt_tokens: Mapped[int] = mapped_column(Integer, nullable=False)
    completion_tokens: Mapped[int] = mapped_column(Integer, nullable=False)
    cost_usd: Mapped[Decimal] = mapped_column(Numeric(14, 6), nullable=False)
    latency_ms: Mapped[float] = mapped_column(Float, nullable=False)
    context_tokens_before: Mapped[int] = mapped_column(Integer, nullable=False)
    context_tokens_after: Mapped[int] = mapped_column(Integer, nullable=False)
    repaired: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    attempts: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False)
    reference: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    # The context debugger's record (icop.llm.context.PreparedPrompt.report); None for calls
    # recorded before it existed and for calls that never reached a provider.
    context: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


class LlmRoutingOverride(Base):
    """A tenant's own candidate list for one task kind (replaces the policy's list)."""

    __tablename__ = "llm_routing_overrides"
    __table_args__ = (
        tenants_fk(),
        CheckConstraint(one_of("mode", RoutingMode, nullable=True), name="mode"),
    )

    tenant_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    task: Mapped[str] = mapped_column(String(40), primary_key=True)
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False)
    # NULL: the policy's mode for the task (routing.yaml), so an operator's default still holds
    # for a tenant that only reordered the candidates.
    mode: Mapped[RoutingMode | None] = mapped_column(EnumText(RoutingMode, 16))
    updated_by: Mapped[UUID | None] = mapped_column(Uuid)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


class LlmContestEntry(TenantOwned, TimestampMixin, Base):
    """One judged draft of a contest: a compare-mode article whose drafts the editor (a model)
    scored before choosing one. The record the ``best_judged`` routing mode learns from and
    the leaderboard reads. It outlives the article (no foreign key): deleting an article does
    not unlearn what its contest taught."""

    __tablename__ = "llm_contest_entries"
    __table_args__ = (
        tenants_fk(),
        UniqueConstraint("tenant_id", "article_id", "slot"),
        Index(
            "ix_llm_contest_entries_tenant_id_task_provider_model",
            "tenant_id",
            "task",
            "provider",
            "model",
        ),
        Index("ix_llm_contest_entries_tenant_id_created_at", "tenant_id", "created_at"),
        CheckConstraint("rivals >= 0", name="rivals"),
    )

    article_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    task: Mapped[str] = mapped_column(String(40), nullable=False)
    """The contest's pool task (``write.draft``), the key its record is kept under."""
    slot: Mapped[str] = mapped_column(String(40), nullable=False)
    """Which writer wrote the draft (``writer_a`` …)."""
    provider: Mapped[str] = mapped_column(String(40), nullable=False)
    model: Mapped[str] = mapped_column(String(120), nullable=False)
    scores: Mapped[dict[str, int] | None] = mapped_column(JSONB)
    """The judge's rubric scores by criterion; NULL when it judged without scoring this draft."""
    total: Mapped[int | None] = mapped_column(Integer)
    won: Mapped[bool] = mapped_column(Boolean, nullable=False)
    rivals: Mapped[int] = mapped_column(Integer, nullable=False)
    """Judged drafts in the same contest by another model: 0 is a model against itself,
    which says nothing about which model is better (the router does not learn from it)."""
    judge_provider: Mapped[str | None] = mapped_column(String(40))
    judge_model: Mapped[str | None] = mapped_column(String(120))
