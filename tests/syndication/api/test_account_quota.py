"""The dashboard's account views at the API: quota left per account and window, and the
connect callback sending a person's browser back to the dashboard."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

from icop.db.session import unit_of_work
from icop.models import AccountRateState, PublishLedgerEntry
from tests.syndication.api.conftest import Api
from tests.syndication.support import make_account

BROWSER = {"accept": "text/html,application/xhtml+xml"}


async def test_quota_counts_each_rolling_window_of_the_account(api: Api) -> None:
    owner = await api.client.signup("Quota")
    x_account = await make_account(api.context.sessionmaker, api.context.keyring, owner.tenant_id)
    settings = api.context.settings
    now = datetime.now(UTC)
    async with unit_of_work(api.context.sessionmaker, owner.tenant_id) as session:
        # Two posts ten minutes ago (both windows), one two hours ago (only the 3-hour one).
        for minutes in (10, 10, 120):
            session.add(
                PublishLedgerEntry(
                    tenant_id=owner.tenant_id,
                    social_account_id=x_account,
                    attempt_id=uuid.uuid4(),
                    counted_at=now - timedelta(minutes=minutes),
                )
            )
    answer = await api.client.get(f"/api/v1/accounts/{x_account}/quota", headers=owner.headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["platform"] == "x" and body["next_slot_at"] is None
    windows = {w["label"]: w for w in body["windows"]}
    assert windows["15 minutes"]["used"] == 2
    assert windows["15 minutes"]["remaining"] == settings.syndication_x_limit_15min - 2
    assert windows["3 hours"]["used"] == 3
    assert windows["3 hours"]["remaining"] == settings.syndication_x_limit_3h - 3
    # The oldest counted post leaves the 3-hour window three hours after it was counted.
    frees = datetime.fromisoformat(windows["3 hours"]["frees_at"])
    assert abs((frees - (now + timedelta(minutes=60))).total_seconds()) < 5


async def test_quota_shows_a_pause_the_platform_asked_for(api: Api) -> None:
    owner = await api.client.signup("Paused")
    account = await make_account(
        api.context.sessionmaker, api.context.keyring, owner.tenant_id, platform="threads"
    )
    until = datetime.now(UTC) + timedelta(minutes=30)
    async with unit_of_work(api.context.sessionmaker, owner.tenant_id) as session:
        session.add(
            AccountRateState(
                tenant_id=owner.tenant_id,
                social_account_id=account,
                blocked_until=until,
                blocked_reason="Threads rate-limited this account",
                window_total=5,
            )
        )
    body = (await api.client.get(f"/api/v1/accounts/{account}/quota", headers=owner.headers)).json()
    assert [(w["label"], w["limit"], w["used"]) for w in body["windows"]] == [("24 hours", 5, 0)]
    assert body["blocked_reason"] == "Threads rate-limited this account"
    assert datetime.fromisoformat(body["next_slot_at"]) == until
    # Another tenant cannot read it.
    other = await api.client.signup("Other")
    hidden = await api.client.get(f"/api/v1/accounts/{account}/quota", headers=other.headers)
    assert hidden.status_code == 404


async def test_a_browser_returns_to_the_dashboard_after_consent(api: Api) -> None:
    owner = await api.client.signup("Browser")
    started = await api.client.post("/api/v1/accounts/connect/x", headers=owner.headers)
    state = parse_qs(urlparse(started.json()["authorization_url"]).query)["state"][0]
    done = await api.client.get(
        "/api/v1/accounts/callback/x", params={"code": "good", "state": state}, headers=BROWSER
    )
    assert done.status_code == 303
    target = urlparse(done.headers["location"])
    assert target.path == "/accounts" and parse_qs(target.query) == {"connected": ["x"]}
    listed = await api.client.get("/api/v1/accounts", headers=owner.headers)
    assert [a["platform"] for a in listed.json()] == ["x"]
    # A used state: the browser still lands on the dashboard, with the reason.
    again = await api.client.get(
        "/api/v1/accounts/callback/x", params={"code": "good", "state": state}, headers=BROWSER
    )
    assert again.status_code == 303
    error = parse_qs(urlparse(again.headers["location"]).query)["connect_error"][0]
    assert "expired" in error
