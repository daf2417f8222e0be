"""Registers the article service with the worker registry (``SERVICE_REGISTRARS`` lists
``icop.articles.worker:register``): ``ArticleWorkflow`` and its activities on the ``agents``
queue, with the agent graph built over the real research, brand-voice and image services."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence

import httpx

from icop.agents.runtime import create_runtime
from icop.articles.activities import ArticleActivities
from icop.articles.generator import (
    BrandVoiceAdapter,
    GraphArticleGenerator,
    ResearchAdapter,
    ServiceImageMaker,
)
from icop.articles.workflows import ArticleWorkflow
from icop.brand.service import BrandVoice
from icop.config import get_settings
from icop.db.engine import create_engine, create_sessionmaker, resolve_urls
from icop.embeddings import default_embedder
from icop.images.service import ImageRuntime
from icop.llm.registry import build_router
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import Activity, WorkerContext, WorkerRegistry
from icop.research.config import build_researcher
from icop.storage.factory import build_object_store


@contextlib.asynccontextmanager
async def article_activities(context: WorkerContext) -> AsyncIterator[Sequence[Activity]]:
    settings = get_settings()
    engine = create_engine(
        resolve_urls(settings).app,
        settings,
        pool_size=4,
        max_overflow=4,
        application_name=f"icop-worker-{context.queue}",
    )
    sessionmaker = create_sessionmaker(engine)
    embedder = default_embedder(settings)
    images = ImageRuntime.from_settings(settings, build_object_store(settings))
    try:
        async with httpx.AsyncClient() as http:
            router = build_router(settings, sessionmaker)
            generator = GraphArticleGenerator(
                sessionmaker,
                runtime=create_runtime(
                    settings.agent_runtime, router, storage_dir=settings.home / "crewai"
                ),
                researcher=ResearchAdapter(
                    build_researcher(
                        settings, sessionmaker=sessionmaker, embedder=embedder, http=http
                    )
                ),
                brand_voice=BrandVoiceAdapter(BrandVoice(sessionmaker, embedder)),
                images=ServiceImageMaker(sessionmaker, images),
                durability=settings.article_checkpoint_durability,
            )
            activities = ArticleActivities(
                sessionmaker, generator, settings.home, settings.base_url
            )
            try:
                yield [activities.generate, activities.set_status]
            finally:
                await router.aclose()
    finally:
        await images.aclose()
        await images.store.aclose()
        await engine.dispose()


def register(registry: WorkerRegistry) -> None:
    registry.register(
        TaskQueue.AGENTS,
        workflows=[ArticleWorkflow],
        activity_provider=article_activities,
        source="articles",
    )
