"""Run events: appended with the change they report, read after a cursor."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, and_, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from icop.models import RunEvent

CHANNEL = "icop_run_events"
"""The NOTIFY channel: the payload is only the tenant id, a reader fetches what is new."""
LOCK_NAMESPACE = 0x1C0E
"""The first key of the per-tenant advisory lock that orders event ids (icop.events.service)."""


class EventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def append(self, event: RunEvent) -> RunEvent:
        """Insert ``event`` and notify listeners at commit.

        The tenant's transaction-scoped advisory lock is taken before the id is drawn and
        held until commit, so one tenant's events commit in id order and a reader that goes
        on after the last id it saw never skips an event that committed late. Callers append
        last in their unit of work, so the lock is held only for the commit."""
        await self.session.execute(
            text("SELECT pg_advisory_xact_lock(:namespace, hashtext(:tenant))"),
            {"namespace": LOCK_NAMESPACE, "tenant": str(event.tenant_id)},
        )
        self.session.add(event)
        await self.session.flush()
        # Delivered only if and when the transaction commits, in commit order.
        await self.session.execute(
            text("SELECT pg_notify(:channel, :tenant)"),
            {"channel": CHANNEL, "tenant": str(event.tenant_id)},
        )
        return event

    async def after(
        self,
        cursor: int,
        *,
        run_id: UUID | None = None,
        article_ids: Sequence[UUID] = (),
        articles_since: datetime | None = None,
        limit: int = 500,
    ) -> Sequence[RunEvent]:
        """Events after ``cursor`` (an id) of the run and/or the articles, oldest first.
        ``articles_since`` leaves out an article's events from before (an earlier run)."""
        subjects: list[ColumnElement[bool]] = []
        if run_id is not None:
            subjects.append(RunEvent.run_id == run_id)
        if article_ids:
            articles: ColumnElement[bool] = RunEvent.article_id.in_(list(article_ids))
            if articles_since is not None:
                articles = and_(articles, RunEvent.created_at >= articles_since)
            subjects.append(articles)
        if not subjects:
            return []
        result = await self.session.scalars(
            select(RunEvent)
            .where(RunEvent.id > cursor, or_(*subjects))
            .order_by(RunEvent.id)
            .limit(limit)
        )
        return result.all()

    async def steps(self, article_id: UUID) -> Sequence[RunEvent]:
        """The article's step events, oldest first (its graph view)."""
        result = await self.session.scalars(
            select(RunEvent)
            .where(RunEvent.article_id == article_id, RunEvent.kind == "step")
            .order_by(RunEvent.id)
        )
        return result.all()
