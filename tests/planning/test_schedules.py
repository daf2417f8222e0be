"""A pipeline's cron schedule as a Temporal Schedule on the local dev server: create, update,
pause, resume, trigger now, delete with the pipeline — and it fires on time, by the clock of the
tenant's time zone, and follows the tenant to a new zone.

The time-skipping test server does not implement schedules (CreateSchedule is "unimplemented"
there), so the firing is observed on the dev server with an every-minute cron (≤ 60 s)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.service import RPCError

from icop.auth.principal import Principal, PrincipalKind
from icop.db.session import unit_of_work
from icop.errors import ValidationFailed
from icop.models import Role
from icop.orchestrator.connection import LazyClient
from icop.planning import schedules, service
from icop.planning.repository import RunRepository
from icop.planning.schemas import PipelineUpdate
from icop.tenants import service as tenants
from icop.tenants.schemas import TenantUpdate
from tests.planning.conftest import Setup


def _principal(setup: Setup, user_id: object) -> Principal:
    return Principal(
        kind=PrincipalKind.USER,
        tenant_id=setup.tenant_id,
        role=Role.OWNER,
        user_id=user_id,  # type: ignore[arg-type]
    )


async def _creator(setup: Setup) -> object:
    async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
        pipeline = await service.get_pipeline(session, setup.pipeline_id)
        return pipeline.created_by


async def test_cron_becomes_a_schedule_that_fires_on_time(setup: Setup) -> None:
    temporal = LazyClient(setup.settings)
    principal = _principal(setup, await _creator(setup))
    handle = setup.client.get_schedule_handle(schedules.schedule_id(setup.pipeline_id))

    async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
        await service.update(
            session,
            temporal,
            principal,
            setup.pipeline_id,
            PipelineUpdate(schedule_cron="30 9 * * 1-5"),
        )
    described = await handle.describe()
    # Temporal stores the cron as calendar specs; its computed firings are what count.
    upcoming = described.info.next_action_times[0]
    assert (upcoming.hour, upcoming.minute, upcoming.weekday() < 5) == (9, 30, True)

    async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
        await service.update(
            session, temporal, principal, setup.pipeline_id, PipelineUpdate(schedule_paused=True)
        )
    assert (await handle.describe()).schedule.state.paused

    # Every minute, resumed: the next firing comes at the top of a minute and starts a run.
    async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
        await service.update(
            session,
            temporal,
            principal,
            setup.pipeline_id,
            PipelineUpdate(schedule_cron="* * * * *", schedule_paused=False),
        )
    described = await handle.describe()
    assert not described.schedule.state.paused
    due = described.info.next_action_times[0]
    assert due.second == 0 and due - datetime.now(UTC) <= timedelta(seconds=61)

    run = None
    for _ in range(150):
        async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
            runs = await RunRepository(session).list(setup.pipeline_id, limit=5, offset=0)
        if runs:
            run = runs[0]
            break
        await asyncio.sleep(0.5)
    assert run is not None, "the schedule did not fire"
    assert run.trigger == "schedule"
    assert run.started_at is not None and abs(run.started_at - due) < timedelta(seconds=15)

    # Deleting the pipeline deletes its schedule (after its run).
    for _ in range(200):
        async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
            current = await RunRepository(session).get(run.id)
        if current is not None and current.status not in ("queued", "running"):
            break
        await asyncio.sleep(0.2)
    await handle.pause()  # no second firing while the test tears down
    async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
        await service.delete(session, temporal, principal, setup.pipeline_id)
    with pytest.raises(RPCError):
        await handle.describe()


async def test_trigger_now_and_a_bad_cron(setup: Setup) -> None:
    temporal = LazyClient(setup.settings)
    principal = _principal(setup, await _creator(setup))
    with pytest.raises(ValidationFailed, match="not a cron expression"):
        schedules.check_cron("every monday")
    async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
        await service.update(
            session, temporal, principal, setup.pipeline_id, PipelineUpdate(schedule_cron="@daily")
        )
    handle = setup.client.get_schedule_handle(schedules.schedule_id(setup.pipeline_id))
    await handle.trigger()
    for _ in range(100):
        async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
            runs = await RunRepository(session).list(setup.pipeline_id, limit=5, offset=0)
        if runs:
            break
        await asyncio.sleep(0.3)
    assert runs and runs[0].trigger == "schedule"
    # Removing the cron removes the schedule.
    async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
        await service.update(
            session, temporal, principal, setup.pipeline_id, PipelineUpdate(schedule_cron="")
        )
    with pytest.raises(RPCError):
        await handle.describe()


async def test_cron_runs_by_the_tenant_clock_and_follows_a_new_zone(setup: Setup) -> None:
    temporal = LazyClient(setup.settings)
    principal = _principal(setup, await _creator(setup))
    handle = setup.client.get_schedule_handle(schedules.schedule_id(setup.pipeline_id))

    async def follow(session: AsyncSession, who: Principal, zone: str) -> int:
        return await service.follow_time_zone(session, temporal, who, zone)

    async def set_zone(zone: str) -> None:
        async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
            await tenants.update(session, principal, TenantUpdate(time_zone=zone), follow)

    # A schedule made after the zone is set is read in it.
    await set_zone("Asia/Seoul")
    async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
        await service.update(
            session,
            temporal,
            principal,
            setup.pipeline_id,
            PipelineUpdate(schedule_cron="30 9 * * 1-5", schedule_paused=True),
        )
    described = await handle.describe()
    assert described.schedule.spec.time_zone_name == "Asia/Seoul"
    seoul = described.info.next_action_times[0].astimezone(ZoneInfo("Asia/Seoul"))
    assert (seoul.hour, seoul.minute, seoul.weekday() < 5) == (9, 30, True)
    # 09:30 in Seoul is 00:30 UTC: not the UTC reading of the same cron.
    assert described.info.next_action_times[0].astimezone(UTC).hour == 0

    # The tenant moves: the existing (even paused) schedule follows, 09:30 on the new clock.
    await set_zone("America/New_York")
    described = await handle.describe()
    assert described.schedule.spec.time_zone_name == "America/New_York"
    assert described.schedule.state.paused
    new_york = described.info.next_action_times[0].astimezone(ZoneInfo("America/New_York"))
    assert (new_york.hour, new_york.minute) == (9, 30)

    await set_zone("UTC")
    described = await handle.describe()
    utc = described.info.next_action_times[0].astimezone(UTC)
    assert (described.schedule.spec.time_zone_name, utc.hour, utc.minute) == ("UTC", 9, 30)
    async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
        await service.delete(session, temporal, principal, setup.pipeline_id)
