"""A pipeline run's live view: its run, row, article and graph-step events as server-sent
events, replayed after ``Last-Event-ID`` and followed until the run is finished."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID

from fastapi.sse import ServerSentEvent
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.db.session import unit_of_work
from icop.errors import NotFound
from icop.events.hub import EventHub
from icop.events.repository import EventRepository
from icop.events.stream import Batch, follow
from icop.models import PipelineRun, RunStatus
from icop.planning.repository import RunRepository


async def visible_run(
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant_id: UUID,
    pipeline_id: UUID,
    run_id: UUID,
) -> PipelineRun:
    """The run, checked before the stream starts (a stream cannot answer 404 once it has
    begun), in a unit of work of its own: the stream holds no connection while it waits."""
    async with unit_of_work(sessionmaker, tenant_id) as session:
        run = await RunRepository(session).get(run_id)
    if run is None or run.pipeline_id != pipeline_id:
        raise NotFound("run not found")
    return run


def run_events(
    sessionmaker: async_sessionmaker[AsyncSession],
    hub: EventHub,
    run: PipelineRun,
    *,
    cursor: int,
    heartbeat_s: float,
) -> AsyncIterator[ServerSentEvent]:
    async def load(session: AsyncSession, after: int) -> Batch:
        runs = RunRepository(session)
        # The status first: its final event committed with it, so the read that follows
        # includes that event, and the stream ends only after sending it.
        current = await runs.get(run.id)
        finished = current is None or not RunStatus(current.status).active
        events = await EventRepository(session).after(
            after,
            run_id=run.id,
            article_ids=await runs.article_ids(run),
            articles_since=run.created_at,
        )
        return Batch(events=events, finished=finished)

    return follow(sessionmaker, hub, run.tenant_id, load, cursor=cursor, heartbeat_s=heartbeat_s)
