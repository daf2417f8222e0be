from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from icop.auth.principal import Principal
from icop.errors import NotFound
from icop.models import Notification, NotificationKind
from icop.notifications.repository import (
    DeliveryRepository,
    NotificationRepository,
    WebhookRepository,
)

TITLE_LIMIT = 300
DETAIL_LIMIT = 2000


async def notify(
    session: AsyncSession,
    *,
    tenant_id: UUID,
    kind: NotificationKind,
    title: str,
    target_type: str,
    target_id: UUID,
    detail: str | None = None,
    occurrence: str | None = None,
) -> Notification:
    """Record a notice in the caller's unit of work: it commits or rolls back with the event,
    and so does its delivery to the tenant's webhook, when one is configured.

    At most one notice per event (``dedupe_key``): a Temporal activity whose commit succeeded
    but whose completion was lost runs again, and must not tell the team twice. The second
    call returns the first notice and queues no second delivery."""
    key = dedupe_key(kind, target_type, target_id, occurrence)
    repository = NotificationRepository(session)
    notification = Notification(
        tenant_id=tenant_id,
        id=uuid4(),
        kind=kind.value,
        title=title[:TITLE_LIMIT],
        detail=detail[:DETAIL_LIMIT] if detail else None,
        target_type=target_type,
        target_id=target_id,
        dedupe_key=key,
        # The moment of the event, not of its transaction's start (now()): several notices
        # of one transaction still list newest first.
        created_at=datetime.now(UTC),
    )
    if not await repository.add_once(notification):
        existing = await repository.by_dedupe_key(key)
        if existing is None:  # pragma: no cover - the conflicting row is visible to us
            raise RuntimeError(f"notification {key} conflicted but cannot be read")
        return existing
    if await WebhookRepository(session).exists():
        await DeliveryRepository(session).enqueue(tenant_id, notification.id)
    return notification


def dedupe_key(
    kind: NotificationKind, target_type: str, target_id: UUID, occurrence: str | None
) -> str:
    """What makes two notices the same event: the kind and the subject, and, where the same
    subject can legitimately come round again (an article written by a new workflow, a post's
    next publishing attempt), the ``occurrence`` that tells the rounds apart. Never anything
    that changes between retries of one activity (its attempt number, the clock)."""
    key = f"{kind.value}:{target_type}:{target_id}"
    return f"{key}:{occurrence}"[:200] if occurrence else key


async def page(
    session: AsyncSession, principal: Principal, *, unread_only: bool, limit: int, offset: int
) -> tuple[int, Sequence[tuple[Notification, datetime | None]]]:
    repository = NotificationRepository(session)
    unread = await repository.count_unread(principal.actor_id)
    rows = await repository.page(
        principal.actor_id, unread_only=unread_only, limit=limit, offset=offset
    )
    return unread, rows


async def mark_read(session: AsyncSession, principal: Principal, notification_id: UUID) -> None:
    repository = NotificationRepository(session)
    if not await repository.exists(notification_id):
        raise NotFound("no such notification")
    await repository.mark_read(principal.tenant_id, principal.actor_id, notification_id)


async def mark_all_read(session: AsyncSession, principal: Principal) -> int:
    return await NotificationRepository(session).mark_all_read(
        principal.tenant_id, principal.actor_id
    )
