from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from temporalio.client import Client

from icop.errors import ConfigurationError
from icop.orchestrator import diagnostics
from icop.orchestrator.connection import TemporalSettings
from icop.orchestrator.queues import QUEUE_DEFAULTS, TaskQueue, parse_queues
from icop.orchestrator.readiness import check_task_queues
from icop.orchestrator.worker import (
    Activity,
    WorkerContext,
    WorkerRegistry,
    diagnostics_registry,
    run_workers,
    running_workers,
)
from tests.orchestrator.sample_workflows import (
    BlockingEchoWorkflow,
    ConcurrencyProbe,
    FanOutInput,
    FanOutWorkflow,
    blocking_echo,
)

# Servers that stop answering must fail the test, not hang the run.
pytestmark = pytest.mark.timeout(120)

ROOT = Path(__file__).resolve().parents[2]


async def wait_until_polled(client: Client, names: Sequence[str], timeout_s: float = 15) -> None:
    # A new worker's first poll reaches the server a moment after the worker starts.
    deadline = time.monotonic() + timeout_s
    while not (await check_task_queues(client, names)).ready:
        assert time.monotonic() < deadline, f"no pollers on {names} after {timeout_s} s"
        await asyncio.sleep(0.1)


def test_queue_names_and_limits() -> None:
    assert [q.value for q in TaskQueue] == ["agents", "images", "gpu", "planning", "syndication"]
    assert QUEUE_DEFAULTS[TaskQueue.GPU].max_concurrent_activities == 1
    assert set(QUEUE_DEFAULTS) == set(TaskQueue)


def test_parse_queues() -> None:
    assert parse_queues(["agents,gpu", "agents"]) == [TaskQueue.AGENTS, TaskQueue.GPU]
    assert parse_queues([]) == list(TaskQueue)
    assert parse_queues(["all"]) == list(TaskQueue)
    with pytest.raises(ConfigurationError, match="unknown task queue 'video'"):
        parse_queues(["video"])


def test_the_diagnostics_registry_serves_ping_everywhere() -> None:
    registry = diagnostics_registry()
    assert registry.queues() == list(TaskQueue)
    for queue in TaskQueue:
        assert registry.workflows(queue) == [diagnostics.PingWorkflow]
        assert [a.__name__ for a in registry.activities(queue)] == ["ping"]


async def test_ping_round_trip_on_every_queue(
    temporal_client: Client, temporal_settings: TemporalSettings
) -> None:
    async with running_workers(temporal_client, list(TaskQueue), settings=temporal_settings):
        for queue in TaskQueue:
            started = time.perf_counter()
            result = await diagnostics.ping_queue(temporal_client, temporal_settings, queue)
            latency_s = time.perf_counter() - started
            assert result.reply.task_queue == temporal_settings.queue_name(queue)
            assert result.reply.message == "ping"
            assert result.reply.attempt == 1
            assert result.tenant_id == diagnostics.SYSTEM_TENANT
            assert result.reply.answered_at >= result.started_at
            assert latency_s < 5, f"ping on {queue} took {latency_s:.2f} s"


async def test_ping_times_out_without_a_worker(
    temporal_client: Client, temporal_settings: TemporalSettings
) -> None:
    from temporalio.client import WorkflowFailureError

    with pytest.raises(WorkflowFailureError):
        await diagnostics.ping(temporal_client, temporal_settings.queue_name("nobody"), timeout_s=1)


async def test_workers_warm_their_queues_up_in_the_background(
    temporal_client: Client, temporal_settings: TemporalSettings, caplog: pytest.LogCaptureFixture
) -> None:
    """Warm-ups of the served queues run once each (a shared one once), one that fails is
    logged and does not stop the workers, and the queues answer while a slow one still runs."""
    ran: list[str] = []
    release = asyncio.Event()

    async def shared() -> None:
        ran.append("shared")

    async def broken() -> None:
        ran.append("broken")
        raise RuntimeError("no model here")

    async def slow() -> None:
        ran.append("slow")
        await release.wait()

    async def elsewhere() -> None:
        ran.append("elsewhere")

    registry = diagnostics_registry()
    registry.register_warmup(TaskQueue.PLANNING, shared)
    registry.register_warmup(TaskQueue.AGENTS, shared)
    registry.register_warmup(TaskQueue.PLANNING, broken)
    registry.register_warmup(TaskQueue.AGENTS, slow)
    registry.register_warmup(TaskQueue.GPU, elsewhere)
    queues = [TaskQueue.PLANNING, TaskQueue.AGENTS]
    async with running_workers(temporal_client, queues, registry, settings=temporal_settings):
        for queue in queues:
            await diagnostics.ping_queue(temporal_client, temporal_settings, queue)
        assert ran == ["shared", "broken", "slow"]  # "slow" has not finished: still served
        release.set()
    assert "worker warm-up" in caplog.text and "no model here" in caplog.text


def fan_out_registry(probe: ConcurrencyProbe, queues: Sequence[TaskQueue]) -> WorkerRegistry:
    registry = WorkerRegistry()
    for queue in queues:
        registry.register(queue, workflows=[FanOutWorkflow], activities=[probe.job])
    return registry


