"""Database-backed collaborators of the router: the ledger sink, the budget guard and the
per-tenant overrides. Each does its own short unit of work: money spent is recorded even when
the caller's own transaction later rolls back."""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.db.session import unit_of_work
from icop.llm.ledger.repository import LedgerRepository
from icop.llm.policy import Candidate
from icop.llm.smart_router import CallRecord
from icop.llm.tasks import TaskKind
from icop.models import LlmCall, RoutingMode
from icop.quotas import service as quotas
from icop.quotas.plans import Metric


class DatabaseLedger:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker

    async def record(self, call: CallRecord) -> None:
        async with unit_of_work(self.sessionmaker, call.tenant_id) as session:
            await LedgerRepository(session).add(
                LlmCall(
                    tenant_id=call.tenant_id,
                    task=call.task.value,
                    status=call.status,
                    provider=call.provider,
                    model=call.model,
                    prompt_tokens=call.prompt_tokens,
                    completion_tokens=call.completion_tokens,
                    cost_usd=call.cost_usd,
                    latency_ms=call.latency_ms,
                    context_tokens_before=call.tokens_before,
                    context_tokens_after=call.tokens_after,
                    repaired=call.repaired,
                    attempts=call.attempts,
                    reference=call.reference,
                    error=call.error,
                    context=call.context,
                )
            )
            if call.cost_usd > 0:
                await quotas.record_spend(session, call.tenant_id, Metric.LLM_USD, call.cost_usd)


class DatabaseBudget:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker

    async def remaining_usd(self, tenant_id: UUID) -> Decimal | None:
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            return await quotas.remaining(session, tenant_id, Metric.LLM_USD)


@dataclass(frozen=True, slots=True)
class TenantRoutes:
    """One tenant's overrides: candidate lists, and modes where the tenant chose one."""

    candidates: dict[TaskKind, list[Candidate]]
    modes: dict[TaskKind, RoutingMode]


class DatabaseOverrides:
    """Tenants' routing overrides, cached briefly (they change rarely, calls are frequent)."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], ttl_s: float = 30.0) -> None:
        self.sessionmaker = sessionmaker
        self.ttl_s = ttl_s
        self._cache: dict[UUID, tuple[float, TenantRoutes]] = {}

    async def overrides(self, tenant_id: UUID) -> dict[TaskKind, list[Candidate]]:
        return (await self._routes(tenant_id)).candidates

    async def modes(self, tenant_id: UUID) -> dict[TaskKind, RoutingMode]:
        return (await self._routes(tenant_id)).modes

    async def _routes(self, tenant_id: UUID) -> TenantRoutes:
        cached = self._cache.get(tenant_id)
        if cached and time.monotonic() - cached[0] < self.ttl_s:
            return cached[1]
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            rows = await LedgerRepository(session).overrides()
        value = TenantRoutes(
            {
                TaskKind(row.task): [Candidate.model_validate(c) for c in row.candidates]
                for row in rows
            },
            {TaskKind(row.task): row.mode for row in rows if row.mode is not None},
        )
        self._cache[tenant_id] = (time.monotonic(), value)
        return value

    def invalidate(self, tenant_id: UUID) -> None:
        self._cache.pop(tenant_id, None)
