"""A real workflow/activity pair served on every task queue: ``icop status`` pings each queue
through it (a round trip proves a workflow worker *and* an activity worker answer there), and
the orchestrator's tests use it end to end.

Layout follows temporalio/samples-python: one input dataclass carrying ``tenant_id``, explicit
timeouts and retry policy, the activity as a method of a class (so real activities can receive
their clients), and non-stdlib imports passed through the workflow sandbox.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    # The sandbox re-imports this module for every workflow run; anything it does not need to
    # isolate (pydantic, our settings) is shared with the host instead of re-imported.
    from icop.orchestrator.connection import TemporalSettings

# Operational pings are not any tenant's work; the nil UUID keeps the field's shape.
SYSTEM_TENANT = "00000000-0000-0000-0000-000000000000"
PING_START_TO_CLOSE = timedelta(seconds=10)
PING_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=10),
    maximum_attempts=3,
)


@dataclass(frozen=True)
class PingInput:
    tenant_id: str
    message: str = "ping"
    delay_s: float = 0.0
    """A durable timer before the activity: shows timers fire (and lets tests skip time)."""


@dataclass(frozen=True)
class PingReply:
    message: str
    answered_at: datetime
    worker: str
    task_queue: str
    attempt: int


@dataclass(frozen=True)
class PingResult:
    tenant_id: str
    workflow_id: str
    started_at: datetime
    reply: PingReply


class PingActivities:
    def __init__(self, worker_name: str | None = None) -> None:
        self.worker_name = worker_name or f"{socket.gethostname()}:{os.getpid()}"

    @activity.defn(name="ping")
    async def ping(self, request: PingInput) -> PingReply:
        info = activity.info()
        return PingReply(
            message=request.message,
            answered_at=datetime.now(UTC),
            worker=self.worker_name,
            task_queue=info.task_queue,
            attempt=info.attempt,
        )


@workflow.defn(name="PingWorkflow")
class PingWorkflow:
    @workflow.run
    async def run(self, request: PingInput) -> PingResult:
        started_at = workflow.now()
        if request.delay_s > 0:
            await workflow.sleep(timedelta(seconds=request.delay_s))
        # No task_queue: the activity runs on the workflow's own queue, which is the point.
        reply = await workflow.execute_activity_method(
            PingActivities.ping,
            request,
            start_to_close_timeout=PING_START_TO_CLOSE,
            retry_policy=PING_RETRY,
        )
        return PingResult(
            tenant_id=request.tenant_id,
            workflow_id=workflow.info().workflow_id,
            started_at=started_at,
            reply=reply,
        )


async def ping(
    client: Client,
    task_queue: str,
    *,
    tenant_id: str = SYSTEM_TENANT,
    message: str = "ping",
    timeout_s: float = 10.0,
) -> PingResult:
    """Run one PingWorkflow on ``task_queue`` (the full name, prefix included) and wait.

    The execution timeout is enforced by the server, so a queue without workers ends in a
    ``WorkflowFailureError`` after ``timeout_s`` instead of a workflow waiting forever.
    """
    return await client.execute_workflow(
        PingWorkflow.run,
        PingInput(tenant_id=tenant_id, message=message),
        id=f"icop-ping-{task_queue}-{uuid.uuid4().hex}",
        task_queue=task_queue,
        execution_timeout=timedelta(seconds=timeout_s),
    )


async def ping_queue(
    client: Client, settings: TemporalSettings, queue: str, timeout_s: float = 10.0
) -> PingResult:
    """``ping`` addressed by the queue's short name (``"agents"``), the deployment's prefix
    applied: what ``icop status`` calls for each queue."""
    return await ping(client, settings.queue_name(queue), timeout_s=timeout_s)
