from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Query, status

from icop.auth.dependencies import CurrentPrincipal, TenantSession, require_role
from icop.gateway.dependencies import Limit, Offset
from icop.gateway.problems import problem_responses
from icop.models import NotificationKind, Role
from icop.notifications import service
from icop.notifications.schemas import MarkedRead, NotificationOut, NotificationPage

router = APIRouter(
    prefix="/notifications",
    tags=["notifications"],
    dependencies=[require_role(Role.VIEWER)],
    responses=problem_responses(401, 403, 422, 429),
)


@router.get("", response_model=NotificationPage)
async def list_notifications(
    principal: CurrentPrincipal,
    session: TenantSession,
    limit: Limit = 50,
    offset: Offset = 0,
    unread: bool = Query(False, description="Only the caller's unread ones."),
) -> NotificationPage:
    """The tenant's notifications, the caller's unread ones first, newest first."""
    count, rows = await service.page(
        session, principal, unread_only=unread, limit=limit, offset=offset
    )
    return NotificationPage(
        unread=count,
        items=[
            NotificationOut(
                id=notification.id,
                kind=NotificationKind(notification.kind),
                title=notification.title,
                detail=notification.detail,
                target_type=notification.target_type,
                target_id=notification.target_id,
                created_at=notification.created_at,
                read_at=read_at,
            )
            for notification, read_at in rows
        ],
    )


@router.post("/read-all", response_model=MarkedRead, responses=problem_responses(401, 403, 429))
async def mark_all_read(principal: CurrentPrincipal, session: TenantSession) -> MarkedRead:
    """Mark every notification read for the caller."""
    return MarkedRead(marked=await service.mark_all_read(session, principal))


@router.post(
    "/{notification_id}/read",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404),
)
async def mark_read(
    notification_id: UUID, principal: CurrentPrincipal, session: TenantSession
) -> None:
    """Mark one notification read for the caller (again: no change)."""
    await service.mark_read(session, principal, notification_id)
