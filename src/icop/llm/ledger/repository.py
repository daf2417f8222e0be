from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from icop.models import LlmCall, LlmRoutingOverride, RoutingMode


class LedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, call: LlmCall) -> None:
        self.session.add(call)
        await self.session.flush()

    async def get(self, call_id: UUID) -> LlmCall | None:
        """One call of the session's tenant (row-level security hides the others')."""
        return await self.session.scalar(select(LlmCall).where(LlmCall.id == call_id))

    async def recent(self, *, limit: int, offset: int, task: str | None) -> Sequence[LlmCall]:
        statement = select(LlmCall).order_by(LlmCall.created_at.desc(), LlmCall.id)
        if task:
            statement = statement.where(LlmCall.task == task)
        result = await self.session.scalars(statement.limit(limit).offset(offset))
        return result.all()

    async def totals(self, since: datetime) -> Sequence[Row[Any]]:
        """Calls, tokens and cost per day, provider, model and task since ``since``."""
        day = func.date_trunc("day", LlmCall.created_at).label("day")
        result = await self.session.execute(
            select(
                day,
                LlmCall.provider,
                LlmCall.model,
                LlmCall.task,
                func.count().label("calls"),
                func.count().filter(LlmCall.status != "ok").label("failures"),
                func.sum(LlmCall.prompt_tokens).label("prompt_tokens"),
                func.sum(LlmCall.completion_tokens).label("completion_tokens"),
                func.sum(LlmCall.cost_usd).label("cost_usd"),
            )
            .where(LlmCall.created_at >= since)
            .group_by(day, LlmCall.provider, LlmCall.model, LlmCall.task)
            .order_by(day)
        )
        return result.all()

    async def overrides(self) -> Sequence[LlmRoutingOverride]:
        result = await self.session.scalars(select(LlmRoutingOverride))
        return result.all()

    async def put_override(
        self,
        *,
        tenant_id: UUID,
        task: str,
        candidates: list[dict[str, Any]],
        mode: RoutingMode | None,
        updated_by: UUID | None,
    ) -> None:
        statement = insert(LlmRoutingOverride).values(
            tenant_id=tenant_id, task=task, candidates=candidates, mode=mode, updated_by=updated_by
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["tenant_id", "task"],
                set_={
                    "candidates": candidates,
                    "mode": mode,
                    "updated_by": updated_by,
                    "updated_at": func.now(),
                },
            )
        )

    async def delete_override(self, task: str) -> bool:
        result = await self.session.execute(
            delete(LlmRoutingOverride)
            .where(LlmRoutingOverride.task == task)
            .returning(LlmRoutingOverride.task)
        )
        return result.scalar_one_or_none() is not None
