"""The publish workflow on a real Temporal dev server with the real activities, database and
publisher over an in-memory platform: the timer, cancel, reschedule, publish now, and a 429
that is waited out until its reset time."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client, WorkflowHandle

from icop.db.session import unit_of_work
from icop.orchestrator.connection import LazyClient, TemporalSettings
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import WorkerRegistry, running_workers
from icop.runtime.clients import Runtime
from icop.runtime.workers import register_syndication
from icop.syndication.activities import PublishActivities
from icop.syndication.platforms.base import Platform
from icop.syndication.runtime import SyndicationRuntime
from icop.syndication.scheduler import TemporalPostScheduler
from icop.syndication.workflows import PostFinished, PublishPostWorkflow, workflow_id
from tests.helpers import ApiClient
from tests.syndication.fakes import FakePlatform
from tests.syndication.support import load_post, make_account, make_post, serial


@dataclass
class Setup:
    client: Client
    scheduler: TemporalPostScheduler
    sessionmaker: async_sessionmaker[AsyncSession]
    tenant_id: uuid.UUID
    account_id: uuid.UUID
    fake: FakePlatform

    async def post(self, due_in: timedelta) -> tuple[uuid.UUID, WorkflowHandle[Any, Any]]:
        when = datetime.now(UTC) + due_in
        post_id = await make_post(
            self.sessionmaker,
            self.tenant_id,
            self.account_id,
            [f"hello {uuid.uuid4().hex}"],
            scheduled_at=when,
        )
        async with unit_of_work(self.sessionmaker, self.tenant_id) as session:
            await self.scheduler.start(session, self.tenant_id, post_id, when)
        return post_id, self.client.get_workflow_handle(
            workflow_id(str(post_id)), result_type=PostFinished
        )


@pytest.fixture
async def setup(
    client: ApiClient,
    context: Runtime,
    sessionmaker: async_sessionmaker[AsyncSession],
    temporal_client: Client,
    temporal_settings: TemporalSettings,
) -> AsyncIterator[Setup]:
    owner = await client.signup("Workflow")
    sessionmaker = serial(sessionmaker)
    fake = FakePlatform(platform=Platform.X)
    runtime = SyndicationRuntime.create(
        context.settings, sessionmaker, context.keyring, clients={Platform.X: fake}, oauth={}
    )
    account_id = await make_account(sessionmaker, context.keyring, owner.tenant_id)
    activities = PublishActivities(sessionmaker, runtime.publisher)
    registry = WorkerRegistry()
    register_syndication(registry, activities)
    lazy = LazyClient(temporal_settings)
    async with running_workers(
        temporal_client, [TaskQueue.SYNDICATION], registry, settings=temporal_settings
    ):
        yield Setup(
            temporal_client,
            TemporalPostScheduler(lazy),
            sessionmaker,
            owner.tenant_id,
            account_id,
            fake,
        )


async def _result(handle: WorkflowHandle[Any, Any]) -> PostFinished:
    result: PostFinished = await asyncio.wait_for(handle.result(), timeout=30)
    return result


async def test_the_timer_holds_the_post_until_it_is_due(setup: Setup) -> None:
    post_id, handle = await setup.post(timedelta(seconds=2))
    await asyncio.sleep(0.8)
    assert setup.fake.publish_calls == 0
    assert await handle.query(PublishPostWorkflow.state) == "scheduled"
    result = await _result(handle)
    assert result.status == "published"
    post, _ = await load_post(setup.sessionmaker, setup.tenant_id, post_id)
    assert post.published_at is not None and post.published_at >= post.scheduled_at
    assert len(setup.fake.posts) == 1


async def test_cancel_reschedule_and_publish_now(setup: Setup) -> None:
    cancelled_id, cancelled = await setup.post(timedelta(hours=1))
    await setup.scheduler.cancel(cancelled_id)
    assert (await _result(cancelled)).status == "cancelled"
    post, _ = await load_post(setup.sessionmaker, setup.tenant_id, cancelled_id)
    assert post.status == "cancelled"

    moved_id, moved = await setup.post(timedelta(hours=1))
    await setup.scheduler.reschedule(moved_id, datetime.now(UTC) + timedelta(seconds=1))
    assert (await _result(moved)).status == "published"

    now_id, now = await setup.post(timedelta(hours=1))
    await setup.scheduler.publish_now(now_id)
    assert (await _result(now)).status == "published"
    assert setup.fake.publish_calls == 2 and len(setup.fake.posts) == 2


async def test_a_rate_limit_is_waited_out_until_its_reset_time(setup: Setup) -> None:
    reset = datetime.now(UTC) + timedelta(seconds=2)
    setup.fake.script, setup.fake.reset_at = ["429"], reset
    post_id, handle = await setup.post(timedelta(0))
    assert (await _result(handle)).status == "published"
    assert setup.fake.publish_calls == 2
    created = setup.fake.posts[0].created_at
    assert created is not None and created >= reset
    _, attempts = await load_post(setup.sessionmaker, setup.tenant_id, post_id)
    assert [a.outcome for a in attempts] == ["failed", "published"]
    assert attempts[1].intent_at >= reset
