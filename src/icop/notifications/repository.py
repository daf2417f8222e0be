from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from icop.models import Notification, NotificationRead


class NotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, notification: Notification) -> Notification:
        self.session.add(notification)
        await self.session.flush()
        return notification

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
