from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Query

from icop.audit import service
from icop.auth.dependencies import TenantSession, require_role
from icop.gateway.dependencies import Limit, Offset
from icop.gateway.problems import problem_responses
from icop.models import Role
from icop.schemas import ResponseModel


class AuditEventOut(ResponseModel):
    id: UUID
    actor_kind: str
    actor_id: UUID | None
    action: str
    target_type: str | None
    target_id: str | None
    request_id: str | None
    details: dict[str, Any]
    created_at: datetime


router = APIRouter(
    prefix="/audit-log",
    tags=["audit"],
    dependencies=[require_role(Role.ADMIN)],
    responses=problem_responses(401, 403, 422, 429),
)


@router.get("", response_model=list[AuditEventOut])
async def list_audit_events(
    session: TenantSession,
    limit: Limit = 50,
    offset: Offset = 0,
    action: str | None = Query(default=None, max_length=64),
) -> list[AuditEventOut]:
    events = await service.list_events(session, limit=limit, offset=offset, action=action)
    return [AuditEventOut.model_validate(e) for e in events]
