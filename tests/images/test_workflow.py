"""The image job on a real Temporal dev server, started through the API: GPU work on the
``gpu`` queue, out-of-memory retried there, final failures falling back provider by
provider, busy providers retried then passed over, and every attempt recorded on the row."""

from __future__ import annotations

import asyncio
import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from PIL import Image as PILImage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.exceptions import ApplicationError

from icop.images.activities import ImageActivities
from icop.images.jobs import ImageJob, JobOutcome
from icop.images.providers.base import (
    GeneratedImage,
    GenerationRequest,
    GpuOutOfMemory,
    ImageProvider,
    Progress,
    ProviderBusy,
    ProviderRejected,
)
from icop.images.providers.local import LocalRendererProvider
from icop.images.service import ImageRuntime
from icop.images.settings import ImageSettings
from icop.images.workflows import ImageGenerationWorkflow
from icop.orchestrator.connection import LazyClient, TemporalSettings
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import WorkerRegistry, running_workers
from icop.runtime.workers import register_images
from icop.storage.local import LocalObjectStore
from tests.helpers import Account, ApiClient
from tests.images.conftest import FAST_RETRY
from tests.images.corpus import encode, photo


@dataclass
class Scripted:
    """Fails with the scripted errors, then succeeds; records where each call ran."""

    name: str
    errors: list[Exception] = field(default_factory=list)
    gpu: bool = False
    model: str = "scripted"
    calls: list[tuple[str, int]] = field(default_factory=list)

    def configured(self) -> bool:
        return True

    async def generate(
        self, request: GenerationRequest, progress: Progress | None = None
    ) -> GeneratedImage:
        info = activity.info()
        self.calls.append((info.task_queue, info.attempt))
        if progress:
            progress("working", 0.5)
        if self.errors:
            raise self.errors.pop(0)
        return GeneratedImage(self.name, self.model, data=encode(photo(96, 120), "PNG"), seed=1)

    async def aclose(self) -> None:
        return None


class Always(Scripted):
    def __init__(self, name: str, error: Exception) -> None:
        super().__init__(name)
        self.error = error

    async def generate(
        self, request: GenerationRequest, progress: Progress | None = None
    ) -> GeneratedImage:
        info = activity.info()
        self.calls.append((info.task_queue, info.attempt))
        raise self.error


@pytest.fixture
async def workers(
    temporal_client: Client,
    temporal_settings: TemporalSettings,
    sessionmaker: async_sessionmaker[AsyncSession],
    providers: dict[str, ImageProvider],
    media_store: LocalObjectStore,
) -> AsyncIterator[None]:
    activities = ImageActivities(sessionmaker, providers, media_store)
    registry = WorkerRegistry()
    register_images(registry, activities)
    async with running_workers(
        temporal_client, [TaskQueue.IMAGES, TaskQueue.GPU], registry, settings=temporal_settings
    ):
        yield


async def start_job(
    api: ApiClient,
    runtime: ImageRuntime,
    temporal_settings: TemporalSettings,
    payload: dict[str, Any],
    routing: list[str] | None = None,
) -> tuple[Account, dict[str, Any]]:
    owner = await api.signup("Durable")
    if routing:
        put = await api.put(
            "/api/v1/images/routing", headers=owner.headers, json={"providers": routing}
        )
        assert put.status_code == 200, put.text
    context = api.http._transport.app.state.runtime  # type: ignore[attr-defined]
    context.temporal = LazyClient(temporal_settings)
    response = await api.post("/api/v1/images", headers=owner.headers, json=payload)
    assert response.status_code == 202, response.text
    return owner, response.json()


async def finished(client: Client, workflow_id: str) -> JobOutcome:
    handle: WorkflowHandle[Any, JobOutcome] = client.get_workflow_handle(
        workflow_id, result_type=JobOutcome
    )
    return await asyncio.wait_for(handle.result(), timeout=60)


