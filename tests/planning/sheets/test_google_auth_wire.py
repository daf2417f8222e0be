"""What the Sheets credentials send to the OAuth token endpoint (respx), and how its answers come
back: the service-account JWT-bearer grant, the refresh-token grant, errors, caching."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

import httpx
import jwt
import pytest
import respx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from icop.planning.sheets import (
    OAuthUserToken,
    ServiceAccountKey,
    SheetAuthFailed,
    SheetUnavailable,
)
from icop.planning.sheets.auth import SCOPE, ServiceAccountTokens, UserTokens

# A key's own token_uri (the emulator's, a proxy's): the grant must go there, not to Google.
TOKEN_URI = "http://127.0.0.1:8765/oauth/token"
EMAIL = "planner@proj.iam.gserviceaccount.com"
REFRESH = "1//refresh-secret"
CLIENT_SECRET = "GOCSPX-client-secret"


@pytest.fixture(scope="module")
def private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def key(private_key: rsa.RSAPrivateKey) -> ServiceAccountKey:
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return ServiceAccountKey.from_json(
        json.dumps(
            {
                "type": "service_account",
                "client_email": EMAIL,
                "private_key_id": "kid-7",
                "private_key": pem,
                "token_uri": TOKEN_URI,
            }
        )
    )


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


def _user(**overrides: Any) -> OAuthUserToken:
    values: dict[str, Any] = {
        "access_token": None,
        "refresh_token": REFRESH,
        "client_id": "client-id",
        "client_secret": CLIENT_SECRET,
        "token_uri": TOKEN_URI,
    }
    values.update(overrides)
    return OAuthUserToken(**values)


def _form(request: httpx.Request) -> dict[str, list[str]]:
    return parse_qs(request.content.decode())


# --- service account ----------------------------------------------------------------------


async def test_service_account_grant_goes_to_the_keys_token_uri(
    mock: respx.MockRouter, key: ServiceAccountKey, private_key: rsa.RSAPrivateKey
) -> None:
    route = mock.post(TOKEN_URI).respond(json={"access_token": "ya29.sa", "expires_in": 3599})
    assert await ServiceAccountTokens(key).token() == "ya29.sa"
    assert route.call_count == 1
    request = route.calls.last.request
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    form = _form(request)
    assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
    assertion = form["assertion"][0]
    assert jwt.get_unverified_header(assertion) == {"alg": "RS256", "kid": "kid-7", "typ": "JWT"}
    # Signed with the key's private key, addressed to the token_uri it is posted to.
    claims = jwt.decode(
        assertion, private_key.public_key(), algorithms=["RS256"], audience=TOKEN_URI
    )
    assert claims["iss"] == EMAIL
    assert claims["scope"] == SCOPE
    assert claims["exp"] - claims["iat"] == 3600
    assert abs(claims["iat"] - time.time()) < 60


async def test_service_account_token_is_cached_until_shortly_before_expiry(
    mock: respx.MockRouter, key: ServiceAccountKey
) -> None:
    route = mock.post(TOKEN_URI).mock(
        side_effect=[
            httpx.Response(200, json={"access_token": "ya29.one", "expires_in": 3600}),
            httpx.Response(200, json={"access_token": "ya29.two", "expires_in": 3600}),
            httpx.Response(200, json={"access_token": "ya29.three", "expires_in": 3600}),
        ]
    )
    now = [time.time()]
    tokens = ServiceAccountTokens(key, clock=lambda: now[0])
    assert await tokens.token() == "ya29.one"
    now[0] += 3000
    assert await tokens.token() == "ya29.one"
    assert route.call_count == 1
    now[0] += 560  # less than a minute left: refreshed before it can die mid-request
    assert await tokens.token() == "ya29.two"
    assert await tokens.token(force=True) == "ya29.three"
    assert route.call_count == 3


async def test_concurrent_callers_share_one_refresh(
    mock: respx.MockRouter, key: ServiceAccountKey
) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        time.sleep(0.2)  # in the worker thread
        return httpx.Response(200, json={"access_token": "ya29.shared", "expires_in": 3600})

    route = mock.post(TOKEN_URI).mock(side_effect=slow)
    tokens = ServiceAccountTokens(key)
    assert await asyncio.gather(*(tokens.token() for _ in range(5))) == ["ya29.shared"] * 5
    assert route.call_count == 1


async def test_the_refresh_does_not_block_the_event_loop(
    mock: respx.MockRouter, key: ServiceAccountKey
) -> None:
    threads: list[threading.Thread] = []

    def slow(request: httpx.Request) -> httpx.Response:
        threads.append(threading.current_thread())
        time.sleep(0.3)
        return httpx.Response(200, json={"access_token": "ya29.slow", "expires_in": 3600})

    mock.post(TOKEN_URI).mock(side_effect=slow)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:
        assert await ServiceAccountTokens(key).token() == "ya29.slow"
    finally:
        ticker.cancel()
    assert threads and threads[0] is not threading.main_thread()
    assert ticks >= 3  # the loop kept running while the token endpoint was slow


async def test_a_key_that_cannot_sign_is_an_auth_failure(mock: respx.MockRouter) -> None:
    route = mock.post(TOKEN_URI)
    key = ServiceAccountKey(client_email=EMAIL, private_key="not a PEM", token_uri=TOKEN_URI)
    with pytest.raises(SheetAuthFailed, match="cannot sign") as raised:
        await ServiceAccountTokens(key).token()
    assert not raised.value.retryable
    assert route.call_count == 0
    assert "not a PEM" not in str(raised.value) and "not a PEM" not in repr(key)


async def test_refused_assertion_is_an_auth_failure(
    mock: respx.MockRouter, key: ServiceAccountKey
) -> None:
    mock.post(TOKEN_URI).respond(
        400, json={"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
    )
    with pytest.raises(SheetAuthFailed, match="Invalid JWT Signature") as raised:
        await ServiceAccountTokens(key).token()
    assert raised.value.http_status == 400
    assert EMAIL in str(raised.value)
    assert "PRIVATE KEY" not in str(raised.value)


# --- refresh token ------------------------------------------------------------------------


async def test_refresh_grant_posts_the_refresh_token_and_our_client(
    mock: respx.MockRouter,
) -> None:
    route = mock.post(TOKEN_URI).respond(
        json={"access_token": "ya29.user", "expires_in": 1800, "token_type": "Bearer"}
    )
    stored: list[OAuthUserToken] = []

    async def keep(token: OAuthUserToken) -> None:
        stored.append(token)

    tokens = UserTokens(_user(), on_refresh=keep)
    assert await tokens.token() == "ya29.user"
    assert _form(route.calls.last.request) == {
        "grant_type": ["refresh_token"],
        "refresh_token": [REFRESH],
        "client_id": ["client-id"],
        "client_secret": [CLIENT_SECRET],
    }
    assert len(stored) == 1 and stored[0].access_token == "ya29.user"
    assert stored[0].refresh_token == REFRESH
    assert stored[0].expires_at is not None
    remaining = (stored[0].expires_at - datetime.now(UTC)).total_seconds()
    assert 1700 < remaining <= 1800
    # Cached: the next caller gets it without another grant.
    assert await tokens.token() == "ya29.user"
    assert route.call_count == 1


async def test_a_rotated_refresh_token_is_handed_back_to_be_stored(
    mock: respx.MockRouter,
) -> None:
    mock.post(TOKEN_URI).respond(
        json={"access_token": "ya29.user", "expires_in": 3600, "refresh_token": "1//rotated"}
    )
    stored: list[OAuthUserToken] = []

    async def keep(token: OAuthUserToken) -> None:
        stored.append(token)

    await UserTokens(_user(), on_refresh=keep).token()
    assert stored[0].refresh_token == "1//rotated"


async def test_revoked_grant_is_an_auth_failure_without_secrets(
    mock: respx.MockRouter,
) -> None:
    route = mock.post(TOKEN_URI).respond(
        400,
        json={"error": "invalid_grant", "error_description": "Token has been expired or revoked."},
    )
    tokens = UserTokens(_user())
    with pytest.raises(SheetAuthFailed, match="invalid_grant") as raised:
        await tokens.token()
    assert not raised.value.retryable
    assert raised.value.http_status == 400
    assert route.call_count == 1
    for secret in (REFRESH, CLIENT_SECRET):
        assert secret not in str(raised.value)
        assert secret not in repr(raised.value.extra)
        assert secret not in repr(tokens)
        assert secret not in repr(tokens.credentials)


@pytest.mark.parametrize("status", [500, 503, 429])
async def test_token_endpoint_failing_is_unavailable_after_one_request(
    mock: respx.MockRouter, status: int
) -> None:
    route = mock.post(TOKEN_URI).respond(status, json={"error": "internal_failure"})
    with pytest.raises(SheetUnavailable, match=str(status)) as raised:
        await UserTokens(_user()).token()
    assert raised.value.retryable
    assert raised.value.http_status == status
    # google-auth's own retries (blocking sleeps) are not used: the Sheets client retries.
    assert route.call_count == 1


async def test_token_endpoint_unreachable_is_unavailable(mock: respx.MockRouter) -> None:
    mock.post(TOKEN_URI).mock(side_effect=httpx.ConnectError("connection refused"))
    with pytest.raises(SheetUnavailable, match="ConnectError") as raised:
        await UserTokens(_user()).token()
    assert raised.value.retryable


async def test_an_answer_without_access_token_is_an_auth_failure(
    mock: respx.MockRouter,
) -> None:
    mock.post(TOKEN_URI).respond(json={"token_type": "Bearer"})
    with pytest.raises(SheetAuthFailed, match="No access token"):
        await UserTokens(_user()).token()


async def test_a_user_token_without_refresh_token_is_not_refreshed(
    mock: respx.MockRouter,
) -> None:
    route = mock.post(TOKEN_URI)
    with pytest.raises(SheetAuthFailed, match="cannot be refreshed"):
        await UserTokens(_user(refresh_token=None, access_token="ya29.old")).token(force=True)
    assert route.call_count == 0
