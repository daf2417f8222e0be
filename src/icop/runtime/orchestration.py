"""The API process's link to Temporal: a lazily connected client, the readiness check for
every task queue, and (embedded default, ``ICOP_API_WORKERS=true``) the workers themselves,
with the outbox relay beside them. Tracing is set up here, once for the API process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext

from icop.gateway.context import AppContext
from icop.observability.metrics import record_build_info
from icop.observability.tracing import flush_tracing, setup_tracing
from icop.orchestrator.connection import LazyClient
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.readiness import readiness_check
from icop.orchestrator.worker import running_workers
from icop.outbox.relay import background_relay
from icop.runtime.services import temporal_settings


@asynccontextmanager
async def api_orchestration(context: AppContext) -> AsyncIterator[None]:
    setup_tracing("icop-api")
    temporal = temporal_settings(context.settings)
    record_build_info("api", temporal.build_id)
    client = LazyClient(temporal)
    context.temporal = client
    # /readyz fails while any queue that should be served has no poller.
    context.readiness_checks["temporal"] = readiness_check(
        client, [temporal.queue_name(queue) for queue in TaskQueue]
    )
    try:
        if not context.settings.api_workers:
            yield
            return
        relay = context.settings.outbox_relay_in_workers
        async with (
            running_workers(await client(), list(TaskQueue), settings=temporal),
            background_relay(context.settings, context.sessionmaker) if relay else nullcontext(),
        ):
            yield
    finally:
        flush_tracing()
