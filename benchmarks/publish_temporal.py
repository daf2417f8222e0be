"""The Temporal side of ``benchmarks.publish``: the app's embedded dev server, worker processes
serving the syndication queue with the real publish workflow and activities, the ceiling
(workflows per second for a workflow with one no-op activity) and the starts of the posts'
workflows.

A worker process is ``python -m benchmarks.publish --serve-worker …``: the app's own worker
loop (``icop.orchestrator.worker.run_workers``) with the syndication queue's limits
(``QUEUE_DEFAULTS``), the diagnostics ping workflow (the ceiling's no-op) and the publish
workflow over a ``SyndicationRuntime`` pointed at the emulator — what ``icop worker --queue
syndication`` registers, minus the other services' clients.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

QUEUE = "syndication"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bench_settings(emulator_url: str) -> Any:
    from icop.config import Settings

    return Settings().model_copy(
        update={
            "platform_emulator_url": emulator_url,
            "meta_container_poll_interval_s": 0.2,
            "x_client_id": "icop-bench",
        }
    )


async def serve_worker(emulator_url: str) -> None:
    """One worker process: serves the syndication queue until SIGTERM."""
    from icop.credentials.vault import build_keyring
    from icop.db.engine import create_engine, create_sessionmaker, resolve_urls
    from icop.orchestrator.connection import TemporalSettings, connect
    from icop.orchestrator.queues import QUEUE_DEFAULTS, TaskQueue
    from icop.orchestrator.worker import diagnostics_registry, run_workers
    from icop.syndication.activities import PublishActivities
    from icop.syndication.runtime import SyndicationRuntime
    from icop.syndication.workflows import PublishPostWorkflow

    settings = bench_settings(emulator_url)
    limits = QUEUE_DEFAULTS[TaskQueue.SYNDICATION]
    # What the runtime gives a process that serves this queue (icop.runtime.clients).
    engine = create_engine(
        resolve_urls(settings).app,
        settings,
        pool_size=limits.db_pool + 2,
        max_overflow=limits.db_overflow,
    )
    sessionmaker = create_sessionmaker(engine)
    runtime = SyndicationRuntime.create(settings, sessionmaker, build_keyring(settings))
    registry = diagnostics_registry()
    activities = PublishActivities(sessionmaker, runtime.publisher)
    registry.register(
        TaskQueue.SYNDICATION,
        workflows=[PublishPostWorkflow],
        activities=[activities.publish, activities.cancel],
        source="syndication",
    )
    temporal = TemporalSettings.from_env()
    client = await connect(temporal)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await run_workers(
            client,
            [TaskQueue.SYNDICATION],
            registry,
            stop,
            settings=temporal,
            graceful_shutdown=timedelta(seconds=2),
        )
    finally:
        await runtime.aclose()
        await engine.dispose()


def spawn_workers(
    count: int, emulator_url: str, env: dict[str, str]
) -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen(  # noqa: S603 - this interpreter, our own module
            [sys.executable, "-m", "benchmarks.publish", "--serve-worker", emulator_url],
            env=env,
            stdin=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]


def stop_workers(workers: Sequence[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


async def ceiling(
    client: Any, total: int, concurrency: int, on_start: Callable[[], None] = lambda: None
) -> float:
    """Workflows per second for the ping workflow (one no-op activity), ``concurrency`` in
    flight from start to result, on the workers' syndication queue."""
    from icop.orchestrator.diagnostics import SYSTEM_TENANT, PingInput, PingWorkflow

    async def one(number: int) -> None:
        await client.execute_workflow(
            PingWorkflow.run,
            PingInput(tenant_id=SYSTEM_TENANT, message=str(number)),
            id=f"bench-ceiling-{uuid.uuid4().hex}",
            task_queue=QUEUE,
            execution_timeout=timedelta(minutes=5),
        )

    # A warm-up round: the workers' sandboxes and pollers are up before the clock starts.
    await asyncio.gather(*(one(n) for n in range(min(concurrency, total))))
    pending = iter(range(total))
    on_start()
    started = time.monotonic()

    async def lane() -> None:
        for number in pending:
            await one(number)

    await asyncio.gather(*(lane() for _ in range(concurrency)))
    return total / (time.monotonic() - started)


async def start_posts(
    client: Any, tenant_id: uuid.UUID, posts: Sequence[tuple[uuid.UUID, Any]], concurrency: int
) -> float:
    """Start every post's ``PublishPostWorkflow`` as the scheduler does after the commit
    (icop.syndication.scheduler); returns the seconds the starts took."""
    from icop.syndication.activities import PublishInput
    from icop.syndication.workflows import PublishPostWorkflow, workflow_id

    pending = iter(posts)
    started = time.monotonic()

    async def lane() -> None:
        for post_id, due in pending:
            await client.start_workflow(
                PublishPostWorkflow.run,
                PublishInput(
                    tenant_id=str(tenant_id), post_id=str(post_id), scheduled_at=due.isoformat()
                ),
                id=workflow_id(str(post_id)),
                task_queue=QUEUE,
            )

    await asyncio.gather(*(lane() for _ in range(concurrency)))
    return time.monotonic() - started


def worker_env(home: Path, temporal_port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "ICOP_HOME": str(home),
            "ICOP_TEMPORAL_PORT": str(temporal_port),
            "ICOP_LOG_LEVEL": "WARNING",
        }
    )
    return env


class CpuMeter:
    """CPU seconds per group of processes (the platform's parts) over a phase: where the
    machine's time goes per post or per ceiling workflow."""

    def __init__(self, groups: dict[str, list[int]], *, with_children: Sequence[str] = ()) -> None:
        import psutil

        self._psutil = psutil
        self.groups = groups
        self.with_children = set(with_children)
        self._start: dict[str, float] = {}

    def _sample(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for name, pids in self.groups.items():
            total = 0.0
            for pid in pids:
                try:
                    process = self._psutil.Process(pid)
                    members = [process]
                    if name in self.with_children:  # the postmaster's backends
                        members += process.children(recursive=True)
                except self._psutil.NoSuchProcess:
                    continue
                for member in members:
                    try:
                        times = member.cpu_times()
                    except self._psutil.NoSuchProcess:
                        continue
                    total += times.user + times.system
            totals[name] = total
        return totals

    def start(self) -> None:
        self._start = self._sample()

    def per_unit_ms(self, units: int) -> str:
        end = self._sample()
        used = {name: end[name] - self._start.get(name, 0.0) for name in end}
        parts = " ".join(
            f"{name}={1000 * value / max(units, 1):.1f}" for name, value in used.items()
        )
        return f"{parts} total={1000 * sum(used.values()) / max(units, 1):.1f}"
