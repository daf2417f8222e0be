"""Fixtures of the image service's API and workflow tests: an app whose object store is a
temporary directory and whose providers are chosen by each test, and (for the workflow tests)
a real embedded Temporal dev server with a fresh task-queue prefix per test."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client

from icop.api.app import create_app
from icop.images.dependencies import get_image_runtime
from icop.images.jobs import RetryTuning
from icop.images.providers.base import ImageProvider
from icop.images.providers.local import LocalRendererProvider
from icop.images.providers.openai import OpenAIImageProvider
from icop.images.service import ImageRuntime
from icop.images.settings import ImageSettings
from icop.orchestrator.connection import TemporalSettings, connect
from icop.orchestrator.dev_server import DevServerProcess, EmbeddedTemporal
from icop.runtime.clients import Runtime
from icop.storage.dependencies import get_object_store
from icop.storage.local import LocalObjectStore
from icop.storage.signing import UrlSigner
from tests.helpers import ApiClient
from tests.storage.seaweed import free_port_pairs

FAST_RETRY = RetryTuning(
    initial_s=0.1, maximum_s=0.2, attempts=3, gpu_initial_s=0.1, gpu_maximum_s=0.2, gpu_attempts=3
)


@pytest.fixture
def media_store(tmp_path: Path) -> LocalObjectStore:
    return LocalObjectStore(
        tmp_path / "media",
        UrlSigner(b"test-media-signing-key-0123456789"),
        base_url="http://testserver/api/v1/media",
        default_ttl_s=3600,
    )


@pytest.fixture
def providers() -> dict[str, ImageProvider]:
    """Offline defaults: OpenAI without a key, the local renderer. Tests replace entries."""
    return {"openai": OpenAIImageProvider(None), "local": LocalRendererProvider()}


@pytest.fixture
def image_settings() -> ImageSettings:
    return ImageSettings(_env_file=None, image_providers=["openai", "local"])


@pytest.fixture
def runtime(
    media_store: LocalObjectStore,
    providers: dict[str, ImageProvider],
    image_settings: ImageSettings,
) -> ImageRuntime:
    return ImageRuntime(
        images=image_settings, providers=providers, store=media_store, retry=FAST_RETRY
    )


@pytest.fixture
async def api(
    context: Runtime, media_store: LocalObjectStore, runtime: ImageRuntime
) -> AsyncIterator[ApiClient]:
    app = create_app(runtime=context)
    app.dependency_overrides[get_object_store] = lambda: media_store
    app.dependency_overrides[get_image_runtime] = lambda: runtime
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield ApiClient(http)


# -- Temporal ---------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def images_temporal(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedTemporal:
    return EmbeddedTemporal(tmp_path_factory.mktemp("images-temporal"), port=free_port_pairs(1)[0])


@pytest.fixture(scope="session")
async def images_dev_server(images_temporal: EmbeddedTemporal) -> AsyncIterator[DevServerProcess]:
    record = await images_temporal.start()
    try:
        yield record
    finally:
        images_temporal.stop()


@pytest.fixture
def temporal_settings(
    images_temporal: EmbeddedTemporal, images_dev_server: DevServerProcess
) -> TemporalSettings:
    base = TemporalSettings(home=images_temporal.home, port=images_temporal.port)
    return dataclasses.replace(base, task_queue_prefix=f"img{uuid.uuid4().hex[:10]}-")


@pytest.fixture
async def temporal_client(temporal_settings: TemporalSettings) -> Client:
    return await connect(temporal_settings)
