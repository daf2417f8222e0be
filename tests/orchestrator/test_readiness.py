from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from temporalio.client import Client

from icop.orchestrator.connection import LazyClient, TemporalSettings
from icop.orchestrator.exceptions import QueuesWithoutPollers, TemporalUnavailable
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.readiness import check_task_queues, readiness_check
from icop.orchestrator.worker import running_workers
from tests.orchestrator.conftest import free_port
from tests.orchestrator.test_workers import wait_until_polled

# Servers that stop answering must fail the test, not hang the run.
pytestmark = pytest.mark.timeout(120)


def names(settings: TemporalSettings, queues: list[TaskQueue]) -> list[str]:
    return [settings.queue_name(queue) for queue in queues]


async def test_fails_naming_every_queue_without_a_worker(
    temporal_client: Client, temporal_settings: TemporalSettings
) -> None:
    check = readiness_check(temporal_client, names(temporal_settings, list(TaskQueue)))
    with pytest.raises(QueuesWithoutPollers) as caught:
        await check()
    assert caught.value.queues == names(temporal_settings, list(TaskQueue))
    for name in names(temporal_settings, list(TaskQueue)):
        assert name in caught.value.detail
    assert "icop worker --queue" in caught.value.detail


async def test_passes_once_workers_poll_and_names_only_the_missing_queue(
    temporal_client: Client, temporal_settings: TemporalSettings
) -> None:
    served = [TaskQueue.AGENTS, TaskQueue.IMAGES]
    async with running_workers(temporal_client, served, settings=temporal_settings):
        await wait_until_polled(temporal_client, names(temporal_settings, served))
        await readiness_check(temporal_client, names(temporal_settings, served))()

        wanted = names(temporal_settings, [*served, TaskQueue.GPU])
        report = await check_task_queues(temporal_client, wanted)
        assert not report.ready
        assert [s.queue for s in report.not_ready] == [temporal_settings.queue_name("gpu")]
        assert report.not_ready[0].missing == ["workflow", "activity"]
        agents = report.queues[0]
        assert agents.ready
        assert {p.identity for p in agents.pollers["workflow"]} == {
            p.identity for p in agents.pollers["activity"]
        }


async def test_a_stopped_worker_stops_counting_after_max_age(
    temporal_client: Client, temporal_settings: TemporalSettings
) -> None:
    queue = names(temporal_settings, [TaskQueue.SYNDICATION])
    async with running_workers(
        temporal_client, [TaskQueue.SYNDICATION], settings=temporal_settings
    ):
        await wait_until_polled(temporal_client, queue)
    # The server still lists the dead worker's pollers; only their age gives it away.
    # (Poll times have whole-second resolution, hence the margin.)
    await asyncio.sleep(2.2)
    still_listed = await check_task_queues(temporal_client, queue, max_age=timedelta(minutes=5))
    assert still_listed.ready
    stale = await check_task_queues(temporal_client, queue, max_age=timedelta(seconds=1))
    assert not stale.ready


async def test_unreachable_temporal_fails_the_check() -> None:
    lazy = LazyClient(TemporalSettings(address=f"127.0.0.1:{free_port()}", connect_timeout_s=1))
    with pytest.raises(TemporalUnavailable):
        await readiness_check(lazy, ["agents"])()
