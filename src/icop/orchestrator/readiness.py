"""Is every task queue that should be served actually polled by a worker?

A queue without pollers accepts workflows that then sit there forever, so ``/readyz`` must
fail (PRODUCT.md §6). The server lists each poller identity with the time its latest poll
*started*; an idle worker long-polls for up to a minute, so a live worker's entry can be ~60 s
old, while a dead worker's entry lingers for minutes. A poller therefore counts when seen within
``max_age`` (default 90 s): long enough for an idle worker, short enough to notice a dead one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue as TaskQueueMessage
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from icop.orchestrator.exceptions import QueuesWithoutPollers

DEFAULT_MAX_POLLER_AGE = timedelta(seconds=90)
RPC_TIMEOUT = timedelta(seconds=2)

# Both halves of a worker: without a workflow poller nothing starts, without an activity
# poller workflows stall on their first activity.
KINDS: dict[str, TaskQueueType.ValueType] = {
    "workflow": TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    "activity": TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
}


@dataclass(frozen=True)
class Poller:
    identity: str
    last_seen: datetime


@dataclass(frozen=True)
class QueueStatus:
    queue: str
    pollers: dict[str, tuple[Poller, ...]]
    """Recent pollers by kind (``"workflow"``, ``"activity"``)."""

    @property
    def missing(self) -> list[str]:
        return [kind for kind, seen in self.pollers.items() if not seen]

    @property
    def ready(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class ReadinessReport:
    queues: tuple[QueueStatus, ...]
    max_age: timedelta

    @property
    def ready(self) -> bool:
        return all(status.ready for status in self.queues)

    @property
    def not_ready(self) -> list[QueueStatus]:
        return [status for status in self.queues if not status.ready]

    def message(self) -> str:
        if self.ready:
            return "every task queue has pollers: " + ", ".join(s.queue for s in self.queues)
        missing = "; ".join(
            f"{s.queue} (no {' or '.join(s.missing)} worker)" for s in self.not_ready
        )
        return (
            f"no worker polled within {self.max_age.total_seconds():.0f} s: {missing} — "
            "start one with `icop worker --queue NAME` or `icop up`"
        )

    def raise_if_not_ready(self) -> None:
        if not self.ready:
            raise QueuesWithoutPollers(self.message(), queues=[s.queue for s in self.not_ready])


async def check_task_queues(
    client: Client,
    queues: Iterable[str],
    *,
    max_age: timedelta = DEFAULT_MAX_POLLER_AGE,
    kinds: Sequence[str] = ("workflow", "activity"),
) -> ReadinessReport:
    """Describe every (queue, kind) concurrently; ``queues`` are full task-queue names."""
    names = list(dict.fromkeys(queues))
    pairs = [(name, kind) for name in names for kind in kinds]
    answers = await asyncio.gather(*(_recent_pollers(client, n, k, max_age) for n, k in pairs))
    found = dict(zip(pairs, answers, strict=True))
    return ReadinessReport(
        queues=tuple(
            QueueStatus(queue=name, pollers={kind: found[name, kind] for kind in kinds})
            for name in names
        ),
        max_age=max_age,
    )


async def _recent_pollers(
    client: Client, queue: str, kind: str, max_age: timedelta
) -> tuple[Poller, ...]:
    response = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=client.namespace,
            task_queue=TaskQueueMessage(name=queue),
            task_queue_type=KINDS[kind],
        ),
        timeout=RPC_TIMEOUT,
    )
    oldest = datetime.now(UTC) - max_age
    pollers = (
        Poller(identity=p.identity, last_seen=p.last_access_time.ToDatetime(tzinfo=UTC))
        for p in response.pollers
    )
    return tuple(poller for poller in pollers if poller.last_seen >= oldest)


def readiness_check(
    client: Client | Callable[[], Awaitable[Client]],
    queues: Iterable[str],
    *,
    max_age: timedelta = DEFAULT_MAX_POLLER_AGE,
) -> Callable[[], Awaitable[None]]:
    """An ``async () -> None`` for the API's ``/readyz`` registry: returns when every queue has
    recent pollers, raises ``QueuesWithoutPollers`` naming those without (or the connection
    error when Temporal itself does not answer).

    ``client`` may be a factory such as ``connection.LazyClient`` so that an API that started
    before Temporal recovers by itself.
    """
    names = list(queues)

    async def check() -> None:
        current = client if isinstance(client, Client) else await client()
        report = await check_task_queues(current, names, max_age=max_age)
        report.raise_if_not_ready()

    return check
