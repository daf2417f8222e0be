"""E-mail verification and password reset through the API, against the real database as the
app role; the e-mails are read from the test's mail sink."""

from __future__ import annotations

import hashlib
from uuid import uuid4

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from icop.mail.sink import plain_text
from icop.runtime.clients import Runtime
from tests.helpers import PASSWORD, ApiClient, inbox, link_token

NEW_PASSWORD = "a brand new passphrase"


async def _as_tenant(connection: AsyncConnection, tenant_id: object) -> None:
    await connection.execute(
        text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)}
    )


async def _actions(connection: AsyncConnection, tenant_id: object) -> list[str]:
    await _as_tenant(connection, tenant_id)
    return list(
        (await connection.scalars(text("SELECT action FROM audit_log ORDER BY created_at"))).all()
    )


async def test_signup_sends_a_verification_link_that_works_once(
    client: ApiClient, context: Runtime, connection: AsyncConnection
) -> None:
    account = await client.signup("Verify Co")
    [message] = inbox(context, account.email)
    assert "Verify Co" in str(message["Subject"])
    body = plain_text(message)
    assert f"{context.settings.dashboard_base_url}/verify-email#" in body
    html = message.get_body(preferencelist=("html",))
    assert html is not None and "<a href=" in str(html.get_content())
    me = (await client.get("/api/v1/me", headers=account.headers)).json()
    assert me["user"]["email_verified_at"] is None

    token = link_token(message)
    verified = await client.post("/api/v1/auth/verify-email", json={"token": token})
    assert verified.status_code == 204, verified.text
    me = (await client.get("/api/v1/me", headers=account.headers)).json()
    assert me["user"]["email_verified_at"] is not None

    again = await client.post("/api/v1/auth/verify-email", json={"token": token})
    assert again.status_code == 400
    assert again.headers["content-type"].startswith("application/problem+json")
    assert again.json()["code"] == "invalid_token"
    resend = await client.post("/api/v1/auth/verify-email/request", headers=account.headers)
    assert resend.status_code == 409
    assert resend.json()["code"] == "email_already_verified"
    actions = await _actions(connection, account.tenant_id)
    assert {"auth.email_verification_sent", "auth.email_verified"} <= set(actions)
    # Only a hash of the secret is stored.
    await _as_tenant(connection, account.tenant_id)
    stored = (await connection.scalars(text("SELECT token_hash FROM account_tokens"))).all()
    assert [bytes(row) for row in stored] == [hashlib.sha256(token.split(".")[1].encode()).digest()]


async def test_the_mail_is_in_the_language_the_signup_asked_for(
    client: ApiClient, context: Runtime
) -> None:
    email = f"ko-{uuid4().hex[:8]}@example.com"
    response = await client.post(
        "/api/v1/auth/signup",
        headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.8"},
        json={"email": email, "password": PASSWORD, "company_name": "서울 베이커리"},
    )
    assert response.status_code == 201, response.text
    [message] = inbox(context, email)
    assert str(message["Subject"]) == "서울 베이커리 이메일 주소를 확인해 주세요"
    assert "48시간" in plain_text(message)
    assert message["Content-Language"] == "ko"

    english = f"en-{uuid4().hex[:8]}@example.com"
    response = await client.post(
        "/api/v1/auth/signup",
        headers={"Accept-Language": "ko;q=0.5,en-US"},
        json={"email": english, "password": PASSWORD, "company_name": "Mixed"},
    )
    assert response.status_code == 201, response.text
    [message] = inbox(context, english)
    assert str(message["Subject"]).startswith("Confirm your e-mail address")


