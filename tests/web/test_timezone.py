"""The workspace time zone and the notification webhook in a real browser
(web/e2e/timezone.spec.ts): the owner picks Asia/Seoul on the settings page and the calendar,
the cron preview, the composer and home follow it; the owner sets the webhook, sees it masked
and sends a test message that a local HTTP server (standing in for Slack) receives; in English
and Korean; a viewer changes nothing. The post the calendar shows is seeded the way the
composer's API call would write it (publishing needs a workflow engine this test does not start:
the schedules' zone is tested against the real one in tests/planning/test_schedules.py)."""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from icop.config import Settings
from icop.credentials.vault import build_keyring
from icop.db.engine import DatabaseUrls, create_engine, create_sessionmaker
from icop.runtime.web import Dashboard
from tests.syndication.support import make_account, make_post
from tests.web.conftest import add_viewer, play

PASSWORD = "time-zone-owner-password"
VIEWER_PASSWORD = "time-zone-viewer-password"
SECRET_PATH = f"/hook/T000/B000/{uuid.uuid4().hex}"


class _Hook(BaseHTTPRequestHandler):
    received: list[dict[str, str]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        if self.path == SECRET_PATH:
            self.received.append(json.loads(self.rfile.read(length)))
            self.send_response(200)
        else:
            self.send_response(404)
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hook() -> Iterator[tuple[str, list[dict[str, str]]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{SECRET_PATH}", _Hook.received
    finally:
        server.shutdown()
        thread.join(timeout=10)


async def _seed_post(urls: DatabaseUrls, settings: Settings, tenant_id: str, at: datetime) -> None:
    engine = create_engine(urls.app, settings, pool_size=1, max_overflow=0)
    try:
        sessionmaker = create_sessionmaker(engine)
        tenant = uuid.UUID(tenant_id)
        account = await make_account(sessionmaker, build_keyring(settings), tenant)
        await make_post(sessionmaker, tenant, account, ["Seedlings at dawn"], scheduled_at=at)
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def workspace(live_api: str, database_urls: DatabaseUrls, settings: Settings) -> dict[str, str]:
    email = f"zone-{uuid.uuid4().hex[:8]}@example.com"
    signup = httpx.post(
        f"{live_api}/api/v1/auth/signup",
        json={"email": email, "password": PASSWORD, "company_name": "Seoul Garden Co"},
    )
    assert signup.status_code == 201, signup.text
    owner = {"authorization": f"Bearer {signup.json()['access_token']}"}
    pipeline = httpx.post(
        f"{live_api}/api/v1/pipelines",
        headers=owner,
        json={"name": "Weekday tips", "source_type": "import"},
    )
    assert pipeline.status_code == 201, pipeline.text
    # 23:30 UTC three days ahead: 08:30 the next day in Seoul, so the day moves too.
    day = (datetime.now(UTC) + timedelta(days=3)).date()
    at = datetime.combine(day, time(23, 30), tzinfo=UTC)
    asyncio.run(_seed_post(database_urls, settings, signup.json()["tenant_id"], at))
    viewer = add_viewer(live_api, owner, VIEWER_PASSWORD, "zone-viewer")
    return {
        "email": email,
        "token": signup.json()["access_token"],
        "viewer_email": viewer,
        "pipeline": str(pipeline.json()["id"]),
        "post_day": day.isoformat(),
    }


def test_time_zone_and_webhook_in_a_real_browser(
    dashboard: Dashboard,
    live_api: str,
    workspace: dict[str, str],
    hook: tuple[str, list[dict[str, str]]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    hook_url, received = hook
    played = play(
        dashboard,
        "e2e/timezone.spec.ts",
        env={
            "ICOP_E2E_TZ_EMAIL": workspace["email"],
            "ICOP_E2E_TZ_PASSWORD": PASSWORD,
            "ICOP_E2E_TZ_VIEWER_EMAIL": workspace["viewer_email"],
            "ICOP_E2E_TZ_VIEWER_PASSWORD": VIEWER_PASSWORD,
            "ICOP_E2E_TZ_PIPELINE": workspace["pipeline"],
            "ICOP_E2E_TZ_POST_DAY": workspace["post_day"],
            "ICOP_E2E_TZ_HOOK": hook_url,
        },
        label="time zone",
        capsys=capsys,
    )
    names = played.screenshots
    assert {"en-settings-time-zone.png", "en-calendar-kst.png", "en-cron-kst.png"} <= names
    assert {"en-settings-webhook.png", "ko-settings-time-zone.png", "ko-calendar-kst.png"} <= names
    # What the browser did is what the API holds, and Slack's stand-in got the two tests.
    owner = {"authorization": f"Bearer {workspace['token']}"}
    tenant = httpx.get(f"{live_api}/api/v1/tenant", headers=owner).json()
    assert tenant["time_zone"] == "Asia/Seoul"
    texts = [body["text"] for body in received]
    assert len(texts) == 2 and all(t.startswith("*ICOP test notification*") for t in texts)
    audit = httpx.get(f"{live_api}/api/v1/audit-log", headers=owner).json()
    actions = [event["action"] for event in audit]
    assert {"tenant.updated", "notifications.webhook_set", "notifications.webhook_removed"} <= set(
        actions
    )
