"""The process's runtime: one set of clients that the API and every worker share, and the
registration of every service's workflows and activities on its task queues."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from icop.articles.workflows import ArticleWorkflow
from icop.config import Settings
from icop.errors import ConfigurationError
from icop.images.workflows import ImageGenerationWorkflow
from icop.orchestrator.connection import LazyClient, TemporalSettings
from icop.orchestrator.diagnostics import PingWorkflow
from icop.orchestrator.queues import QUEUE_DEFAULTS, TaskQueue
from icop.planning.workflows import PipelineRunWorkflow
from icop.runtime.clients import Runtime, pool_size
from icop.runtime.workers import candidate_pool, service_registry
from icop.syndication.workflows import PublishPostWorkflow
from icop.video.workflows import VideoWorkflow
from tests.helpers import fake_providers


def _names(activities: list[object]) -> list[str]:
    return sorted(a.__temporal_activity_definition.name for a in activities)  # type: ignore[attr-defined]


async def test_every_queue_serves_its_services_over_one_runtime(
    settings: Settings, app_engine: AsyncEngine
) -> None:
    runtime = Runtime.from_settings(settings, engine=app_engine, llm_providers=fake_providers())
    runtime.temporal = LazyClient(TemporalSettings())
    try:
        registry = service_registry(runtime)
        assert registry.queues() == list(TaskQueue)
        for queue in TaskQueue:
            assert PingWorkflow in registry.workflows(queue)
        assert ArticleWorkflow in registry.workflows(TaskQueue.AGENTS)
        assert ImageGenerationWorkflow in registry.workflows(TaskQueue.IMAGES)
        assert VideoWorkflow in registry.workflows(TaskQueue.IMAGES)
        assert registry.workflows(TaskQueue.GPU) == [PingWorkflow]
        assert PipelineRunWorkflow in registry.workflows(TaskQueue.PLANNING)
        assert PublishPostWorkflow in registry.workflows(TaskQueue.SYNDICATION)
        assert _names(registry.activities(TaskQueue.IMAGES)) == [
            "images.generate",
            "images.mark_running",
            "images.record_outcome",
            "ping",
            "video.assemble",
            "video.fail",
            "video.plan",
            "video.render_segment",
        ]
        # The provider calls alone go to the GPU queue, whose worker runs one job at a time.
        assert _names(registry.activities(TaskQueue.GPU)) == [
            "images.generate",
            "ping",
            "video.render_segment",
        ]
        assert QUEUE_DEFAULTS[TaskQueue.GPU].max_concurrent_activities == 1
        assert "planning.publish_article" in _names(registry.activities(TaskQueue.PLANNING))
        assert _names(registry.activities(TaskQueue.SYNDICATION)) == [
            "ping",
            "syndication.cancel",
            "syndication.publish",
        ]
    finally:
        await runtime.http.aclose()  # not aclose(): the engine is the test session's


def test_workers_need_the_runtime_linked_to_temporal(settings: Settings) -> None:
    runtime = Runtime.from_settings(settings, llm_providers=fake_providers())
    with pytest.raises(ConfigurationError, match="Temporal"):
        service_registry(runtime)


async def test_closing_the_runtime_closes_its_clients(settings: Settings) -> None:
    runtime = Runtime.from_settings(settings, llm_providers=fake_providers())
    await runtime.aclose()
    assert runtime.http.is_closed
    assert runtime.engine.pool.checkedout() == 0


def test_the_pool_covers_the_api_and_each_served_queue(settings: Settings) -> None:
    assert pool_size(settings, []) == (settings.db_pool_size, settings.db_max_overflow)
    size, overflow = pool_size(settings, [TaskQueue.AGENTS, TaskQueue.AGENTS, TaskQueue.GPU])
    agents, gpu = QUEUE_DEFAULTS[TaskQueue.AGENTS], QUEUE_DEFAULTS[TaskQueue.GPU]
    assert size == settings.db_pool_size + agents.db_pool + gpu.db_pool
    assert overflow == settings.db_max_overflow + agents.db_overflow + gpu.db_overflow


def test_sub_topic_candidates_scale_with_the_count_within_bounds() -> None:
    assert [candidate_pool(n) for n in (1, 2, 4, 8, 20)] == [16, 16, 32, 60, 60]
