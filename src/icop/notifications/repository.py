from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from icop.models import (
    DeliveryStatus,
    Notification,
    NotificationDelivery,
    NotificationRead,
    NotificationWebhook,
)


class NotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_once(self, notification: Notification) -> bool:
        """Insert the notice unless the tenant has one with its ``dedupe_key`` already (an
        activity retried after its commit); whether it was inserted. ``notification`` carries
        every value (its id included) and stays a plain object, readable after the unit of work
        ends however it ends."""
        values = {
            column.key: getattr(notification, column.key)
            for column in Notification.__table__.columns
            if getattr(notification, column.key) is not None
        }
        inserted = await self.session.scalar(
            insert(Notification)
            .values(values)
            .on_conflict_do_nothing(
                index_elements=[Notification.tenant_id, Notification.dedupe_key]
            )
            .returning(Notification.id)
        )
        return inserted is not None

    async def by_dedupe_key(self, dedupe_key: str) -> Notification | None:
        return await self.session.scalar(
            select(Notification).where(Notification.dedupe_key == dedupe_key)
        )

    def _read_by(self, reader_id: UUID) -> ColumnElement[bool]:
        return and_(
            NotificationRead.tenant_id == Notification.tenant_id,
            NotificationRead.notification_id == Notification.id,
            NotificationRead.reader_id == reader_id,
        )

    async def page(
        self, reader_id: UUID, *, unread_only: bool, limit: int, offset: int
    ) -> Sequence[tuple[Notification, datetime | None]]:
        """Unread first, newest first within each."""
        query = (
            select(Notification, NotificationRead.read_at)
            .outerjoin(NotificationRead, self._read_by(reader_id))
            .order_by(
                NotificationRead.read_at.is_not(None),
                Notification.created_at.desc(),
                Notification.id.desc(),
            )
            .limit(limit)
            .offset(offset)
        )
        if unread_only:
            query = query.where(NotificationRead.read_at.is_(None))
        rows = await self.session.execute(query)
        return [(row[0], row[1]) for row in rows]

    async def count_unread(self, reader_id: UUID) -> int:
        return (
            await self.session.scalar(
                select(func.count())
                .select_from(Notification)
                .outerjoin(NotificationRead, self._read_by(reader_id))
                .where(NotificationRead.read_at.is_(None))
            )
            or 0
        )

    async def exists(self, notification_id: UUID) -> bool:
        found = await self.session.scalar(
            select(Notification.id).where(Notification.id == notification_id)
        )
        return found is not None

    async def mark_read(self, tenant_id: UUID, reader_id: UUID, notification_id: UUID) -> None:
        await self.session.execute(
            insert(NotificationRead)
            .values(tenant_id=tenant_id, reader_id=reader_id, notification_id=notification_id)
            .on_conflict_do_nothing()
        )

    async def mark_all_read(self, tenant_id: UUID, reader_id: UUID) -> int:
        unread = (
            await self.session.scalars(
                select(Notification.id)
                .outerjoin(NotificationRead, self._read_by(reader_id))
                .where(NotificationRead.read_at.is_(None))
            )
        ).all()
        if unread:
            await self.session.execute(
                insert(NotificationRead)
                .values(
                    [
                        {"tenant_id": tenant_id, "reader_id": reader_id, "notification_id": id_}
                        for id_ in unread
                    ]
                )
                .on_conflict_do_nothing()
            )
        return len(unread)


class WebhookRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self) -> NotificationWebhook | None:
        """The bound tenant's webhook (there is at most one)."""
        return await self.session.scalar(select(NotificationWebhook))

    async def exists(self) -> bool:
        return (await self.session.scalar(select(NotificationWebhook.id))) is not None

    async def add(self, webhook: NotificationWebhook) -> None:
        self.session.add(webhook)
        await self.session.flush()

    async def delete(self, webhook: NotificationWebhook) -> None:
        await self.session.delete(webhook)
        await self.session.flush()


@dataclass(frozen=True)
class ClaimedDelivery:
    notification_id: UUID
    attempts: int
    title: str
    detail: str | None


class DeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enqueue(self, tenant_id: UUID, notification_id: UUID) -> None:
        self.session.add(NotificationDelivery(tenant_id=tenant_id, notification_id=notification_id))
        await self.session.flush()

    async def claim(self, limit: int, lease_s: float) -> list[ClaimedDelivery]:
        """Take due deliveries for one attempt each: counted and leased now, so a process that
        dies mid-call leaves them to be tried again when the lease ends, and another process
        skips them meanwhile."""
        rows = (
            await self.session.execute(
                select(NotificationDelivery, Notification.title, Notification.detail)
                .join(
                    Notification,
                    and_(
                        Notification.tenant_id == NotificationDelivery.tenant_id,
                        Notification.id == NotificationDelivery.notification_id,
                    ),
                )
                .where(
                    NotificationDelivery.status == DeliveryStatus.PENDING.value,
                    NotificationDelivery.next_attempt_at <= func.now(),
                )
                .order_by(NotificationDelivery.next_attempt_at)
                .limit(limit)
                .with_for_update(skip_locked=True, of=NotificationDelivery)
            )
        ).all()
        claimed = []
        for delivery, title, detail in rows:
            delivery.attempts += 1
            delivery.next_attempt_at = func.now() + timedelta(seconds=lease_s)
            claimed.append(
                ClaimedDelivery(delivery.notification_id, delivery.attempts, title, detail)
            )
        await self.session.flush()
        return claimed

    async def sent(self, notification_id: UUID) -> None:
        await self.session.execute(
            update(NotificationDelivery)
            .where(NotificationDelivery.notification_id == notification_id)
            .values(status=DeliveryStatus.SENT.value, delivered_at=func.now(), last_error=None)
        )

    async def retry_later(self, notification_id: UUID, error: str, delay_s: float) -> None:
        await self.session.execute(
            update(NotificationDelivery)
            .where(NotificationDelivery.notification_id == notification_id)
            .values(
                last_error=error[:500],
                next_attempt_at=func.now() + timedelta(seconds=delay_s),
            )
        )

    async def failed(self, notification_id: UUID, error: str) -> None:
        await self.session.execute(
            update(NotificationDelivery)
            .where(NotificationDelivery.notification_id == notification_id)
            .values(status=DeliveryStatus.FAILED.value, last_error=error[:500])
        )
