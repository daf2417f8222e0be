"""Every malformed, forged or replayed token is rejected."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key

from icop.runtime.clients import Runtime
from tests.helpers import Account, ApiClient


def _claims(account: Account, context: Runtime, **overrides: Any) -> dict[str, Any]:
    decoded = jwt.decode(account.access_token, options={"verify_signature": False})
    decoded.update(overrides)
    return decoded


async def _me(client: ApiClient, token: str) -> int:
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    if response.status_code == 401:
        assert response.headers["content-type"].startswith("application/problem+json")
    return response.status_code


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_valid_token_is_accepted(client: ApiClient) -> None:
    account = await client.signup()
    assert await _me(client, account.access_token) == 200


async def test_alg_none_is_rejected(client: ApiClient, context: Runtime) -> None:
    account = await client.signup()
    token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(account, context))}."
    assert await _me(client, token) == 401


async def test_token_signed_with_another_key_is_rejected(
    client: ApiClient, context: Runtime
) -> None:
    account = await client.signup()
    token = jwt.encode(_claims(account, context), Ed25519PrivateKey.generate(), algorithm="EdDSA")
    assert await _me(client, token) == 401


async def test_hmac_with_the_public_key_as_secret_is_rejected(
    client: ApiClient, context: Runtime
) -> None:
    """The HS/RS (here HS/EdDSA) confusion attack: sign HS256 using the public key bytes."""
    account = await client.signup()
    public_pem = context.tokens.public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = _b64({"alg": "HS256", "typ": "JWT"})
    payload = _b64(_claims(account, context))
    import hashlib
    import hmac

    signature = (
        base64.urlsafe_b64encode(
            hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        )
        .rstrip(b"=")
        .decode()
    )
    assert await _me(client, f"{header}.{payload}.{signature}") == 401


async def test_rs256_token_is_rejected(client: ApiClient, context: Runtime) -> None:
    account = await client.signup()
    rsa_key = generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(_claims(account, context), rsa_key, algorithm="RS256")
    assert await _me(client, token) == 401


@pytest.mark.parametrize(
    "overrides",
    [
        {"exp": int(time.time()) - 60},
        {"aud": "someone-else"},
        {"iss": "evil"},
        {"typ": "refresh"},
        {"tid": "00000000-0000-0000-0000-000000000000"},
    ],
    ids=["expired", "wrong-aud", "wrong-iss", "wrong-typ", "foreign-tenant-claim"],
)
async def test_wrong_claims_are_rejected(
    client: ApiClient, context: Runtime, overrides: dict[str, Any]
) -> None:
    account = await client.signup()
    private_key = context.tokens._private_key
    token = jwt.encode(_claims(account, context, **overrides), private_key, algorithm="EdDSA")
    assert await _me(client, token) == 401


async def test_tampered_payload_is_rejected(client: ApiClient, context: Runtime) -> None:
    account = await client.signup()
    other = await client.signup("Other")
    header, _, signature = account.access_token.split(".")
    forged_payload = _b64(_claims(account, context, tid=str(other.tenant_id)))
    assert await _me(client, f"{header}.{forged_payload}.{signature}") == 401


async def test_refresh_token_is_not_an_access_token(client: ApiClient) -> None:
    account = await client.signup()
    assert await _me(client, account.refresh_token) == 401


async def test_access_token_is_not_a_refresh_token(client: ApiClient) -> None:
    account = await client.signup()
    response = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": account.access_token}
    )
    assert response.status_code == 401


async def test_refresh_rotates_and_reuse_revokes_the_family(client: ApiClient) -> None:
    account = await client.signup()
    first = await client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    assert first.status_code == 200
    rotated = first.json()
    assert rotated["refresh_token"] != account.refresh_token
    assert await _me(client, rotated["access_token"]) == 200

    replay = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": account.refresh_token}
    )
    assert replay.status_code == 401
    assert replay.json()["code"] == "refresh_token_reused"

    # The whole family is gone: the legitimately rotated pair no longer works either.
    assert await _me(client, rotated["access_token"]) == 401
    again = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]}
    )
    assert again.status_code == 401


async def test_garbage_and_wrong_scheme(client: ApiClient) -> None:
    assert await _me(client, "not-a-jwt") == 401
    response = await client.get("/api/v1/me", headers={"Authorization": "Basic abc"})
    assert response.status_code == 401
    response = await client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
