"""A server-sent event stream over run events: replay after ``Last-Event-ID``, then follow
live until the subject is finished, with a heartbeat while nothing happens."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from uuid import UUID

from fastapi.sse import ServerSentEvent
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.db.session import unit_of_work
from icop.events.hub import EventHub
from icop.events.schemas import RunEventOut
from icop.models import RunEvent


@dataclass(frozen=True)
class Batch:
    events: Sequence[RunEvent]
    finished: bool
    """Nothing more will happen to the subject (its final status has committed)."""


Load = Callable[[AsyncSession, int], Awaitable[Batch]]


def parse_last_event_id(value: str | None) -> int:
    """The id a reconnecting browser sends; anything unreadable replays from the start."""
    try:
        return max(0, int(value)) if value else 0
    except ValueError:
        return 0


async def follow(
    sessionmaker: async_sessionmaker[AsyncSession],
    hub: EventHub,
    tenant_id: UUID,
    load: Load,
    *,
    cursor: int,
    heartbeat_s: float,
) -> AsyncIterator[ServerSentEvent]:
    """Each read is a short unit of work of its own: a stream that waits for minutes holds no
    database connection while it waits."""
    async with hub.subscribe(tenant_id) as woken:
        while True:
            # Cleared before reading: a commit during the read sets it again, so the next
            # wait returns at once instead of missing that commit.
            woken.clear()
            async with unit_of_work(sessionmaker, tenant_id) as session:
                batch = await load(session, cursor)
            for event in batch.events:
                cursor = event.id
                yield ServerSentEvent(
                    id=str(event.id),
                    event=event.kind,
                    data=RunEventOut.model_validate(event).model_dump(mode="json"),
                )
            if batch.finished and not batch.events:
                yield ServerSentEvent(event="end", data={"last_event_id": cursor})
                return
            if batch.events:
                continue  # a full page may have more behind it
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(woken.wait(), timeout=heartbeat_s)
                continue
            yield ServerSentEvent(comment="heartbeat")
