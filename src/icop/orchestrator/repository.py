from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from icop.models import WorkflowStart


class WorkflowStartRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        *,
        tenant_id: UUID,
        workflow: str,
        workflow_id: str,
        task_queue: str,
        input: dict[str, Any],
        id_reuse: str,
    ) -> WorkflowStart:
        row = WorkflowStart(
            tenant_id=tenant_id,
            workflow=workflow,
            workflow_id=workflow_id,
            task_queue=task_queue,
            input=input,
            id_reuse=id_reuse,
        )
        self.session.add(row)
        await self.session.flush()
        return row

    async def due(self, limit: int) -> Sequence[WorkflowStart]:
        """The tenant's oldest starts, locked; rows another sweeper holds are skipped."""
        return (
            await self.session.scalars(
                select(WorkflowStart)
                .order_by(WorkflowStart.created_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()

    async def delete(self, start_ids: Sequence[UUID]) -> None:
        if start_ids:
            await self.session.execute(delete(WorkflowStart).where(WorkflowStart.id.in_(start_ids)))

    async def failed(self, start_id: UUID, error: str) -> None:
        await self.session.execute(
            update(WorkflowStart)
            .where(WorkflowStart.id == start_id)
            .values(attempts=WorkflowStart.attempts + 1, last_error=error[:2000])
        )

    async def pending(self) -> Sequence[WorkflowStart]:
        return (
            await self.session.scalars(select(WorkflowStart).order_by(WorkflowStart.created_at))
        ).all()