@pytest.mark.parametrize(("queue", "peak"), [(TaskQueue.GPU, 1), (TaskQueue.AGENTS, 4)])
async def test_queue_concurrency_limits(
    temporal_client: Client, temporal_settings: TemporalSettings, queue: TaskQueue, peak: int
) -> None:
    probe = ConcurrencyProbe()
    async with running_workers(
        temporal_client, [queue], fan_out_registry(probe, [queue]), settings=temporal_settings
    ):
        done = await temporal_client.execute_workflow(
            FanOutWorkflow.run,
            FanOutInput(tenant_id="t", jobs=4, job_s=0.3),
            id=f"fan-out-{temporal_settings.queue_name(queue)}",
            task_queue=temporal_settings.queue_name(queue),
        )
    assert done == 4
    assert probe.peak == peak


async def test_providers_open_clients_and_close_them_after_the_drain(
    temporal_client: Client, temporal_settings: TemporalSettings
) -> None:
    events: list[str] = []
    probe = ConcurrencyProbe()

    @asynccontextmanager
    async def provider(context: WorkerContext) -> AsyncIterator[Sequence[Activity]]:
        events.append(f"open:{context.queue}")
        yield [probe.job]
        events.append(f"close:{context.queue}:completed={probe.completed}")

    registry = WorkerRegistry()
    registry.register(TaskQueue.IMAGES, workflows=[FanOutWorkflow], activity_provider=provider)
    stop = asyncio.Event()
    workers = asyncio.create_task(
        run_workers(temporal_client, [TaskQueue.IMAGES], registry, stop, settings=temporal_settings)
    )
    handle = await temporal_client.start_workflow(
        FanOutWorkflow.run,
        FanOutInput(tenant_id="t", jobs=1, job_s=0.5),
        id=f"drain-{temporal_settings.task_queue_prefix}",
        task_queue=temporal_settings.queue_name(TaskQueue.IMAGES),
    )
    await asyncio.wait_for(probe.started.wait(), 15)
    stop.set()  # mid-activity: the graceful shutdown lets the running job finish
    await asyncio.wait_for(workers, 15)
    # The job completed (not cancelled) before the provider closed its clients.
    assert events == ["open:images", "close:images:completed=1"]
    description = await handle.describe()
    assert description.status is not None


async def test_sync_activities_get_a_thread_pool(
    temporal_client: Client, temporal_settings: TemporalSettings
) -> None:
    registry = WorkerRegistry()
    registry.register(
        TaskQueue.PLANNING, workflows=[BlockingEchoWorkflow], activities=[blocking_echo]
    )
    async with running_workers(
        temporal_client, [TaskQueue.PLANNING], registry, settings=temporal_settings
    ):
        answer = await temporal_client.execute_workflow(
            BlockingEchoWorkflow.run,
            "hello",
            id=f"echo-{temporal_settings.task_queue_prefix}",
            task_queue=temporal_settings.queue_name(TaskQueue.PLANNING),
        )
    assert answer.startswith("hello from act-planning")


async def test_a_broken_registration_fails_instead_of_hanging(
    temporal_client: Client, temporal_settings: TemporalSettings
) -> None:
    registry = WorkerRegistry()
    # Two different objects under one activity name: the SDK refuses the worker.
    registry.register(
        TaskQueue.AGENTS,
        activities=[diagnostics.PingActivities("a").ping, diagnostics.PingActivities("b").ping],
    )
    with pytest.raises(ValueError, match="ping"):
        await asyncio.wait_for(
            run_workers(
                temporal_client,
                [TaskQueue.AGENTS],
                registry,
                asyncio.Event(),
                settings=temporal_settings,
            ),
            10,
        )


def test_empty_registration_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="registered nothing"):
        WorkerRegistry().register(TaskQueue.GPU, source="images")


async def test_standalone_worker_process_stops_on_sigterm(
    temporal_client: Client, temporal_settings: TemporalSettings
) -> None:
    """`icop worker --queue agents` as another process: reuses the embedded server of the
    home, serves its queue, and a SIGTERM ends it with status 0 (not the SDK's abort at
    interpreter exit, sdk-python#300)."""
    env = {
        **os.environ,
        "ICOP_HOME": str(temporal_settings.home),
        "ICOP_TEMPORAL_PORT": str(temporal_settings.port),
        "ICOP_TEMPORAL_TASK_QUEUE_PREFIX": temporal_settings.task_queue_prefix,
    }
    env.pop("TEMPORAL_ADDRESS", None)
    script = (
        "import asyncio; from icop.orchestrator.connection import TemporalSettings; "
        "from icop.orchestrator.queues import parse_queues; "
        "from icop.orchestrator.worker import run_worker_process; "
        "run_worker_process(TemporalSettings.from_env(), parse_queues(['agents']))"
    )
    worker = await asyncio.create_subprocess_exec(sys.executable, "-c", script, env=env, cwd=ROOT)
    try:
        await wait_until_polled(temporal_client, [temporal_settings.queue_name("agents")], 60)
        result = await diagnostics.ping_queue(temporal_client, temporal_settings, "agents")
        assert result.reply.worker.endswith(f":{worker.pid}")
        worker.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(worker.wait(), 30) == 0
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
