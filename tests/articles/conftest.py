"""A real embedded Temporal dev server for the article workflow tests, with a fresh task-queue
prefix per test (as in tests/images/conftest.py)."""

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
def articles_temporal(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedTemporal:
    return EmbeddedTemporal(
        tmp_path_factory.mktemp("articles-temporal"), port=free_port_pairs(1)[0]
    )


@pytest.fixture(scope="session")
async def articles_dev_server(
    articles_temporal: EmbeddedTemporal,
) -> AsyncIterator[DevServerProcess]:
    record = await articles_temporal.start()
    try:
        yield record
    finally:
        articles_temporal.stop()


@pytest.fixture
def temporal_settings(
    articles_temporal: EmbeddedTemporal, articles_dev_server: DevServerProcess
) -> TemporalSettings:
    base = TemporalSettings(home=articles_temporal.home, port=articles_temporal.port)
    return dataclasses.replace(base, task_queue_prefix=f"art{uuid.uuid4().hex[:10]}-")


@pytest.fixture
async def temporal_client(temporal_settings: TemporalSettings) -> Client:
    return await connect(temporal_settings)
