"""Registers the image service with the worker registry (``SERVICE_REGISTRARS`` lists
``icop.images.workers:register``): the workflow and all activities on the ``images`` queue,
the provider activity on the ``gpu`` queue too, whose worker runs one job at a time."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence

from icop.config import get_settings
from icop.db.engine import create_engine, create_sessionmaker, resolve_urls
from icop.images.activities import ImageActivities
from icop.images.providers.registry import build_providers
from icop.images.workflows import ImageGenerationWorkflow
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import Activity, WorkerContext, WorkerRegistry
from icop.storage.factory import build_object_store


@contextlib.asynccontextmanager
async def image_activities(context: WorkerContext) -> AsyncIterator[Sequence[Activity]]:
    settings = get_settings()
    engine = create_engine(
        resolve_urls(settings).app,
        settings,
        pool_size=2,
        max_overflow=2,
        application_name=f"icop-worker-{context.queue}",
    )
    providers = build_providers(settings)
    store = build_object_store(settings)
    activities = ImageActivities(create_sessionmaker(engine), providers, store)
    try:
        yield [activities.mark_running, activities.generate_image, activities.record_outcome]
    finally:
        for provider in providers.values():
            await provider.aclose()
        await store.aclose()
        await engine.dispose()


def register(registry: WorkerRegistry) -> None:
    registry.register(
        TaskQueue.IMAGES,
        workflows=[ImageGenerationWorkflow],
        activity_provider=image_activities,
        source="images",
    )
    registry.register(TaskQueue.GPU, activity_provider=image_activities, source="images")
