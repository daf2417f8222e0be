"""The API's operations monitor against the real Temporal dev server: task queues' pollers and
schedules' health become the gauges the alert rules read."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleIntervalSpec,
    ScheduleSpec,
    ScheduleState,
)

from icop.observability.metrics import REGISTRY
from icop.orchestrator.connection import TemporalSettings
from icop.orchestrator.monitor import (
    ScheduleHealth,
    ScheduleReading,
    check_once,
    read_schedules,
    schedule_kind,
    summarise,
)
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import running_workers
from tests.orchestrator.test_workers import wait_until_polled

pytestmark = pytest.mark.timeout(120)


def pollers(queue: str, kind: str) -> float | None:
    return REGISTRY.get_sample_value("icop_task_queue_pollers", {"task_queue": queue, "kind": kind})


async def test_queues_without_and_with_workers(
    temporal_client: Client, temporal_settings: TemporalSettings
) -> None:
    agents = temporal_settings.queue_name(TaskQueue.AGENTS)
    gpu = temporal_settings.queue_name(TaskQueue.GPU)
    started = time.time()
    await check_once(temporal_client, [agents, gpu])
    assert pollers(agents, "workflow") == 0 and pollers(gpu, "activity") == 0
    checked = REGISTRY.get_sample_value(
        "icop_monitor_check_timestamp_seconds", {"check": "task_queues"}
    )
    assert checked is not None and checked >= started
    async with running_workers(temporal_client, [TaskQueue.AGENTS], settings=temporal_settings):
        await wait_until_polled(temporal_client, [agents])
        await check_once(temporal_client, [agents, gpu])
        assert (pollers(agents, "workflow") or 0) >= 1
        assert (pollers(agents, "activity") or 0) >= 1
        assert pollers(gpu, "workflow") == 0


async def test_schedules_are_read_and_counted_by_kind(temporal_client: Client) -> None:
    schedule_id = f"pipeline-{uuid.uuid4()}"
    await temporal_client.create_schedule(
        schedule_id,
        Schedule(
            action=ScheduleActionStartWorkflow(
                "PipelineRunWorkflow", id=f"run-{schedule_id}", task_queue="monitor-test"
            ),
            spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=timedelta(hours=1))]),
            state=ScheduleState(paused=True),
        ),
    )
    try:
        deadline = time.monotonic() + 30
        while True:  # the schedule list is Temporal's visibility store: eventually consistent
            readings = {r.schedule_id: r for r in await read_schedules(temporal_client)}
            if schedule_id in readings:
                break
            assert time.monotonic() < deadline, "the new schedule was never listed"
            await asyncio.sleep(0.5)
        mine = readings[schedule_id]
        assert mine.paused and mine.missed == 0
        assert mine.next_fire is None or mine.next_fire > datetime.now(UTC) - timedelta(hours=1)
        await check_once(temporal_client, [])
        counted = REGISTRY.get_sample_value("icop_schedules", {"kind": "pipeline"})
        assert counted is not None and counted >= 1
        assert REGISTRY.get_sample_value("icop_schedules_overdue", {"kind": "pipeline"}) == 0
    finally:
        await temporal_client.get_schedule_handle(schedule_id).delete()


def test_missed_and_overdue_schedules_are_summed_per_kind() -> None:
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    late = now - timedelta(hours=1)
    readings = [
        ScheduleReading("pipeline-a", paused=False, missed=2, next_fire=now + timedelta(hours=1)),
        ScheduleReading("pipeline-b", paused=False, missed=1, next_fire=late),
        ScheduleReading("pipeline-c", paused=True, missed=0, next_fire=late),  # paused: fine
        ScheduleReading("trend-a", paused=False, missed=0, next_fire=now - timedelta(minutes=5)),
        ScheduleReading("legacy", paused=False, missed=4, next_fire=None),
    ]
    assert summarise(readings, now) == [
        ScheduleHealth("pipeline", schedules=3, missed=3, overdue=1),
        ScheduleHealth("trend", schedules=1, missed=0, overdue=0),  # within the grace period
        ScheduleHealth("other", schedules=1, missed=4, overdue=0),
    ]
    assert summarise([], now) == [
        ScheduleHealth("pipeline", 0, 0, 0),
        ScheduleHealth("trend", 0, 0, 0),
    ]
    assert schedule_kind("trend-123") == "trend" and schedule_kind("x") == "other"
