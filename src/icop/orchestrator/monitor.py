"""The API's operations monitor: what Temporal knows and Prometheus should alert on.

Every ``interval_s`` it asks Temporal, once for the whole deployment, how many workers polled
each task queue recently (the same question ``/readyz`` asks) and how each schedule is doing:
firings it skipped past the catch-up window, and active schedules whose next firing is long
overdue (a stuck scheduler). The answers become gauges (``icop.observability.metrics``); the
alert rules in ``deploy/prometheus/alerts.yml`` read them. A failed check leaves the previous
values and its timestamp unchanged, which an alert of its own notices.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from temporalio.client import Client

from icop.kit.background import in_background
from icop.observability.metrics import (
    record_monitor_check,
    record_schedule_health,
    record_task_queue_pollers,
)
from icop.orchestrator.connection import LazyClient
from icop.orchestrator.readiness import check_task_queues

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = 60.0
OVERDUE_GRACE = timedelta(minutes=10)
SCHEDULE_KINDS = ("pipeline", "trend")
"""Schedule ids start with their kind (``pipeline-<id>``); anything else counts as ``other``."""


@dataclass(frozen=True)
class ScheduleReading:
    schedule_id: str
    paused: bool
    missed: int
    next_fire: datetime | None


@dataclass(frozen=True)
class ScheduleHealth:
    kind: str
    schedules: int
    missed: int
    overdue: int


def schedule_kind(schedule_id: str) -> str:
    prefix = schedule_id.split("-", 1)[0]
    return prefix if prefix in SCHEDULE_KINDS else "other"


def summarise(
    readings: Iterable[ScheduleReading], now: datetime, grace: timedelta = OVERDUE_GRACE
) -> list[ScheduleHealth]:
    """Per kind: schedules, firings missed (over their lives) and overdue active schedules.
    Every known kind is reported, at zero when it has none, so alerts never see gaps."""
    schedules: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    overdue: Counter[str] = Counter()
    for reading in readings:
        kind = schedule_kind(reading.schedule_id)
        schedules[kind] += 1
        missed[kind] += reading.missed
        if not reading.paused and reading.next_fire is not None and reading.next_fire < now - grace:
            overdue[kind] += 1
    kinds = [*SCHEDULE_KINDS, *sorted(set(schedules) - set(SCHEDULE_KINDS))]
    return [ScheduleHealth(kind, schedules[kind], missed[kind], overdue[kind]) for kind in kinds]


async def read_schedules(client: Client) -> list[ScheduleReading]:
    readings = []
    async for listed in await client.list_schedules():
        description = await client.get_schedule_handle(listed.id).describe()
        upcoming = description.info.next_action_times
        readings.append(
            ScheduleReading(
                schedule_id=listed.id,
                paused=description.schedule.state.paused,
                missed=description.info.num_actions_missed_catchup_window,
                next_fire=min(upcoming).astimezone(UTC) if upcoming else None,
            )
        )
    return readings


async def check_once(client: Client, queues: list[str]) -> None:
    """One round: both checks, each on its own (a failing one does not hide the other)."""
    try:
        report = await check_task_queues(client, queues)
    except Exception:
        logger.warning("monitor: task queues could not be described", exc_info=True)
    else:
        for status in report.queues:
            for kind, pollers in status.pollers.items():
                record_task_queue_pollers(status.queue, kind, len(pollers))
        record_monitor_check("task_queues", time.time())
    try:
        readings = await read_schedules(client)
    except Exception:
        logger.warning("monitor: schedules could not be described", exc_info=True)
    else:
        for health in summarise(readings, datetime.now(UTC)):
            record_schedule_health(
                health.kind,
                schedules=health.schedules,
                missed=health.missed,
                overdue=health.overdue,
            )
        record_monitor_check("schedules", time.time())


@asynccontextmanager
async def background_monitor(
    temporal: LazyClient, queues: list[str], *, interval_s: float = DEFAULT_INTERVAL_S
) -> AsyncIterator[None]:
    """The monitor as a background task of the API process."""

    async def run(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await check_once(await temporal(), queues)
            except Exception:  # Temporal unreachable: the checks' timestamps go stale
                logger.warning("monitor: Temporal is not reachable", exc_info=True)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval_s)

    async with in_background(run, name="operations-monitor"):
        yield
