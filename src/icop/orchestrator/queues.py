"""The task queues: one per service (PRODUCT.md §3), plus ``gpu`` for work that must not run
twice at once on one machine (the Sparklio design's desktop "gpu_tasks" queue)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from icop.errors import ConfigurationError


class TaskQueue(StrEnum):
    AGENTS = "agents"
    IMAGES = "images"
    GPU = "gpu"
    PLANNING = "planning"
    SYNDICATION = "syndication"


@dataclass(frozen=True)
class QueueDefaults:
    """Per-worker limits. Activities here are mostly awaiting HTTP (model providers, platform
    APIs), so a few concurrent ones cost little CPU; anything CPU-bound runs in a thread."""

    max_concurrent_activities: int
    max_concurrent_workflow_tasks: int = 10
    description: str = ""
    # Database connections the queue's activities hold at once (pool, overflow): added to the
    # process's pool for each queue it serves.
    db_pool: int = 2
    db_overflow: int = 2


QUEUE_DEFAULTS: Mapping[TaskQueue, QueueDefaults] = MappingProxyType(
    {
        # Model calls: a provider round trip is seconds; the router enforces the global LLM
        # rate limit, so this only caps how many a single worker keeps in flight.
        TaskQueue.AGENTS: QueueDefaults(
            8, description="agent graph steps and model calls", db_pool=4, db_overflow=4
        ),
        TaskQueue.IMAGES: QueueDefaults(4, description="image providers, JPEG conversion"),
        # One model on one accelerator: a second job would only fight for its memory.
        TaskQueue.GPU: QueueDefaults(1, 4, description="local GPU work, one job at a time"),
        TaskQueue.PLANNING: QueueDefaults(
            4, description="sheets I/O and sub-topic generation", db_overflow=4
        ),
        # Platform quotas are enforced by the ledger, not by worker concurrency.
        TaskQueue.SYNDICATION: QueueDefaults(
            8, description="publishing and token refresh", db_pool=4, db_overflow=8
        ),
    }
)


def parse_queues(names: Iterable[str]) -> list[TaskQueue]:
    """``["agents", "gpu"]`` or ``["agents,gpu"]`` (CLI options) → queues, order kept, no
    duplicates; ``"all"`` or nothing means every queue."""
    wanted: list[TaskQueue] = []
    for name in (part.strip().lower() for item in names for part in item.split(",")):
        if not name:
            continue
        if name == "all":
            return list(TaskQueue)
        try:
            queue = TaskQueue(name)
        except ValueError:
            known = ", ".join(queue.value for queue in TaskQueue)
            raise ConfigurationError(f"unknown task queue {name!r} (known: {known})") from None
        if queue not in wanted:
            wanted.append(queue)
    return wanted or list(TaskQueue)
