from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Boolean, DateTime, Float, Index, Integer, Numeric, String, Text, Uuid, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from icop.models.base import Base, TenantOwned, TimestampMixin, tenants_fk


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


class LlmRoutingOverride(Base):
    """A tenant's own candidate list for one task kind (replaces the policy's list)."""

    __tablename__ = "llm_routing_overrides"
    __table_args__ = (tenants_fk(),)

    tenant_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    task: Mapped[str] = mapped_column(String(40), primary_key=True)
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False)
    updated_by: Mapped[UUID | None] = mapped_column(Uuid)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )
