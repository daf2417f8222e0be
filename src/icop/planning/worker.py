"""Registers the planning service with the worker registry: ``PipelineRunWorkflow`` and its
activities on the ``planning`` queue (sheet I/O and sub-topic generation)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from uuid import UUID

import httpx

from icop.config import get_settings
from icop.db.engine import create_engine, create_sessionmaker, resolve_urls
from icop.embeddings import default_embedder
from icop.gateway.context import build_keyring
from icop.llm.registry import build_router
from icop.orchestrator.connection import LazyClient
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import Activity, WorkerContext, WorkerRegistry
from icop.planning.activities import GeneratedSubtopic, PlanningActivities
from icop.planning.sources import PipelinePlanSources
from icop.planning.subtopics import generate_subtopics
from icop.planning.workflows import PipelineRunWorkflow
from icop.syndication.scheduler import TemporalPostScheduler


def candidate_pool(count: int) -> int:
    """Angles to cluster: enough per sub-topic for KMeans to find themes (about eight each),
    bounded so that a small local model does not spend minutes listing them."""
    return max(16, min(60, count * 8))


@contextlib.asynccontextmanager
async def planning_activities(context: WorkerContext) -> AsyncIterator[Sequence[Activity]]:
    settings = get_settings()
    engine = create_engine(
        resolve_urls(settings).app,
        settings,
        pool_size=2,
        max_overflow=4,
        application_name=f"icop-worker-{context.queue}",
    )
    sessionmaker = create_sessionmaker(engine)
    embedder = default_embedder(settings)
    router = build_router(settings, sessionmaker)

    async def subtopics(
        topic: str, *, count: int, language: str, tenant_id: UUID
    ) -> Sequence[GeneratedSubtopic]:
        result = await generate_subtopics(
            topic,
            count=count,
            language=language,
            tenant_id=tenant_id,
            router=router,
            embedder=embedder,
            candidates=candidate_pool(count),
        )
        return [
            GeneratedSubtopic(
                label=item.label,
                keywords=list(item.keywords),
                members=list(item.members),
                size=item.size,
                centrality=item.centroid_similarity,
            )
            for item in result.subtopics
        ]

    try:
        async with httpx.AsyncClient(timeout=30) as http:
            activities = PlanningActivities(
                sessionmaker,
                settings,
                PipelinePlanSources(sessionmaker, settings, http, build_keyring(settings)),
                subtopics,
                agents_queue=context.settings.queue_name(TaskQueue.AGENTS),
                posts=TemporalPostScheduler(LazyClient(context.settings)),
            )
            yield [
                activities.start_run,
                activities.prepare_row,
                activities.await_article,
                activities.finish_row,
                activities.finish_run,
                activities.publish_article,
            ]
    finally:
        await router.aclose()
        await engine.dispose()


def register(registry: WorkerRegistry) -> None:
    registry.register(
        TaskQueue.PLANNING,
        workflows=[PipelineRunWorkflow],
        activity_provider=planning_activities,
        source="planning",
    )
