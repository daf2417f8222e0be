"""The exact requests the Sheets client sends (respx), against Google's documented shapes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import parse_qs

import httpx
import jwt
import pytest
import respx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from icop.config import Settings
from icop.kit.token_bucket import TokenBucket
from icop.planning.sheets import (
    OAuthUserToken,
    RowUpdate,
    ServiceAccountKey,
    SheetAuthFailed,
    SheetLocator,
    SheetPermissionDenied,
    SheetRateLimited,
    SheetUnavailable,
    credentials_from_vault,
    google_credentials,
    open_sheet,
)
from icop.planning.sheets.auth import UserTokens
from icop.planning.sheets.google import GoogleSheet, GoogleSheetsClient, RetryPolicy

API = "https://sheets.googleapis.com/v4/spreadsheets"
TOKEN = "https://oauth2.googleapis.com/token"
SHEET_ID = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def _settings() -> Settings:
    return Settings(
        google_sheets_requests_per_minute=60_000,
        google_sheets_backoff_base_s=0.001,
        google_sheets_backoff_max_s=0.01,
    )


def _user() -> OAuthUserToken:
    return OAuthUserToken(
        access_token="ya29.access",
        refresh_token="1//refresh",
        expires_at=datetime.now(UTC) + timedelta(hours=1),
        client_id="client-id",
        client_secret="client-secret",
    )


def _sheet(http: httpx.AsyncClient, range_a1: str = "ContentPlan!A2:E") -> GoogleSheet:
    source = open_sheet(
        SheetLocator.google(SHEET_ID, range_a1),
        settings=_settings(),
        http=http,
        credentials=_user(),
    )
    assert isinstance(source, GoogleSheet)
    return source


@respx.mock
async def test_values_get_request(http: httpx.AsyncClient) -> None:
    route = respx.get(f"{API}/{SHEET_ID}/values/%27My%20Plan%27%21A2%3AE").respond(
        json={
            "range": "'My Plan'!A2:E1000",
            "majorDimension": "ROWS",
            "values": [["Compost", "ready"], [], ["Balcony"]],
        }
    )
    sheet = _sheet(http, "'My Plan'!A2:E")
    assert await sheet.read("'My Plan'!A2:E") == [["Compost", "ready"], [], ["Balcony"]]
    request = route.calls.last.request
    # The range is one path segment: "!", ":", "'" and spaces are all percent-encoded.
    assert (
        request.url.raw_path
        == (
            f"/v4/spreadsheets/{SHEET_ID}/values/%27My%20Plan%27%21A2%3AE"
            "?valueRenderOption=FORMATTED_VALUE&majorDimension=ROWS"
        ).encode()
    )
    assert request.headers["authorization"] == "Bearer ya29.access"


@respx.mock
async def test_values_get_without_values_key(http: httpx.AsyncClient) -> None:
    respx.get(f"{API}/{SHEET_ID}/values/ContentPlan%21A2%3AE").respond(
        json={"range": "ContentPlan!A2:E1000", "majorDimension": "ROWS"}
    )
    assert await _sheet(http).read("ContentPlan!A2:E") == []


@respx.mock
async def test_batch_update_request(http: httpx.AsyncClient) -> None:
    route = respx.post(f"{API}/{SHEET_ID}/values:batchUpdate").respond(
        json={"spreadsheetId": SHEET_ID, "totalUpdatedCells": 4, "responses": []}
    )
    sheet = _sheet(http)
    await sheet.write(
        [
            RowUpdate(
                2, status="done", sub_topics=["Bins", "Browns"], article_urls=["https://a/1"]
            ),
            RowUpdate(3, notes="+1 555 0100"),
        ]
    )
    assert route.call_count == 1
    request = route.calls.last.request
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {
        "valueInputOption": "RAW",
        "data": [
            {
                "range": "ContentPlan!B2:D2",
                "majorDimension": "ROWS",
                "values": [["done", "Bins\nBrowns", "https://a/1"]],
            },
            {"range": "ContentPlan!E3", "majorDimension": "ROWS", "values": [["'+1 555 0100"]]},
        ],
    }


@respx.mock
async def test_user_token_refresh_request(http: httpx.AsyncClient) -> None:
    token = respx.post(TOKEN).respond(
        json={
            "access_token": "ya29.new",
            "expires_in": 3599,
            "token_type": "Bearer",
            "scope": "https://www.googleapis.com/auth/spreadsheets",
        }
    )
    api = respx.get(f"{API}/{SHEET_ID}/values/ContentPlan%21A1").mock(
        side_effect=[
            httpx.Response(
                401,
                json={
                    "error": {
                        "code": 401,
                        "message": "Request had invalid authentication credentials.",
                        "status": "UNAUTHENTICATED",
                    }
                },
            ),
            httpx.Response(
                200,
                json={"range": "ContentPlan!A1", "majorDimension": "ROWS", "values": [["Topic"]]},
            ),
        ]
    )
    assert await _sheet(http).read("ContentPlan!A1") == [["Topic"]]
    assert parse_qs(token.calls.last.request.content.decode()) == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["1//refresh"],
        "client_id": ["client-id"],
        "client_secret": ["client-secret"],
    }
    assert api.calls.last.request.headers["authorization"] == "Bearer ya29.new"


@respx.mock
async def test_service_account_assertion(http: httpx.AsyncClient) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key = ServiceAccountKey.from_json(
        json.dumps(
            {
                "type": "service_account",
                "client_email": "planner@proj.iam.gserviceaccount.com",
                "private_key_id": "kid-1",
                "private_key": private.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                ).decode(),
                "token_uri": TOKEN,
            }
        )
    )
    assert "PRIVATE" not in repr(key)
    token = respx.post(TOKEN).respond(json={"access_token": "ya29.sa", "expires_in": 3599})
    respx.get(f"{API}/{SHEET_ID}/values/ContentPlan%21A1").respond(
        json={"range": "ContentPlan!A1", "majorDimension": "ROWS"}
    )
    source = open_sheet(
        SheetLocator.google(SHEET_ID), settings=_settings(), http=http, credentials=key
    )
    await source.read("ContentPlan!A1")
    form = parse_qs(token.calls.last.request.content.decode())
    assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
    assertion = form["assertion"][0]
    assert jwt.get_unverified_header(assertion) == {"alg": "RS256", "kid": "kid-1", "typ": "JWT"}
    claims = jwt.decode(assertion, private.public_key(), algorithms=["RS256"], audience=TOKEN)
    assert claims["iss"] == "planner@proj.iam.gserviceaccount.com"
    assert claims["scope"] == "https://www.googleapis.com/auth/spreadsheets"
    assert claims["exp"] - claims["iat"] == 3600


def _client(
    http: httpx.AsyncClient, slept: list[float], user: OAuthUserToken | None = None
) -> GoogleSheetsClient:
    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    return GoogleSheetsClient(
        SHEET_ID,
        http=http,
        tokens=UserTokens(user or _user()),
        principal="the connected Google account",
        bucket=TokenBucket(60_000),
        retry=RetryPolicy(max_retries=3, base_s=1.0, max_s=8.0, max_wait_s=60.0),
        sleep=sleep,
        rand=lambda: 0.0,
    )


def _error(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(
        status, headers=headers, json={"error": {"code": status, "message": "try later"}}
    )


@respx.mock
async def test_5xx_backs_off_exponentially_and_honours_retry_after(
    http: httpx.AsyncClient,
) -> None:
    route = respx.get(f"{API}/{SHEET_ID}/values/ContentPlan%21A1").mock(
        side_effect=[
            _error(500),
            httpx.ConnectError("reset"),
            _error(503, **{"Retry-After": "7"}),
            httpx.Response(200, json={"range": "ContentPlan!A1", "values": [["Topic"]]}),
        ]
    )
    slept: list[float] = []
    answer = await _client(http, slept).get_values("ContentPlan!A1")
    assert answer.values == [["Topic"]]
    assert route.call_count == 4
    assert slept == [1.0, 2.0, 7.0]  # 1, 2, then Retry-After over the 4 s backoff


@respx.mock
async def test_retries_run_out_with_the_last_failure(http: httpx.AsyncClient) -> None:
    route = respx.get(f"{API}/{SHEET_ID}/values/ContentPlan%21A1").mock(return_value=_error(503))
    slept: list[float] = []
    with pytest.raises(SheetUnavailable, match="HTTP 503") as raised:
        await _client(http, slept).get_values("ContentPlan!A1")
    assert raised.value.http_status == 503
    assert route.call_count == 4  # the first try and three retries
    assert slept == [1.0, 2.0, 4.0]


@respx.mock
async def test_a_request_error_is_not_retried(http: httpx.AsyncClient) -> None:
    route = respx.get(f"{API}/{SHEET_ID}/values/ContentPlan%21A1").respond(
        403, json={"error": {"code": 403, "message": "denied", "status": "PERMISSION_DENIED"}}
    )
    slept: list[float] = []
    with pytest.raises(SheetPermissionDenied):
        await _client(http, slept).get_values("ContentPlan!A1")
    assert route.call_count == 1 and slept == []


@respx.mock
async def test_token_endpoint_outage_is_retried_like_the_api(http: httpx.AsyncClient) -> None:
    token = respx.post(TOKEN).mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(200, json={"access_token": "ya29.late", "expires_in": 3600}),
        ]
    )
    api = respx.get(f"{API}/{SHEET_ID}/values/ContentPlan%21A1").respond(
        json={"range": "ContentPlan!A1", "values": [["Topic"]]}
    )
    slept: list[float] = []
    expired = OAuthUserToken(
        access_token=None,
        refresh_token="1//refresh",
        client_id="client-id",
        client_secret="client-secret",
    )
    answer = await _client(http, slept, expired).get_values("ContentPlan!A1")
    assert answer.values == [["Topic"]]
    assert token.call_count == 2 and slept == [1.0]
    assert api.calls.last.request.headers["authorization"] == "Bearer ya29.late"


@respx.mock
async def test_a_second_401_after_the_refresh_is_an_auth_failure(
    http: httpx.AsyncClient,
) -> None:
    token = respx.post(TOKEN).respond(json={"access_token": "ya29.new", "expires_in": 3600})
    api = respx.get(f"{API}/{SHEET_ID}/values/ContentPlan%21A1").respond(
        401, json={"error": {"code": 401, "message": "bad token", "status": "UNAUTHENTICATED"}}
    )
    slept: list[float] = []
    with pytest.raises(SheetAuthFailed, match="reconnect the Google account"):
        await _client(http, slept).get_values("ContentPlan!A1")
    # One refresh, one retry with the new token, no backoff.
    assert token.call_count == 1 and api.call_count == 2 and slept == []
    assert api.calls.last.request.headers["authorization"] == "Bearer ya29.new"


@respx.mock
async def test_a_long_retry_after_goes_back_to_the_caller(http: httpx.AsyncClient) -> None:
    route = respx.get(f"{API}/{SHEET_ID}/values/ContentPlan%21A1").mock(
        return_value=_error(503, **{"Retry-After": "90"})
    )
    slept: list[float] = []
    with pytest.raises(SheetRateLimited, match="HTTP 503") as raised:
        await _client(http, slept).get_values("ContentPlan!A1")
    assert raised.value.retry_after_s == 90 and raised.value.retryable
    assert route.call_count == 1 and slept == []


@respx.mock
async def test_rate_limit_with_http_date_retry_after(http: httpx.AsyncClient) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(minutes=5), usegmt=True)
    respx.get(f"{API}/{SHEET_ID}/values/ContentPlan%21A1").respond(
        429,
        headers={"Retry-After": later},
        json={"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}},
    )
    with pytest.raises(SheetRateLimited) as raised:
        await _sheet(http).read("ContentPlan!A1")
    assert raised.value.retry_after_s is not None and 250 < raised.value.retry_after_s <= 300
    assert raised.value.headers()["Retry-After"]


def test_credentials_from_the_vault() -> None:
    class Tokens:
        def __init__(self, access: str, refresh: str | None) -> None:
            self.access_token = access
            self.refresh_token = refresh
            self.expires_at = None

    settings = Settings(google_oauth_client_id="cid", google_oauth_client_secret="secret")
    user = google_credentials(Tokens("ya29.x", "1//r"), settings)
    assert isinstance(user, OAuthUserToken)
    assert (user.client_id, user.client_secret, user.token_uri) == ("cid", "secret", TOKEN)
    assert "ya29" not in repr(user)
    key = credentials_from_vault(
        Tokens(
            json.dumps({"type": "service_account", "client_email": "a@b", "private_key": "k"}), None
        )
    )
    assert isinstance(key, ServiceAccountKey) and key.client_email == "a@b"
