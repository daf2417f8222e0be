"""The tenant's audit trail: who did what to which object, in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from icop.audit.repository import AuditRepository
from icop.auth.principal import Principal
from icop.gateway.request_context import current_request_id
from icop.models import AuditEvent


async def record(
    session: AsyncSession,
    *,
    tenant_id: UUID,
    action: str,
    actor: Principal | None = None,
    actor_id: UUID | None = None,
    target_type: str | None = None,
    target_id: UUID | str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    await AuditRepository(session).add(
        tenant_id=tenant_id,
        actor_kind=actor.kind.value if actor else ("user" if actor_id else "system"),
        actor_id=actor.actor_id if actor else actor_id,
        action=action,
        target_type=target_type,
        target_id=str(target_id) if target_id is not None else None,
        request_id=current_request_id(),
        details=details or {},
    )


async def list_events(
    session: AsyncSession, *, limit: int, offset: int, action: str | None
) -> Sequence[AuditEvent]:
    return await AuditRepository(session).list(limit=limit, offset=offset, action=action)
