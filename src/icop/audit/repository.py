from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from icop.models import AuditEvent


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        *,
        tenant_id: UUID,
        actor_kind: str,
        actor_id: UUID | None,
        action: str,
        target_type: str | None,
        target_id: str | None,
        request_id: str | None,
        details: dict[str, Any],
    ) -> None:
        self.session.add(
            AuditEvent(
                tenant_id=tenant_id,
                actor_kind=actor_kind,
                actor_id=actor_id,
                action=action,
                target_type=target_type,
                target_id=target_id,
                request_id=request_id,
                details=details,
            )
        )

    async def list(self, *, limit: int, offset: int, action: str | None) -> Sequence[AuditEvent]:
        statement = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id)
        if action:
            statement = statement.where(AuditEvent.action == action)
        result = await self.session.scalars(statement.limit(limit).offset(offset))
        return result.all()

    async def targets_with(
        self,
        *,
        actions: Sequence[str],
        target_type: str,
        target_ids: Sequence[str],
        since: datetime,
    ) -> set[str]:
        """Which of ``target_ids`` have an event with one of ``actions`` since ``since`` (a
        window that keeps the query on the tenant's (tenant_id, created_at) index)."""
        if not target_ids:
            return set()
        result = await self.session.scalars(
            select(AuditEvent.target_id)
            .where(
                AuditEvent.action.in_(actions),
                AuditEvent.target_type == target_type,
                AuditEvent.target_id.in_(target_ids),
                AuditEvent.created_at >= since,
            )
            .distinct()
        )
        return {target for target in result.all() if target is not None}
