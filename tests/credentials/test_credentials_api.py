"""The credential endpoints: metadata out, ciphertext at rest, nothing secret in logs."""

from __future__ import annotations

import logging
from pathlib import Path
from uuid import UUID

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from icop.credentials import service
from icop.credentials.vault import Keyring, KeySource
from icop.db.session import unit_of_work
from icop.runtime.clients import Runtime
from tests.helpers import ApiClient

ACCESS = "EAAB-super-secret-access-token-0123456789"
REFRESH = "rt-super-secret-refresh-token-9876543210"


async def test_create_list_get_delete(
    client: ApiClient,
    caplog: pytest.LogCaptureFixture,
    connection: AsyncConnection,
    context: Runtime,
) -> None:
    caplog.set_level(logging.DEBUG)
    owner = await client.signup()
    created = await client.post(
        "/api/v1/credentials",
        headers=owner.headers,
        json={
            "platform": "facebook",
            "label": "Main page",
            "access_token": ACCESS,
            "refresh_token": REFRESH,
            "expires_at": "2030-01-01T00:00:00Z",
            "scopes": ["pages_manage_posts"],
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["has_refresh_token"] is True and body["scopes"] == ["pages_manage_posts"]
    listed = await client.get("/api/v1/credentials", headers=owner.headers)
    fetched = await client.get(f"/api/v1/credentials/{body['id']}", headers=owner.headers)
    for response in (created, listed, fetched):
        assert ACCESS not in response.text and REFRESH not in response.text
    duplicate = await client.post(
        "/api/v1/credentials",
        headers=owner.headers,
        json={"platform": "facebook", "label": "Main page", "access_token": "other"},
    )
    assert duplicate.status_code == 409

    # At rest: only ciphertext, under the primary key.
    await connection.execute(
        text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(owner.tenant_id)}
    )
    dump = (await connection.execute(text("SELECT * FROM api_credentials"))).all()
    flat = repr(dump)
    assert ACCESS not in flat and REFRESH not in flat
    assert ACCESS.encode() not in b"".join(
        bytes(v) for row in dump for v in row if isinstance(v, bytes | memoryview)
    )

    # The vault decrypts for platform clients, and the repr hides the tokens.
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        credential = await service.get(session, UUID(body["id"]))
        tokens = service.decrypt(context.keyring, credential)
    assert tokens.access_token == ACCESS and tokens.refresh_token == REFRESH
    assert ACCESS not in repr(tokens)

    assert (
        await client.delete(f"/api/v1/credentials/{body['id']}", headers=owner.headers)
    ).status_code == 204
    assert (
        await client.get(f"/api/v1/credentials/{body['id']}", headers=owner.headers)
    ).status_code == 404
    assert ACCESS not in caplog.text and REFRESH not in caplog.text


async def test_reencrypt_moves_rows_to_the_new_key(
    client: ApiClient,
    context: Runtime,
    sessionmaker: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    keyring = Keyring(KeySource(None, tmp_path / "keys.json"))
    context.keyring = keyring
    owner = await client.signup()
    for label in ("a", "b", "c"):
        response = await client.post(
            "/api/v1/credentials",
            headers=owner.headers,
            json={"platform": "x", "label": label, "access_token": f"{ACCESS}-{label}"},
        )
        assert response.status_code == 201
    old_key = keyring.primary_key_id
    new_key = keyring.add_key()
    async with unit_of_work(sessionmaker, owner.tenant_id) as session:
        assert await service.reencrypt_tenant(session, keyring, batch_size=2) == 3
    listed = (await client.get("/api/v1/credentials", headers=owner.headers)).json()
    assert {c["key_id"] for c in listed} == {new_key} != {old_key}
    async with unit_of_work(sessionmaker, owner.tenant_id) as session:
        for item in listed:
            credential = await service.get(session, UUID(item["id"]))
            assert service.decrypt(keyring, credential).access_token.startswith(ACCESS)
