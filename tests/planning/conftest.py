"""A real embedded Temporal dev server for the planning tests (fresh task-queue prefix per
test), shared with nothing else."""

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
def planning_temporal(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedTemporal:
    return EmbeddedTemporal(
        tmp_path_factory.mktemp("planning-temporal"), port=free_port_pairs(1)[0]
    )


@pytest.fixture(scope="session")
async def planning_dev_server(
    planning_temporal: EmbeddedTemporal,
) -> AsyncIterator[DevServerProcess]:
    record = await planning_temporal.start()
    try:
        yield record
    finally:
        planning_temporal.stop()


@pytest.fixture
def temporal_settings(
    planning_temporal: EmbeddedTemporal, planning_dev_server: DevServerProcess
) -> TemporalSettings:
    base = TemporalSettings(home=planning_temporal.home, port=planning_temporal.port)
    return dataclasses.replace(base, task_queue_prefix=f"plan{uuid.uuid4().hex[:10]}-")


@pytest.fixture
async def temporal_client(temporal_settings: TemporalSettings) -> Client:
    return await connect(temporal_settings)
