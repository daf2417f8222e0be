"""One notice per event: a Temporal activity that committed its notice but whose completion
was lost runs again, and the team must not be told twice (nor the webhook called twice)."""

from __future__ import annotations

import dataclasses
import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from temporalio import activity
from temporalio.testing import ActivityEnvironment

from icop.db.session import unit_of_work
from icop.models import Notification, NotificationDelivery, NotificationKind
from icop.notifications import service
from icop.runtime.clients import Runtime
from tests.helpers import Account, ApiClient


async def _count(connection: AsyncConnection, account: Account, model: type) -> int:
    await connection.exec_driver_sql(
        f"SELECT set_config('app.tenant_id', '{account.tenant_id}', true)"
    )
    return int(await connection.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_retried_activity_writes_its_notice_once(
    client: ApiClient, context: Runtime, connection: AsyncConnection
) -> None:
    owner = await client.signup("Retry Co")
    hook = await client.put(
        "/api/v1/notifications/webhook",
        headers=owner.headers,
        json={"url": "https://hooks.example.com/services/abc"},
    )
    assert hook.status_code == 200, hook.text
    article_id = uuid.uuid4()

    @activity.defn(name="article.finish")
    async def finish() -> uuid.UUID:
        # As the article activity does: the notice in the unit of work of the status change,
        # told apart from another workflow's by the workflow run, not by the attempt.
        async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
            notice = await service.notify(
                session,
                tenant_id=owner.tenant_id,
                kind=NotificationKind.APPROVAL_WAITING,
                title="Waiting for approval: spring",
                target_type="article",
                target_id=article_id,
                occurrence=activity.info().workflow_run_id,
            )
        return notice.id

    first_attempt = ActivityEnvironment()
    retry = ActivityEnvironment()
    retry.info = dataclasses.replace(first_attempt.info, attempt=first_attempt.info.attempt + 1)
    first = await first_attempt.run(finish)
    second = await retry.run(finish)
    assert second == first
    assert await _count(connection, owner, Notification) == 1
    assert await _count(connection, owner, NotificationDelivery) == 1
    listed = (await client.get("/api/v1/notifications", headers=owner.headers)).json()
    assert listed["unread"] == 1

    # The same article written again by a new workflow is news.
    again = ActivityEnvironment()
    again.info = dataclasses.replace(first_attempt.info, workflow_run_id="another-run")
    third = await again.run(finish)
    assert third != first
    assert await _count(connection, owner, Notification) == 2
    assert await _count(connection, owner, NotificationDelivery) == 2


async def test_the_key_is_per_event_and_per_tenant(client: ApiClient, context: Runtime) -> None:
    one = await client.signup("One Co")
    two = await client.signup("Two Co")
    run_id = uuid.uuid4()

    async def notify(account: Account, kind: NotificationKind) -> uuid.UUID:
        async with unit_of_work(context.sessionmaker, account.tenant_id) as session:
            notice = await service.notify(
                session,
                tenant_id=account.tenant_id,
                kind=kind,
                title="Run failed: plan",
                target_type="run",
                target_id=run_id,
            )
        return notice.id

    failed = await notify(one, NotificationKind.RUN_FAILED)
    # Both paths that report a failed run (start and finish) name the same event.
    assert await notify(one, NotificationKind.RUN_FAILED) == failed
    # Another kind about the same subject is another event; another tenant's is its own.
    assert await notify(one, NotificationKind.APPROVAL_WAITING) != failed
    assert await notify(two, NotificationKind.RUN_FAILED) != failed
    assert service.dedupe_key(NotificationKind.RUN_FAILED, "run", run_id, None) == (
        f"run_failed:run:{run_id}"
    )
    assert service.dedupe_key(NotificationKind.POST_UNCONFIRMED, "post", run_id, "attempt-2") == (
        f"post_unconfirmed:post:{run_id}:attempt-2"
    )
