"""The image service's worker registration: the workflow on ``images``, the provider
activity on ``gpu`` too (one job at a time), and clients opened and closed with the worker."""

from __future__ import annotations

from icop.images.workers import image_activities, register
from icop.images.workflows import ImageGenerationWorkflow
from icop.orchestrator.connection import TemporalSettings
from icop.orchestrator.queues import QUEUE_DEFAULTS, TaskQueue
from icop.orchestrator.worker import (
    SERVICE_REGISTRARS,
    WorkerContext,
    WorkerRegistry,
    default_registry,
)


def test_register_puts_the_workflow_on_images_and_providers_on_both_queues() -> None:
    registry = WorkerRegistry()
    register(registry)
    assert registry.workflows(TaskQueue.IMAGES) == [ImageGenerationWorkflow]
    assert registry.workflows(TaskQueue.GPU) == []
    assert registry.providers(TaskQueue.IMAGES) == [image_activities]
    assert registry.providers(TaskQueue.GPU) == [image_activities]
    assert QUEUE_DEFAULTS[TaskQueue.GPU].max_concurrent_activities == 1


def test_the_platform_registry_includes_images() -> None:
    assert "icop.images.workers:register" in SERVICE_REGISTRARS
    assert ImageGenerationWorkflow in default_registry().workflows(TaskQueue.IMAGES)


async def test_activity_provider_opens_and_closes_its_clients() -> None:
    context = WorkerContext(client=None, settings=TemporalSettings(), queue=TaskQueue.GPU)  # type: ignore[arg-type]
    async with image_activities(context) as activities:
        names = sorted(a.__temporal_activity_definition.name for a in activities)  # type: ignore[attr-defined]
    assert names == ["images.generate", "images.mark_running", "images.record_outcome"]
