"""One real embedded Temporal dev server for the whole session (a start costs ~1 s on 2 cores),
in a private ICOP_HOME on a free port; every test gets task queues of its own through a fresh
prefix, so tests never see each other's workers or workflows."""

from __future__ import annotations

import dataclasses
import socket
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import Client

from icop.orchestrator.connection import TemporalSettings, connect
from icop.orchestrator.dev_server import DevServerProcess, EmbeddedTemporal


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def temporal_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("icop-home")


@pytest.fixture(scope="session")
def embedded(temporal_home: Path) -> EmbeddedTemporal:
    return EmbeddedTemporal(temporal_home, port=free_port())


@pytest.fixture(scope="session")
async def dev_server(embedded: EmbeddedTemporal) -> AsyncIterator[DevServerProcess]:
    record = await embedded.start()
    try:
        yield record
    finally:
        # Teardown, not atexit: a server left behind would outlive the test run.
        embedded.stop()


@pytest.fixture(scope="session")
def base_settings(embedded: EmbeddedTemporal, dev_server: DevServerProcess) -> TemporalSettings:
    return TemporalSettings(home=embedded.home, port=embedded.port)


@pytest.fixture(scope="session")
async def temporal_client(base_settings: TemporalSettings) -> Client:
    return await connect(base_settings)


@pytest.fixture
def temporal_settings(base_settings: TemporalSettings) -> TemporalSettings:
    return dataclasses.replace(base_settings, task_queue_prefix=f"t{uuid.uuid4().hex[:12]}-")