async def test_api_starts_the_workflow_and_gpu_oom_is_retried_on_the_gpu_queue(
    api: ApiClient,
    runtime: ImageRuntime,
    providers: dict[str, ImageProvider],
    temporal_client: Client,
    temporal_settings: TemporalSettings,
    workers: None,
) -> None:
    comfy = Scripted("comfyui", [GpuOutOfMemory("comfyui", "GPU out of memory")], gpu=True)
    providers["comfyui"] = comfy
    owner, body = await start_job(
        api, runtime, temporal_settings, {"prompt": "neon city", "provider": "comfyui"}
    )
    assert body["status"] == "queued"
    assert body["workflow_id"] == f"image-{body['id']}"
    outcome = await finished(temporal_client, body["workflow_id"])
    assert outcome.status == "ready"
    gpu_queue = temporal_settings.queue_name(TaskQueue.GPU)
    assert comfy.calls == [(gpu_queue, 1), (gpu_queue, 2)]

    row = (await api.get(f"/api/v1/images/{body['id']}", headers=owner.headers)).json()
    assert row["status"] == "ready" and row["provider"] == "comfyui"
    assert row["attempts"] == [{"provider": "comfyui", "outcome": "ok", "detail": None}]
    assert row["width"] == 96 and row["height"] == 120
    served = await api.get(row["url"])
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"


async def test_falls_back_after_final_failures_and_spent_retries(
    api: ApiClient,
    runtime: ImageRuntime,
    providers: dict[str, ImageProvider],
    temporal_client: Client,
    temporal_settings: TemporalSettings,
    workers: None,
) -> None:
    openai = Always("openai", ProviderRejected("openai", "moderation_blocked"))
    fal = Always("fal", ProviderBusy("fal", "rate limited", retry_after_s=0.1))
    providers["openai"], providers["fal"] = openai, fal
    owner, body = await start_job(
        api, runtime, temporal_settings, {"prompt": "p", "title": "Card"}, ["openai", "fal"]
    )
    outcome = await finished(temporal_client, body["workflow_id"])
    assert outcome.status == "ready"
    images_queue = temporal_settings.queue_name(TaskQueue.IMAGES)
    assert openai.calls == [(images_queue, 1)]  # final: not retried
    assert [attempt for _, attempt in fal.calls] == [1, 2, 3]  # busy: retried, then passed
    row = (await api.get(f"/api/v1/images/{body['id']}", headers=owner.headers)).json()
    assert [(a["provider"], a["outcome"]) for a in row["attempts"]] == [
        ("openai", "rejected"),
        ("fal", "busy"),
        ("local", "ok"),
    ]
    assert row["provider"] == "local" and row["status"] == "ready"


async def test_every_provider_failing_marks_the_job_failed(
    api: ApiClient,
    runtime: ImageRuntime,
    providers: dict[str, ImageProvider],
    temporal_client: Client,
    temporal_settings: TemporalSettings,
    workers: None,
) -> None:
    runtime.images = ImageSettings(
        _env_file=None, image_providers=["openai"], image_local_last_resort=False
    )
    providers["openai"] = Always("openai", ProviderRejected("openai", "invalid_api_key"))
    owner, body = await start_job(api, runtime, temporal_settings, {"prompt": "p"})
    outcome = await finished(temporal_client, body["workflow_id"])
    assert outcome.status == "failed"
    row = (await api.get(f"/api/v1/images/{body['id']}", headers=owner.headers)).json()
    assert row["status"] == "failed" and row["url"] is None
    assert "invalid_api_key" in row["error"]


async def test_unconfigured_provider_on_the_worker_is_skipped(
    api: ApiClient,
    runtime: ImageRuntime,
    temporal_client: Client,
    temporal_settings: TemporalSettings,
    workers: None,
) -> None:
    owner, body = await start_job(api, runtime, temporal_settings, {"prompt": "p"})
    await finished(temporal_client, body["workflow_id"])
    row = (await api.get(f"/api/v1/images/{body['id']}", headers=owner.headers)).json()
    assert [(a["provider"], a["outcome"]) for a in row["attempts"]] == [
        ("openai", "not_configured"),
        ("local", "ok"),
    ]


