"""A real embedded Temporal dev server for the publish workflow, a fresh task-queue prefix per
test, and a worker running the real activities over an in-memory platform."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator

import pytest
from temporalio.client import Client

from icop.orchestrator.connection import TemporalSettings, connect
from icop.orchestrator.dev_server import DevServerProcess, EmbeddedTemporal
from tests.storage.seaweed import free_port_pairs


@pytest.fixture(scope="session")
def syndication_temporal(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedTemporal:
    return EmbeddedTemporal(
        tmp_path_factory.mktemp("syndication-temporal"), port=free_port_pairs(1)[0]
    )


@pytest.fixture(scope="session")
async def syndication_dev_server(
    syndication_temporal: EmbeddedTemporal,
) -> AsyncIterator[DevServerProcess]:
    record = await syndication_temporal.start()
    try:
        yield record
    finally:
        syndication_temporal.stop()


@pytest.fixture
def temporal_settings(
    syndication_temporal: EmbeddedTemporal, syndication_dev_server: DevServerProcess
) -> TemporalSettings:
    base = TemporalSettings(home=syndication_temporal.home, port=syndication_temporal.port)
    return dataclasses.replace(base, task_queue_prefix=f"syn{uuid.uuid4().hex[:10]}-")


@pytest.fixture
async def temporal_client(temporal_settings: TemporalSettings) -> Client:
    return await connect(temporal_settings)
