"""The API process's link to Temporal: a lazily connected client, the readiness check for
every task queue, and (embedded default, ``ICOP_API_WORKERS=true``) the workers themselves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from icop.gateway.context import AppContext
from icop.orchestrator.connection import LazyClient
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.readiness import readiness_check
from icop.orchestrator.worker import running_workers
from icop.runtime.services import temporal_settings


@asynccontextmanager
async def api_orchestration(context: AppContext) -> AsyncIterator[None]:
    temporal = temporal_settings(context.settings)
    client = LazyClient(temporal)
    context.temporal = client
    # /readyz fails while any queue that should be served has no poller.
    context.readiness_checks["temporal"] = readiness_check(
        client, [temporal.queue_name(queue) for queue in TaskQueue]
    )
    if not context.settings.api_workers:
        yield
        return
    async with running_workers(await client(), list(TaskQueue), settings=temporal):
        yield
