from __future__ import annotations

from typing import Annotated
from uuid import UUID

import httpx
from fastapi import APIRouter, Depends, Query, Request, status

from icop.auth.dependencies import CurrentPrincipal, TenantSession, require_role
from icop.credentials.dependencies import KeyringDep
from icop.gateway.dependencies import Limit, Offset, SettingsDep, process_client
from icop.gateway.problems import problem_responses
from icop.models import NotificationKind, NotificationWebhook, Role
from icop.notifications import delivery, service, webhook
from icop.notifications.schemas import (
    MarkedRead,
    NotificationOut,
    NotificationPage,
    WebhookOut,
    WebhookSet,
    WebhookTestOut,
)


def get_http(request: Request) -> httpx.AsyncClient:
    client: httpx.AsyncClient = process_client(request, "http")
    return client


HttpDep = Annotated[httpx.AsyncClient, Depends(get_http)]

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


def _out(configured: NotificationWebhook | None) -> WebhookOut:
    if configured is None:
        return WebhookOut(configured=False)
    return WebhookOut(
        configured=True,
        hint=configured.hint,
        key_id=configured.key_id,
        created_at=configured.created_at,
    )


@router.put(
    "/webhook",
    response_model=WebhookOut,
    dependencies=[require_role(Role.ADMIN)],
    responses=problem_responses(401, 403, 422, 429),
)
async def set_webhook(
    body: WebhookSet, principal: CurrentPrincipal, session: TenantSession, keyring: KeyringDep
) -> WebhookOut:
    """Send every new notification to this webhook too (`POST {"text": …}`), after its commit,
    retried with backoff. Replaces the previous one. The URL is stored encrypted."""
    return _out(await webhook.configure(session, keyring, principal, body.url))


@router.get(
    "/webhook",
    response_model=WebhookOut,
    dependencies=[require_role(Role.ADMIN)],
    responses=problem_responses(401, 403, 429),
)
async def get_webhook(session: TenantSession) -> WebhookOut:
    """The configured webhook: its scheme and host only (the URL is a secret);
    `configured: false` when there is none."""
    return _out(await webhook.current(session))


@router.delete(
    "/webhook",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[require_role(Role.ADMIN)],
    responses=problem_responses(401, 403, 404, 429),
)
async def delete_webhook(principal: CurrentPrincipal, session: TenantSession) -> None:
    """Stop sending notifications to the webhook (deliveries still queued are marked failed)."""
    await webhook.remove(session, principal)


@router.post(
    "/webhook/test",
    response_model=WebhookTestOut,
    dependencies=[require_role(Role.ADMIN)],
    responses=problem_responses(401, 403, 404, 429),
)
async def send_test_notification(
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
    keyring: KeyringDep,
    http: HttpDep,
) -> WebhookTestOut:
    """Post a test message to the configured webhook now and report its answer (200 either
    way: `delivered` says whether it worked); 404 when none is configured."""
    return await delivery.send_test(session, settings, keyring, http, principal)


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
