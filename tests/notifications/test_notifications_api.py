"""In-app notifications through the API: unread first, read marks per member, tenant-bound."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.db.session import unit_of_work
from icop.models import NotificationKind
from icop.notifications import service
from icop.runtime.clients import Runtime
from tests.helpers import Account, ApiClient


async def _notify(
    sessionmaker: async_sessionmaker[AsyncSession],
    account: Account,
    kind: NotificationKind,
    title: str,
    *,
    fail: bool = False,
) -> uuid.UUID:
    try:
        async with unit_of_work(sessionmaker, account.tenant_id) as session:
            notification = await service.notify(
                session,
                tenant_id=account.tenant_id,
                kind=kind,
                title=title,
                target_type="article",
                target_id=uuid.uuid4(),
            )
            if fail:
                raise RuntimeError("the event's transaction fails")
    except RuntimeError:
        pass
    return notification.id


async def test_unread_first_per_member_and_read_all(client: ApiClient, context: Runtime) -> None:
    owner = await client.signup("Notice Co")
    viewer = await client.add_member(owner, "viewer")
    first = await _notify(context.sessionmaker, owner, NotificationKind.APPROVAL_WAITING, "one")
    second = await _notify(context.sessionmaker, owner, NotificationKind.RUN_FAILED, "two")
    third = await _notify(context.sessionmaker, owner, NotificationKind.POST_UNCONFIRMED, "three")

    listed = await client.get("/api/v1/notifications", headers=owner.headers)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["unread"] == 3
    assert [item["id"] for item in body["items"]] == [str(third), str(second), str(first)]
    assert body["items"][0]["kind"] == "post_unconfirmed"

    read = await client.post(f"/api/v1/notifications/{third}/read", headers=owner.headers)
    assert read.status_code == 204
    again = await client.post(f"/api/v1/notifications/{third}/read", headers=owner.headers)
    assert again.status_code == 204
    body = (await client.get("/api/v1/notifications", headers=owner.headers)).json()
    assert body["unread"] == 2
    assert [item["id"] for item in body["items"]] == [str(second), str(first), str(third)]
    assert body["items"][2]["read_at"] is not None
    unread_only = (
        await client.get("/api/v1/notifications?unread=true&limit=1", headers=owner.headers)
    ).json()
    assert [item["id"] for item in unread_only["items"]] == [str(second)]

    # Another member's reading is their own.
    theirs = (await client.get("/api/v1/notifications", headers=viewer.headers)).json()
    assert theirs["unread"] == 3
    marked = await client.post("/api/v1/notifications/read-all", headers=viewer.headers)
    assert marked.status_code == 200 and marked.json() == {"marked": 3}
    assert (await client.get("/api/v1/notifications", headers=viewer.headers)).json()["unread"] == 0
    assert (await client.get("/api/v1/notifications", headers=owner.headers)).json()["unread"] == 2


async def test_a_notice_exists_only_when_its_event_committed(
    client: ApiClient, context: Runtime
) -> None:
    owner = await client.signup("Rollback Co")
    await _notify(context.sessionmaker, owner, NotificationKind.RUN_FAILED, "kept")
    await _notify(context.sessionmaker, owner, NotificationKind.RUN_FAILED, "lost", fail=True)
    body = (await client.get("/api/v1/notifications", headers=owner.headers)).json()
    assert [item["title"] for item in body["items"]] == ["kept"]


async def test_another_tenants_notification_is_not_found(
    client: ApiClient, context: Runtime
) -> None:
    owner = await client.signup("Mine Co")
    other = await client.signup("Other Co")
    notice = await _notify(context.sessionmaker, owner, NotificationKind.APPROVAL_WAITING, "x")
    forged = await client.post(f"/api/v1/notifications/{notice}/read", headers=other.headers)
    assert forged.status_code == 404
    assert forged.headers["content-type"].startswith("application/problem+json")
    assert (await client.get("/api/v1/notifications", headers=other.headers)).json() == {
        "unread": 0,
        "items": [],
    }
    unknown = await client.post(f"/api/v1/notifications/{uuid.uuid4()}/read", headers=owner.headers)
    assert unknown.status_code == 404
