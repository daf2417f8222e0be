"""Registers the syndication service with the worker registry (``SERVICE_REGISTRARS`` lists
``icop.syndication.worker:register``): the publish workflow and its activities on the
``syndication`` queue."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence

from icop.config import get_settings
from icop.db.engine import create_engine, create_sessionmaker, resolve_urls
from icop.gateway.context import build_keyring
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import Activity, WorkerContext, WorkerRegistry
from icop.storage.factory import build_object_store
from icop.syndication.activities import PublishActivities
from icop.syndication.runtime import SyndicationRuntime
from icop.syndication.workflows import PublishPostWorkflow


@contextlib.asynccontextmanager
async def publish_activities(context: WorkerContext) -> AsyncIterator[Sequence[Activity]]:
    settings = get_settings()
    engine = create_engine(
        resolve_urls(settings).app,
        settings,
        pool_size=4,
        max_overflow=8,
        application_name=f"icop-worker-{context.queue}",
    )
    sessionmaker = create_sessionmaker(engine)
    store = build_object_store(settings)
    runtime = SyndicationRuntime.create(
        settings, sessionmaker, build_keyring(settings), store=store
    )
    try:
        activities = PublishActivities(sessionmaker, runtime.publisher)
        yield [activities.publish, activities.cancel]
    finally:
        await runtime.aclose()
        await store.aclose()
        await engine.dispose()


def register(registry: WorkerRegistry) -> None:
    registry.register(
        TaskQueue.SYNDICATION,
        workflows=[PublishPostWorkflow],
        activity_provider=publish_activities,
        source="syndication",
    )
