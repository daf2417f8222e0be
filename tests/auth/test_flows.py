"""Sign-up, login, logout, roles, API keys and invitations through the API."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.helpers import PASSWORD, ApiClient


async def test_signup_creates_tenant_owner_audit_and_event(
    client: ApiClient, connection: AsyncConnection
) -> None:
    account = await client.signup("Sunrise Bakery")
    me = (await client.get("/api/v1/me", headers=account.headers)).json()
    assert me["role"] == "owner"
    assert me["tenant"]["subscription_plan"] == "free"
    assert me["user"]["email"] == account.email
    await connection.execute(
        text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(account.tenant_id)}
    )
    actions = (await connection.scalars(text("SELECT action FROM audit_log"))).all()
    assert "tenant.created" in actions
    topics = (await connection.scalars(text("SELECT topic FROM outbox_events"))).all()
    assert topics == ["tenant.created"]


async def test_login_and_wrong_password(client: ApiClient, connection: AsyncConnection) -> None:
    account = await client.signup()
    ok = await client.post(
        "/api/v1/auth/login", json={"email": account.email.upper(), "password": PASSWORD}
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["tenant_id"] == str(account.tenant_id)
    bad = await client.post(
        "/api/v1/auth/login", json={"email": account.email, "password": "wrong password!"}
    )
    assert bad.status_code == 401
    assert bad.json()["code"] == "invalid_credentials"
    unknown = await client.post(
        "/api/v1/auth/login", json={"email": "nobody@x.example.com", "password": PASSWORD}
    )
    assert unknown.status_code == 401
    assert unknown.json()["detail"] == bad.json()["detail"]  # no account enumeration
    # The failed attempt was recorded even though the request failed.
    await connection.execute(
        text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(account.tenant_id)}
    )
    failed = await connection.scalar(
        text("SELECT count(*) FROM audit_log WHERE action = 'auth.login_failed'")
    )
    assert failed == 1


async def test_same_email_in_two_tenants_needs_tenant_id(client: ApiClient) -> None:
    first = await client.signup("One", email="shared@example.com")
    second = await client.signup("Two", email="shared@example.com")
    ambiguous = await client.post(
        "/api/v1/auth/login", json={"email": "shared@example.com", "password": PASSWORD}
    )
    assert ambiguous.status_code == 409
    assert set(ambiguous.json()["tenant_ids"]) == {str(first.tenant_id), str(second.tenant_id)}
    chosen = await client.post(
        "/api/v1/auth/login",
        json={
            "email": "shared@example.com",
            "password": PASSWORD,
            "tenant_id": str(second.tenant_id),
        },
    )
    assert chosen.status_code == 200
    assert chosen.json()["tenant_id"] == str(second.tenant_id)


async def test_logout_ends_access_and_refresh(client: ApiClient) -> None:
    account = await client.signup()
    assert (await client.post("/api/v1/auth/logout", headers=account.headers)).status_code == 204
    assert (await client.get("/api/v1/me", headers=account.headers)).status_code == 401
    refresh = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": account.refresh_token}
    )
    assert refresh.status_code == 401


async def test_roles_are_enforced(client: ApiClient) -> None:
    owner = await client.signup()
    viewer = await client.add_member(owner, "viewer")
    editor = await client.add_member(owner, "editor")
    admin = await client.add_member(owner, "admin")
    credential = {"platform": "x", "label": "brand", "access_token": "t0ken-value"}
    assert (
        await client.post("/api/v1/credentials", headers=viewer.headers, json=credential)
    ).status_code == 403
    assert (
        await client.post("/api/v1/credentials", headers=editor.headers, json=credential)
    ).status_code == 403
    assert (
        await client.post("/api/v1/credentials", headers=admin.headers, json=credential)
    ).status_code == 201
    assert (await client.get("/api/v1/credentials", headers=viewer.headers)).status_code == 200
    # Admins cannot touch owners; nobody can demote the last owner.
    demote_owner = await client.patch(
        f"/api/v1/users/{owner.user_id}", headers=admin.headers, json={"role": "viewer"}
    )
    assert demote_owner.status_code == 403
    promote = await client.patch(
        f"/api/v1/users/{admin.user_id}", headers=admin.headers, json={"role": "owner"}
    )
    assert promote.status_code == 403
    self_demote = await client.patch(
        f"/api/v1/users/{owner.user_id}", headers=owner.headers, json={"role": "admin"}
    )
    assert self_demote.status_code == 403
    # Role changes apply on the next request, without new tokens.
    raised = await client.patch(
        f"/api/v1/users/{viewer.user_id}", headers=owner.headers, json={"role": "admin"}
    )
    assert raised.status_code == 200
    assert (
        await client.post(
            "/api/v1/credentials", headers=viewer.headers, json={**credential, "label": "second"}
        )
    ).status_code == 201


async def test_disabling_a_user_ends_their_sessions(client: ApiClient) -> None:
    owner = await client.signup()
    editor = await client.add_member(owner, "editor")
    assert (await client.get("/api/v1/me", headers=editor.headers)).status_code == 200
    disabled = await client.patch(
        f"/api/v1/users/{editor.user_id}", headers=owner.headers, json={"status": "disabled"}
    )
    assert disabled.status_code == 200
    assert (await client.get("/api/v1/me", headers=editor.headers)).status_code == 401
    login = await client.post(
        "/api/v1/auth/login", json={"email": editor.email, "password": PASSWORD}
    )
    assert login.status_code == 401


async def test_last_owner_cannot_be_removed(client: ApiClient) -> None:
    owner = await client.signup()
    second = await client.add_member(owner, "owner")
    assert (
        await client.delete(f"/api/v1/users/{second.user_id}", headers=owner.headers)
    ).status_code == 204
    gone = await client.delete(f"/api/v1/users/{owner.user_id}", headers=owner.headers)
    assert gone.status_code == 409


async def test_api_key_lifecycle(client: ApiClient) -> None:
    owner = await client.signup()
    created = await client.post(
        "/api/v1/api-keys", headers=owner.headers, json={"name": "ci", "role": "editor"}
    )
    assert created.status_code == 201
    body = created.json()
    key = body["key"]
    assert key.startswith("icop_") and body["hint"] == key[-4:]
    me = await client.get("/api/v1/me", headers={"X-API-Key": key})
    assert me.status_code == 200
    assert me.json()["role"] == "editor" and me.json()["user"] is None
    assert (
        await client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    ).status_code == 200
    # An editor key cannot do admin work, and the secret is never listed again.
    assert (await client.get("/api/v1/api-keys", headers={"X-API-Key": key})).status_code == 403
    listed = (await client.get("/api/v1/api-keys", headers=owner.headers)).json()
    assert "key" not in listed[0]
    assert (
        await client.delete(f"/api/v1/api-keys/{body['id']}", headers=owner.headers)
    ).status_code == 204
    assert (await client.get("/api/v1/me", headers={"X-API-Key": key})).status_code == 401
    # A key that names another tenant does not authenticate there.
    other = await client.signup("Other")
    forged = key.replace(owner.tenant_id.hex, other.tenant_id.hex)
    assert (await client.get("/api/v1/me", headers={"X-API-Key": forged})).status_code == 401


async def test_api_key_cannot_outrank_its_creator(client: ApiClient) -> None:
    owner = await client.signup()
    admin = await client.add_member(owner, "admin")
    response = await client.post(
        "/api/v1/api-keys", headers=admin.headers, json={"name": "x", "role": "owner"}
    )
    assert response.status_code == 403


async def test_invitation_is_single_use_and_revocable(client: ApiClient) -> None:
    owner = await client.signup()
    invited = (
        await client.post(
            "/api/v1/invitations",
            headers=owner.headers,
            json={"email": "new@example.com", "role": "viewer"},
        )
    ).json()
    pending = (await client.get("/api/v1/invitations", headers=owner.headers)).json()
    assert [p["email"] for p in pending] == ["new@example.com"]
    accept = {"token": invited["token"], "password": PASSWORD}
    assert (await client.post("/api/v1/invitations/accept", json=accept)).status_code == 201
    assert (await client.post("/api/v1/invitations/accept", json=accept)).status_code == 404
    second = (
        await client.post(
            "/api/v1/invitations", headers=owner.headers, json={"email": "late@example.com"}
        )
    ).json()
    assert (
        await client.delete(f"/api/v1/invitations/{second['id']}", headers=owner.headers)
    ).status_code == 204
    late = await client.post(
        "/api/v1/invitations/accept", json={"token": second["token"], "password": PASSWORD}
    )
    assert late.status_code == 404
    duplicate = await client.post(
        "/api/v1/invitations", headers=owner.headers, json={"email": "new@example.com"}
    )
    assert duplicate.status_code == 409
