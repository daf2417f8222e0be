"""Per-account login throttling: counted per e-mail address in PostgreSQL, on top of the
per-client-address limit, and the same for addresses no account has."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from icop.api.app import create_app
from icop.auth.throttle import email_key
from icop.runtime.clients import Runtime
from tests.helpers import PASSWORD, ApiClient, inbox, link_token

FAILURES = 3
LOCKOUT_S = 60
MAX_LOCKOUT_S = 100


@pytest.fixture
def throttled(context: Runtime, monkeypatch: pytest.MonkeyPatch) -> Runtime:
    monkeypatch.setattr(context.settings, "login_throttle_failures", FAILURES)
    monkeypatch.setattr(context.settings, "login_throttle_lockout_s", LOCKOUT_S)
    monkeypatch.setattr(context.settings, "login_throttle_max_lockout_s", MAX_LOCKOUT_S)
    return context


@pytest.fixture
async def other_address(throttled: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """A client from another IP address."""
    transport = httpx.ASGITransport(app=create_app(runtime=throttled), client=("203.0.113.9", 4))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def _login(http: httpx.AsyncClient | ApiClient, email: str, password: str) -> httpx.Response:
    response: httpx.Response = await http.post(
        "/api/v1/auth/login", json={"email": email, "password": password}
    )
    return response


async def _unlock(connection: AsyncConnection, email: str) -> None:
    await connection.execute(
        text(
            "UPDATE login_throttles SET locked_until = now() - interval '1 second' "
            "WHERE email_sha256 = :key"
        ),
        {"key": email_key(email)},
    )


async def test_failures_lock_the_account_even_from_a_new_address(
    throttled: Runtime, client: ApiClient, other_address: httpx.AsyncClient
) -> None:
    account = await client.signup("Throttle Co")
    for _ in range(FAILURES):
        assert (await _login(client, account.email, "wrong password!")).status_code == 401
    # The right password from another client address is refused without being checked.
    refused = await _login(other_address, account.email, PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "login_throttled"
    assert 1 <= int(refused.headers["retry-after"]) <= LOCKOUT_S
    # Other accounts are not affected.
    other = await client.signup("Bystander Co")
    assert (await _login(client, other.email, PASSWORD)).status_code == 200


async def test_unknown_addresses_are_treated_the_same(
    throttled: Runtime, client: ApiClient
) -> None:
    account = await client.signup("Known Throttle Co")
    unknown = f"ghost-{uuid4().hex[:8]}@example.com"
    answers: dict[str, list[tuple[int, str]]] = {}
    for email in (account.email, unknown):
        answers[email] = []
        for _ in range(FAILURES + 1):
            response = await _login(client, email, "wrong password!")
            answers[email].append((response.status_code, response.json()["detail"]))
    assert answers[account.email] == answers[unknown]
    assert [status for status, _ in answers[unknown]] == [401] * FAILURES + [429]


async def test_success_clears_the_count_and_lockouts_double_up_to_the_cap(
    throttled: Runtime, client: ApiClient, connection: AsyncConnection
) -> None:
    account = await client.signup("Backoff Co")
    for _ in range(FAILURES - 1):
        await _login(client, account.email, "wrong password!")
    assert (await _login(client, account.email, PASSWORD)).status_code == 200
    assert (
        await connection.scalar(
            text("SELECT count(*) FROM login_throttles WHERE email_sha256 = :key"),
            {"key": email_key(account.email)},
        )
    ) == 0
    for _ in range(FAILURES - 1):
        await _login(client, account.email, "wrong password!")
    assert (await _login(client, account.email, PASSWORD)).status_code == 200

    retry_afters = []
    for _ in range(3):
        for _ in range(FAILURES):
            assert (await _login(client, account.email, "wrong password!")).status_code == 401
        locked = await _login(client, account.email, PASSWORD)
        assert locked.status_code == 429
        retry_afters.append(int(locked.headers["retry-after"]))
        await _unlock(connection, account.email)
    # 60 s, then 120 s capped at 100 s, then the cap again.
    assert LOCKOUT_S - 2 <= retry_afters[0] <= LOCKOUT_S
    assert retry_afters[1] == retry_afters[2]
    assert MAX_LOCKOUT_S - 2 <= retry_afters[1] <= MAX_LOCKOUT_S

    assert (await _login(client, account.email, PASSWORD)).status_code == 200


async def test_failures_outside_the_window_start_a_new_count(
    throttled: Runtime, client: ApiClient, connection: AsyncConnection
) -> None:
    account = await client.signup("Window Co")
    for _ in range(FAILURES - 1):
        await _login(client, account.email, "wrong password!")
    await connection.execute(
        text(
            "UPDATE login_throttles SET window_started_at = now() - interval '1 hour' "
            "WHERE email_sha256 = :key"
        ),
        {"key": email_key(account.email)},
    )
    for _ in range(FAILURES - 1):
        assert (await _login(client, account.email, "wrong password!")).status_code == 401
    assert (await _login(client, account.email, PASSWORD)).status_code == 200


async def test_a_password_reset_by_e_mail_lifts_the_lock(
    throttled: Runtime, client: ApiClient
) -> None:
    account = await client.signup("Locked Out Co")
    for _ in range(FAILURES):
        await _login(client, account.email, "wrong password!")
    assert (await _login(client, account.email, PASSWORD)).status_code == 429
    await client.post("/api/v1/auth/password-reset/request", json={"email": account.email})
    [message] = [
        m for m in inbox(throttled, account.email) if str(m["Subject"]).startswith("Reset your")
    ]
    reset = await client.post(
        "/api/v1/auth/password-reset",
        json={"token": link_token(message), "new_password": "a fresh passphrase"},
    )
    assert reset.status_code == 204
    assert (await _login(client, account.email, "a fresh passphrase")).status_code == 200
