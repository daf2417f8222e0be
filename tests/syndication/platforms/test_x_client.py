"""X API v2 client at the wire level (respx): create post, media upload, rate headers, errors,
recent posts and the OAuth 2.0 refresh (public and confidential clients)."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from icop.syndication.platforms.base import (
    AmbiguousOutcome,
    AuthExpired,
    MediaUpload,
    OutgoingPost,
    PermissionDenied,
    Platform,
    PlatformBadRequest,
    PlatformRateLimited,
    TransientError,
)
from icop.syndication.platforms.x import XClient

from .conftest import TOKEN, assert_no_secret, auth_for

API = "https://api.x.test"
AUTH = auth_for(Platform.X, "2244", refresh="rt-1")
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def client(http: httpx.AsyncClient, secret: str | None = None) -> XClient:
    return XClient(http, base_url=API, client_id="cid", client_secret=secret)


def problem(status: int, title: str, detail: str) -> dict[str, object]:
    return {"title": title, "detail": detail, "type": "about:blank", "status": status}


async def test_text_reply_posts_json_and_reads_rate_headers(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    reset = int(time.time()) + 600
    route = mock.post(f"{API}/2/tweets").respond(
        201,
        json={"data": {"id": "1850", "text": "Hi", "edit_history_tweet_ids": ["1850"]}},
        headers={
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": "97",
            "x-rate-limit-reset": str(reset),
        },
    )
    result = await client(http).publish(AUTH, OutgoingPost(text="Hi", reply_to="1849"))
    assert result.platform_post_id == "1850"
    assert result.permalink == "https://x.com/i/web/status/1850"
    assert json.loads(route.calls.last.request.content) == {
        "text": "Hi",
        "reply": {"in_reply_to_tweet_id": "1849"},
    }
    assert route.calls.last.request.headers["authorization"] == f"Bearer {TOKEN}"
    rate = result.rate
    assert rate is not None and (rate.remaining, rate.limit) == (97, 100)
    assert rate.reset_at == datetime.fromtimestamp(reset, UTC)


async def test_the_daily_cap_binds_when_it_has_fewer_left(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    now = int(time.time())
    mock.post(f"{API}/2/tweets").respond(
        201,
        json={"data": {"id": "1"}},
        headers={
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": "99",
            "x-rate-limit-reset": str(now + 900),
            "x-user-limit-24hour-limit": "17",
            "x-user-limit-24hour-remaining": "3",
            "x-user-limit-24hour-reset": str(now + 80000),
        },
    )
    result = await client(http).publish(AUTH, OutgoingPost(text="Hi"))
    assert result.rate is not None
    assert (result.rate.remaining, result.rate.limit) == (3, 17)


async def test_images_upload_first_with_alt_text(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    upload = mock.post(f"{API}/2/media/upload").mock(
        side_effect=[
            httpx.Response(200, json={"data": {"id": m, "media_key": f"3_{m}"}})
            for m in ("m1", "m2")
        ]
    )
    meta = mock.post(f"{API}/2/media/metadata").respond(200, json={"data": {"id": "m1"}})
    tweet = mock.post(f"{API}/2/tweets").respond(201, json={"data": {"id": "9"}})
    media = [MediaUpload(content=JPEG, alt_text="A cat"), MediaUpload(content=JPEG)]
    await client(http).publish(AUTH, OutgoingPost(text="Pics", media=media))
    sent = upload.calls[0].request
    assert sent.headers["content-type"].startswith("multipart/form-data")
    assert b'name="media_category"\r\n\r\ntweet_image' in sent.content
    assert JPEG in sent.content
    assert json.loads(meta.calls.last.request.content) == {
        "id": "m1",
        "metadata": {"alt_text": {"text": "A cat"}},
    }
    assert json.loads(tweet.calls.last.request.content)["media"] == {"media_ids": ["m1", "m2"]}


async def test_429_waits_until_the_exhausted_window_resets(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    reset = int(time.time()) + 420
    mock.post(f"{API}/2/tweets").respond(
        429,
        json=problem(429, "Too Many Requests", "Too Many Requests"),
        headers={
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(reset),
        },
    )
    with pytest.raises(PlatformRateLimited) as caught:
        await client(http).publish(AUTH, OutgoingPost(text="x"))
    assert caught.value.reset_at == datetime.fromtimestamp(reset, UTC)
    assert_no_secret(caught.value)


async def test_429_on_the_daily_cap_uses_its_reset(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    now = int(time.time())
    mock.post(f"{API}/2/tweets").respond(
        429,
        json=problem(429, "Too Many Requests", "Too Many Requests"),
        headers={
            "x-rate-limit-remaining": "50",
            "x-rate-limit-reset": str(now + 60),
            "x-user-limit-24hour-remaining": "0",
            "x-user-limit-24hour-reset": str(now + 5000),
        },
    )
    with pytest.raises(PlatformRateLimited) as caught:
        await client(http).publish(AUTH, OutgoingPost(text="x"))
    assert caught.value.reset_at == datetime.fromtimestamp(now + 5000, UTC)


async def test_429_without_headers_waits_a_full_window(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    mock.post(f"{API}/2/tweets").respond(429, json=problem(429, "Too Many Requests", "x"))
    with pytest.raises(PlatformRateLimited) as caught:
        await client(http).publish(AUTH, OutgoingPost(text="x"))
    assert caught.value.reset_at - datetime.now(UTC) > timedelta(minutes=14)


@pytest.mark.parametrize(
    ("status", "body", "expected", "message"),
    [
        (401, problem(401, "Unauthorized", "Unauthorized"), AuthExpired, None),
        (
            403,
            problem(
                403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."
            ),
            PlatformBadRequest,
            "duplicate content",
        ),
        (
            403,
            {
                "title": "Unsupported Authentication",
                "detail": "Authenticating with OAuth 2.0 Application-Only is forbidden",
                "type": "https://api.twitter.com/2/problems/unsupported-authentication",
                "status": 403,
            },
            PermissionDenied,
            None,
        ),
        (
            400,
            {
                "errors": [{"parameters": {"text": []}, "message": "Text too long"}],
                "title": "Invalid Request",
                "type": "https://api.twitter.com/2/problems/invalid-request",
            },
            PlatformBadRequest,
            "Text too long",
        ),
        (503, problem(503, "Service Unavailable", "Service Unavailable"), AmbiguousOutcome, None),
    ],
)
async def test_create_errors_map_to_the_contract(
    mock: respx.MockRouter,
    http: httpx.AsyncClient,
    status: int,
    body: dict[str, object],
    expected: type[Exception],
    message: str | None,
) -> None:
    mock.post(f"{API}/2/tweets").respond(status, json=body)
    with pytest.raises(expected) as caught:
        await client(http).publish(AUTH, OutgoingPost(text="x"))
    assert_no_secret(caught.value)
    if message:
        assert message in (caught.value.platform_message or "")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (httpx.ReadTimeout("slow"), AmbiguousOutcome),
        (httpx.RemoteProtocolError("closed"), AmbiguousOutcome),
        (httpx.ConnectError("refused"), TransientError),
    ],
)
async def test_transport_failures_on_create(
    mock: respx.MockRouter, http: httpx.AsyncClient, error: Exception, expected: type[Exception]
) -> None:
    mock.post(f"{API}/2/tweets").mock(side_effect=error)
    with pytest.raises(expected):
        await client(http).publish(AUTH, OutgoingPost(text="x"))


async def test_upload_failures_are_transient_never_ambiguous(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    mock.post(f"{API}/2/media/upload").mock(side_effect=httpx.ReadTimeout("slow"))
    tweet = mock.post(f"{API}/2/tweets")
    with pytest.raises(TransientError):
        await client(http).publish(AUTH, OutgoingPost(text="x", media=[MediaUpload(content=JPEG)]))
    assert tweet.call_count == 0


async def test_recent_posts_with_start_time_and_replies(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    route = mock.get(f"{API}/2/users/2244/tweets").respond(
        200,
        json={
            "data": [
                {
                    "id": "3",
                    "text": "b",
                    "created_at": "2026-03-01T10:00:00.000Z",
                    "referenced_tweets": [{"type": "replied_to", "id": "2"}],
                },
                {"id": "2", "text": "a", "created_at": "2026-03-01T09:00:00.000Z"},
            ],
            "meta": {"result_count": 2},
        },
    )
    posts = await client(http).recent_posts(AUTH, since=datetime(2026, 3, 1, tzinfo=UTC), limit=2)
    assert [(p.platform_post_id, p.reply_to) for p in posts] == [("3", "2"), ("2", None)]
    params = route.calls.last.request.url.params
    assert params["start_time"] == "2026-03-01T00:00:00Z"
    assert params["max_results"] == "5"
    mock.get(f"{API}/2/users/2244/tweets").respond(200, json={"meta": {"result_count": 0}})
    assert await client(http).recent_posts(AUTH, since=datetime.now(UTC)) == []


async def test_recent_posts_server_error_is_transient(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    mock.get(f"{API}/2/users/2244/tweets").respond(500)
    with pytest.raises(TransientError):
        await client(http).recent_posts(AUTH, since=datetime.now(UTC))


async def test_refresh_public_client_sends_client_id_in_the_body(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    route = mock.post(f"{API}/2/oauth2/token").respond(
        200,
        json={
            "token_type": "bearer",
            "expires_in": 7200,
            "access_token": "new",
            "scope": "tweet.read tweet.write offline.access",
            "refresh_token": "rt-2",
        },
    )
    grant = await client(http).refresh(AUTH)
    assert (grant.access_token, grant.refresh_token) == ("new", "rt-2")
    assert "offline.access" in grant.scopes
    assert grant.expires_at is not None
    assert timedelta(minutes=119) < grant.expires_at - datetime.now(UTC) <= timedelta(hours=2)
    sent = route.calls.last.request
    body = {k: v[0] for k, v in parse_qs(sent.content.decode()).items()}
    assert body == {"grant_type": "refresh_token", "refresh_token": "rt-1", "client_id": "cid"}
    assert "authorization" not in sent.headers


async def test_refresh_confidential_client_uses_basic_auth(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    route = mock.post(f"{API}/2/oauth2/token").respond(
        200, json={"access_token": "new", "expires_in": 7200, "token_type": "bearer"}
    )
    grant = await client(http, secret="shh").refresh(AUTH)
    assert grant.refresh_token == "rt-1"  # kept when none comes back
    expected = base64.b64encode(b"cid:shh").decode()
    assert route.calls.last.request.headers["authorization"] == f"Basic {expected}"


async def test_refused_refresh_means_reconnect(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    mock.post(f"{API}/2/oauth2/token").respond(
        400,
        json={
            "error": "invalid_request",
            "error_description": "Value passed for the token was invalid.",
        },
    )
    with pytest.raises(PermissionDenied) as caught:
        await client(http).refresh(AUTH)
    assert caught.value.platform_message == "Value passed for the token was invalid."
    with pytest.raises(PermissionDenied):
        await client(http).refresh(auth_for(Platform.X, "2244"))