async def test_a_job_whose_row_is_gone_fails_at_once(
    api: ApiClient,
    temporal_client: Client,
    temporal_settings: TemporalSettings,
    workers: None,
) -> None:
    """A job's workflow starts only after its row committed (icop.orchestrator.starts), so a
    row that is not there was deleted: the first activity fails the job, without retrying."""
    owner = await api.signup("Deleted job")
    image_id = uuid.uuid4()
    job = ImageJob(
        tenant_id=str(owner.tenant_id),
        image_id=str(image_id),
        prompt="gone",
        preset="square",
        seed=3,
        chain=["local"],
        gpu_task_queue=temporal_settings.queue_name(TaskQueue.GPU),
        retry=FAST_RETRY,
    )
    handle = await temporal_client.start_workflow(
        ImageGenerationWorkflow.run,
        job,
        id=f"image-{image_id}",
        task_queue=temporal_settings.queue_name(TaskQueue.IMAGES),
    )
    with pytest.raises(WorkflowFailureError) as failed:
        await asyncio.wait_for(handle.result(), 30)
    cause = failed.value.cause
    while cause.__cause__ is not None:
        cause = cause.__cause__  # type: ignore[assignment]
    assert isinstance(cause, ApplicationError) and cause.type == "ImageNotFound"
    history = await handle.fetch_history()
    attempts = [
        e.activity_task_started_event_attributes.attempt
        for e in history.events
        if e.HasField("activity_task_started_event_attributes")
    ]
    assert attempts == [1], "not retried: retrying cannot bring a deleted row back"


async def test_unreachable_temporal_renders_inline(
    api: ApiClient, runtime: ImageRuntime, temporal_settings: TemporalSettings
) -> None:
    import dataclasses

    from tests.storage.seaweed import free_port_pairs

    dead = dataclasses.replace(temporal_settings, port=free_port_pairs(1)[0], connect_timeout_s=1)
    _, body = await start_job(api, runtime, dead, {"prompt": "p"})
    assert body["status"] == "ready" and body["provider"] == "local"
    assert body["workflow_id"] is None


async def test_without_temporal_or_local_the_request_fails_cleanly(
    api: ApiClient, runtime: ImageRuntime
) -> None:
    runtime.images = ImageSettings(
        _env_file=None, image_providers=["openai"], image_local_last_resort=False
    )
    owner = await api.signup("No way")
    response = await api.post("/api/v1/images", headers=owner.headers, json={"prompt": "p"})
    assert response.status_code == 503
    assert (await api.get("/api/v1/images", headers=owner.headers)).json() == []


def test_local_is_not_gpu_work() -> None:
    assert not LocalRendererProvider().gpu


async def test_the_durable_job_renders_with_the_tenants_brand_kit(
    api: ApiClient,
    temporal_client: Client,
    temporal_settings: TemporalSettings,
    workers: None,
) -> None:
    owner = await api.signup("Branded")
    kit = {"name": "Branded", "background": "#14532d", "accent": "#a3e635", "text": "#fff"}
    assert (await api.put("/api/v1/brand/kit", headers=owner.headers, json=kit)).is_success
    context = api.http._transport.app.state.runtime  # type: ignore[attr-defined]
    context.temporal = LazyClient(temporal_settings)
    response = await api.post(
        "/api/v1/images", headers=owner.headers, json={"prompt": "p", "provider": "local"}
    )
    body = response.json()
    assert body["status"] == "queued", body
    outcome = await finished(temporal_client, body["workflow_id"])
    assert outcome.status == "ready" and outcome.image is not None
    served = await api.get(outcome.image.url)
    pixel = PILImage.open(io.BytesIO(served.content)).convert("RGB").getpixel((6, 6))
    assert isinstance(pixel, tuple)
    assert all(abs(int(a) - e) <= 3 for a, e in zip(pixel, (20, 83, 45), strict=True)), pixel
