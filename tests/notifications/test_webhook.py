"""The notification webhook: configured through the API (validated, stored encrypted), fed in
the notification's own transaction, delivered after the commit to a real local HTTP server,
retried with backoff, given up on a final answer or when the attempts are spent."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from icop.db.session import unit_of_work
from icop.models import NotificationKind
from icop.notifications import service
from icop.notifications.delivery import DeliveryPolicy, WebhookDeliverer
from icop.runtime.clients import Runtime
from tests.helpers import Account, ApiClient


@dataclass
class HookServer:
    """A tiny HTTP/1.1 server: answers each POST with the next scripted status (then 200)."""

    port: int = 0
    script: list[int] = field(default_factory=list)
    bodies: list[dict[str, str]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.decode().split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        self.bodies.append(json.loads(await reader.readexactly(length)))
        status = self.script.pop(0) if self.script else 200
        writer.write(
            f"HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok".encode()
        )
        await writer.drain()
        writer.close()


@pytest.fixture
async def hook() -> AsyncIterator[HookServer]:
    server = HookServer()
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    server.port = listener.sockets[0].getsockname()[1]
    async with listener:
        yield server


def _deliverer(context: Runtime, attempts: int = 3) -> WebhookDeliverer:
    return WebhookDeliverer(
        context.sessionmaker,
        context.keyring,
        context.http,
        dashboard_url="http://dashboard.test",
        policy=DeliveryPolicy(attempts=attempts, backoff_s=30, timeout_s=5),
    )


async def _notify(context: Runtime, account: Account, title: str) -> uuid.UUID:
    async with unit_of_work(context.sessionmaker, account.tenant_id) as session:
        notification = await service.notify(
            session,
            tenant_id=account.tenant_id,
            kind=NotificationKind.RUN_FAILED,
            title=title,
            detail="every row failed",
            target_type="run",
            target_id=uuid.uuid4(),
        )
    return notification.id


async def _deliveries(connection: AsyncConnection, account: Account) -> list[tuple[str, int]]:
    await connection.execute(
        text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(account.tenant_id)}
    )
    rows = await connection.execute(
        text("SELECT status, attempts FROM notification_deliveries ORDER BY next_attempt_at")
    )
    return [(row.status, row.attempts) for row in rows]


async def _due_now(connection: AsyncConnection, account: Account) -> None:
    # The test is one transaction, where now() stands still: bring the retry time back
    # instead of waiting for it.
    await connection.execute(
        text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(account.tenant_id)}
    )
    await connection.execute(text("UPDATE notification_deliveries SET next_attempt_at = now()"))


async def test_configure_validate_and_store_encrypted(
    client: ApiClient, connection: AsyncConnection
) -> None:
    owner = await client.signup("Hook Co")
    viewer = await client.add_member(owner, "viewer")
    secret_url = "https://hooks.slack.com/services/T000/B000/very-secret-part"
    for bad in ("http://example.com/hook", "ftp://example.com/x", "not a url", "https://"):
        refused = await client.put(
            "/api/v1/notifications/webhook", headers=owner.headers, json={"url": bad}
        )
        assert refused.status_code == 422, (bad, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
    assert (
        await client.put(
            "/api/v1/notifications/webhook", headers=viewer.headers, json={"url": secret_url}
        )
    ).status_code == 403
    none = await client.get("/api/v1/notifications/webhook", headers=owner.headers)
    assert none.status_code == 200 and none.json()["configured"] is False
    saved = await client.put(
        "/api/v1/notifications/webhook", headers=owner.headers, json={"url": secret_url}
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["hint"] == "https://hooks.slack.com/…"
    assert saved.json()["configured"] is True
    shown = (await client.get("/api/v1/notifications/webhook", headers=owner.headers)).json()
    assert "very-secret-part" not in json.dumps(shown)
    await connection.execute(
        text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(owner.tenant_id)}
    )
    stored = await connection.scalar(text("SELECT encrypted_url FROM notification_webhooks"))
    assert b"very-secret-part" not in bytes(stored)
    assert (
        await client.delete("/api/v1/notifications/webhook", headers=owner.headers)
    ).status_code == 204
    gone = await client.get("/api/v1/notifications/webhook", headers=owner.headers)
    assert gone.json() == {"configured": False, "hint": None, "key_id": None, "created_at": None}
    assert (
        await client.delete("/api/v1/notifications/webhook", headers=owner.headers)
    ).status_code == 404


async def test_delivered_after_commit_and_retried_with_backoff(
    client: ApiClient, context: Runtime, connection: AsyncConnection, hook: HookServer
) -> None:
    owner = await client.signup("Deliver Co")
    await _notify(context, owner, "before the webhook")  # nothing to deliver it to
    response = await client.put(
        "/api/v1/notifications/webhook", headers=owner.headers, json={"url": hook.url}
    )
    assert response.status_code == 200, response.text
    hook.script = [503]
    await _notify(context, owner, "Run failed: spring plan")
    assert await _deliveries(connection, owner) == [("pending", 0)]

    deliverer = _deliverer(context)
    assert await deliverer.deliver_due() == 0  # the 503
    assert await _deliveries(connection, owner) == [("pending", 1)]
    assert await deliverer.deliver_due() == 0  # not due again yet: the backoff
    assert len(hook.bodies) == 1
    await _due_now(connection, owner)
    assert await deliverer.deliver_due() == 1
    assert await _deliveries(connection, owner) == [("sent", 2)]
    assert hook.bodies[-1] == {
        "text": "*Run failed: spring plan*\nevery row failed\nhttp://dashboard.test/notifications"
    }
    assert await deliverer.deliver_due() == 0  # sent once


async def test_a_final_answer_or_spent_attempts_end_the_delivery(
    client: ApiClient, context: Runtime, connection: AsyncConnection, hook: HookServer
) -> None:
    owner = await client.signup("Give Up Co")
    await client.put("/api/v1/notifications/webhook", headers=owner.headers, json={"url": hook.url})
    deliverer = _deliverer(context, attempts=2)

    hook.script = [404]
    await _notify(context, owner, "gone")
    assert await deliverer.deliver_due() == 0
    assert await _deliveries(connection, owner) == [("failed", 1)]

    hook.script = [500, 500]
    await _notify(context, owner, "flaky")
    await deliverer.deliver_due()
    await _due_now(connection, owner)
    await deliverer.deliver_due()
    assert sorted(await _deliveries(connection, owner)) == [("failed", 1), ("failed", 2)]
    await _due_now(connection, owner)
    assert await deliverer.deliver_due() == 0
    assert len(hook.bodies) == 3


async def test_a_rolled_back_notification_is_never_delivered(
    client: ApiClient, context: Runtime, connection: AsyncConnection, hook: HookServer
) -> None:
    owner = await client.signup("Rollback Hook Co")
    await client.put("/api/v1/notifications/webhook", headers=owner.headers, json={"url": hook.url})

    async def failing_event() -> None:
        async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
            await service.notify(
                session,
                tenant_id=owner.tenant_id,
                kind=NotificationKind.POST_UNCONFIRMED,
                title="never",
                target_type="post",
                target_id=uuid.uuid4(),
            )
            raise RuntimeError("the event's transaction fails")

    with pytest.raises(RuntimeError):
        await failing_event()
    assert await _deliveries(connection, owner) == []
    assert await _deliverer(context).deliver_due() == 0
    assert hook.bodies == []


async def test_a_test_message_reports_what_the_webhook_answered(
    client: ApiClient, hook: HookServer
) -> None:
    owner = await client.signup("Test Hook Co")
    viewer = await client.add_member(owner, "viewer")
    url = "/api/v1/notifications/webhook/test"
    missing = await client.post(url, headers=owner.headers)
    assert missing.status_code == 404, missing.text
    assert missing.headers["content-type"].startswith("application/problem+json")

    await client.put("/api/v1/notifications/webhook", headers=owner.headers, json={"url": hook.url})
    assert (await client.post(url, headers=viewer.headers)).status_code == 403
    hook.script = [200, 500]
    sent = await client.post(url, headers=owner.headers)
    assert sent.status_code == 200, sent.text
    assert sent.json() == {"delivered": True, "status_code": 200, "error": None}
    assert hook.bodies[-1]["text"].startswith("*ICOP test notification*")
    failed = (await client.post(url, headers=owner.headers)).json()
    assert failed == {"delivered": False, "status_code": 500, "error": "HTTP 500"}
    # A check, not a notification: nothing is listed or queued for a retry.
    assert (await client.get("/api/v1/notifications", headers=owner.headers)).json()["items"] == []
    assert len(hook.bodies) == 2

    audit = (await client.get("/api/v1/audit-log", headers=owner.headers)).json()
    tested = [e["details"] for e in audit if e["action"] == "notifications.webhook_tested"]
    assert sorted(d["delivered"] for d in tested) == [False, True]