async def test_a_resent_link_retires_the_earlier_one_and_links_expire(
    client: ApiClient, context: Runtime, connection: AsyncConnection
) -> None:
    account = await client.signup("Resend Co")
    first = link_token(inbox(context, account.email)[0])
    resent = await client.post("/api/v1/auth/verify-email/request", headers=account.headers)
    assert resent.status_code == 202, resent.text
    messages = inbox(context, account.email)
    assert len(messages) == 2
    second = link_token(messages[0])
    assert second != first
    old = await client.post("/api/v1/auth/verify-email", json={"token": first})
    assert old.status_code == 400

    await _as_tenant(connection, account.tenant_id)
    await connection.execute(
        text("UPDATE account_tokens SET expires_at = now() - interval '1 second'")
    )
    expired = await client.post("/api/v1/auth/verify-email", json={"token": second})
    assert expired.status_code == 400
    assert expired.json()["code"] == "invalid_token"


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        f"{uuid4().hex}.short",
        f"{uuid4().hex}.{'x' * 43}",
    ],
)
async def test_a_wrong_token_is_a_clear_400(client: ApiClient, token: str) -> None:
    response = await client.post("/api/v1/auth/verify-email", json={"token": token})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_token"
    reset = await client.post(
        "/api/v1/auth/password-reset", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert reset.status_code == 400


async def test_a_link_is_bound_to_its_tenant_and_its_purpose(
    client: ApiClient, context: Runtime
) -> None:
    one = await client.signup("Tenant One")
    two = await client.signup("Tenant Two")
    token = link_token(inbox(context, one.email)[0])
    _, secret = token.split(".")
    forged = await client.post(
        "/api/v1/auth/verify-email", json={"token": f"{two.tenant_id.hex}.{secret}"}
    )
    assert forged.status_code == 400
    # A verification link is not a reset link.
    misused = await client.post(
        "/api/v1/auth/password-reset", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert misused.status_code == 400
    assert (
        await client.post("/api/v1/auth/verify-email", json={"token": token})
    ).status_code == 204


async def test_password_reset_changes_the_password_and_ends_every_session(
    client: ApiClient, context: Runtime, connection: AsyncConnection
) -> None:
    account = await client.signup("Reset Co")
    second_login = await client.post(
        "/api/v1/auth/login", json={"email": account.email, "password": PASSWORD}
    )
    assert second_login.status_code == 200
    asked = await client.post(
        "/api/v1/auth/password-reset/request", json={"email": account.email.upper()}
    )
    assert asked.status_code == 202
    [message] = [
        m for m in inbox(context, account.email) if str(m["Subject"]).startswith("Reset your")
    ]
    assert f"{context.settings.dashboard_base_url}/reset-password#" in plain_text(message)
    token = link_token(message)

    weak = await client.post(
        "/api/v1/auth/password-reset", json={"token": token, "new_password": "short"}
    )
    assert weak.status_code == 422
    reset = await client.post(
        "/api/v1/auth/password-reset", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert reset.status_code == 204, reset.text

    # Every refresh-token family is revoked, and the access tokens with them.
    assert (await client.get("/api/v1/me", headers=account.headers)).status_code == 401
    for refresh_token in (account.refresh_token, second_login.json()["refresh_token"]):
        refreshed = await client.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})
        assert refreshed.status_code == 401
    old = await client.post(
        "/api/v1/auth/login", json={"email": account.email, "password": PASSWORD}
    )
    assert old.status_code == 401
    new = await client.post(
        "/api/v1/auth/login", json={"email": account.email, "password": NEW_PASSWORD}
    )
    assert new.status_code == 200
    me = (
        await client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {new.json()['access_token']}"}
        )
    ).json()
    assert me["user"]["email_verified_at"] is not None  # the link proved the address

    reused = await client.post(
        "/api/v1/auth/password-reset", json={"token": token, "new_password": "yet another one!"}
    )
    assert reused.status_code == 400
    actions = await _actions(connection, account.tenant_id)
    assert {"auth.password_reset_requested", "auth.password_reset"} <= set(actions)
    await _as_tenant(connection, account.tenant_id)
    revoked = await connection.scalar(
        text("SELECT count(*) FROM auth_sessions WHERE revoked_reason = 'password_reset'")
    )
    assert revoked == 2


async def test_reset_request_never_reveals_whether_the_address_exists(
    client: ApiClient, context: Runtime
) -> None:
    account = await client.signup("Known Co")
    unknown = f"nobody-{uuid4().hex[:8]}@example.com"
    for_unknown = await client.post("/api/v1/auth/password-reset/request", json={"email": unknown})
    for_known = await client.post(
        "/api/v1/auth/password-reset/request", json={"email": account.email}
    )
    assert for_unknown.status_code == for_known.status_code == 202
    assert for_unknown.json() == for_known.json()
    assert inbox(context, unknown) == []
    bad = await client.post("/api/v1/auth/password-reset/request", json={"email": "not-an-email"})
    assert bad.status_code == 422


async def test_an_expired_reset_link_is_refused_and_the_password_stays(
    client: ApiClient, context: Runtime, connection: AsyncConnection
) -> None:
    account = await client.signup("Expiry Co")
    await client.post("/api/v1/auth/password-reset/request", json={"email": account.email})
    token = link_token(inbox(context, account.email)[0])
    await _as_tenant(connection, account.tenant_id)
    await connection.execute(
        text(
            "UPDATE account_tokens SET expires_at = now() - interval '1 second' "
            "WHERE purpose = 'reset_password'"
        )
    )
    expired = await client.post(
        "/api/v1/auth/password-reset", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert expired.status_code == 400
    still = await client.post(
        "/api/v1/auth/login", json={"email": account.email, "password": PASSWORD}
    )
    assert still.status_code == 200


async def test_one_address_in_two_tenants_gets_one_link_per_workspace(
    client: ApiClient, context: Runtime
) -> None:
    email = f"shared-{uuid4().hex[:8]}@example.com"
    await client.signup("First Workspace", email=email)
    await client.signup("Second Workspace", email=email)
    await client.post("/api/v1/auth/password-reset/request", json={"email": email})
    resets = [m for m in inbox(context, email) if str(m["Subject"]).startswith("Reset your")]
    assert sorted(str(m["Subject"]) for m in resets) == [
        "Reset your ICOP password for First Workspace",
        "Reset your ICOP password for Second Workspace",
    ]
    tokens = {link_token(m).split(".")[0] for m in resets}
    assert len(tokens) == 2  # each link names its own tenant
