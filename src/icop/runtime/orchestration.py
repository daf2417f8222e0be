"""A process's link to Temporal. The API process gets a lazily connected client, the readiness
check for every task queue and (embedded default, ``ICOP_API_WORKERS=true``) the workers
themselves, with the outbox relay beside them; a worker process (``icop worker``) gets the
workers of its queues. Both run the sweeper that starts workflows whose commit could not
(``icop.orchestrator.starts``). Tracing is set up here, once per process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, nullcontext
from typing import NoReturn

from icop.config import Settings
from icop.events.retention import background_pruner
from icop.notifications.delivery import background_deliverer
from icop.observability.metrics import record_build_info
from icop.observability.tracing import flush_tracing, setup_tracing, worker_service_name
from icop.orchestrator.connection import LazyClient
from icop.orchestrator.monitor import background_monitor
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.readiness import readiness_check
from icop.orchestrator.starts import background_sweeper
from icop.orchestrator.worker import Sidecar, run_worker_process, running_workers
from icop.outbox.relay import background_relay
from icop.runtime.clients import Runtime
from icop.runtime.services import temporal_settings
from icop.runtime.workers import service_registry


@asynccontextmanager
async def api_orchestration(runtime: Runtime) -> AsyncIterator[None]:
    setup_tracing("icop-api")
    temporal = temporal_settings(runtime.settings)
    record_build_info("api", temporal.build_id)
    client = LazyClient(temporal)
    runtime.temporal = client
    # /readyz fails while any queue that should be served has no poller.
    runtime.readiness_checks["temporal"] = readiness_check(
        client, [temporal.queue_name(queue) for queue in TaskQueue]
    )
    try:
        async with (
            background_sweeper(runtime.sessionmaker, client),
            # Task-queue pollers and schedule health as gauges for the alert rules.
            background_monitor(client, [temporal.queue_name(queue) for queue in TaskQueue]),
            background_deliverer(
                runtime.settings, runtime.sessionmaker, runtime.keyring, runtime.http
            ),
            background_pruner(
                runtime.sessionmaker, retention_days=runtime.settings.run_event_retention_days
            ),
        ):
            if not runtime.settings.api_workers:
                yield
                return
            relay = runtime.settings.outbox_relay_in_workers
            async with (
                running_workers(
                    await client(), list(TaskQueue), service_registry(runtime), settings=temporal
                ),
                background_relay(runtime.settings, runtime.sessionmaker)
                if relay
                else nullcontext(),
            ):
                yield
    finally:
        flush_tracing()


def run_worker_queues(settings: Settings, queues: Sequence[TaskQueue]) -> NoReturn:
    """The body of ``icop worker``: this process's runtime, its queues' workers over it and
    the outbox relay (when ``AMQP_URL`` is set), until SIGINT or SIGTERM."""
    temporal = temporal_settings(settings)
    setup_tracing(worker_service_name([queue.value for queue in queues]))
    record_build_info("worker", temporal.build_id)
    runtime = Runtime.from_settings(settings, queues=queues)
    runtime.temporal = temporal_client = LazyClient(temporal)

    @asynccontextmanager
    async def runtime_open() -> AsyncIterator[Runtime]:
        # Entered before the workers start and left after they drained.
        try:
            async with background_sweeper(runtime.sessionmaker, temporal_client):
                yield runtime
        finally:
            await runtime.aclose()

    sidecars: list[Sidecar] = [runtime_open]
    if settings.amqp_url is not None and settings.outbox_relay_in_workers:
        sidecars.append(lambda: background_relay(settings, runtime.sessionmaker))
    run_worker_process(
        temporal,
        queues,
        sidecars,
        registry=service_registry(runtime),
        client=runtime.temporal,
    )
