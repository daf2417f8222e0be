"""Facebook Pages client at the wire level (respx), shapes from the Pages API docs."""

from __future__ import annotations

import json
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
from icop.syndication.platforms.facebook import FacebookPagesClient

from .conftest import TOKEN, assert_no_secret, auth_for

GRAPH = "https://graph.test/v24.0"
AUTH = auth_for(Platform.FACEBOOK, "555")


def form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


def client(http: httpx.AsyncClient) -> FacebookPagesClient:
    return FacebookPagesClient(http, base_url=GRAPH)


def meta_error(code: int, message: str, status: int = 400, **extra: object) -> dict[str, object]:
    return {
        "error": {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "fbtrace_id": "Abc",
            **extra,
        }
    }


async def test_text_post_sends_message_with_bearer_and_reads_usage(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    route = mock.post(f"{GRAPH}/555/feed").respond(
        200,
        json={"id": "555_999"},
        headers={
            "X-App-Usage": json.dumps({"call_count": 12, "total_time": 40, "total_cputime": 3})
        },
    )
    result = await client(http).publish(AUTH, OutgoingPost(text="Hello", link_url="https://e.com"))
    assert result.platform_post_id == "555_999"
    assert result.rate is not None and result.rate.usage_percent == 40
    sent = route.calls.last.request
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in str(sent.url)
    assert form(sent) == {"message": "Hello", "link": "https://e.com"}


async def test_single_photo_uses_photos_edge_and_returns_the_post_id(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    route = mock.post(f"{GRAPH}/555/photos").respond(200, json={"id": "77", "post_id": "555_77"})
    result = await client(http).publish(
        AUTH, OutgoingPost(text="Cap", media=[MediaUpload(url="https://cdn/a.jpg")])
    )
    assert result.platform_post_id == "555_77"
    assert form(route.calls.last.request) == {"url": "https://cdn/a.jpg", "caption": "Cap"}


async def test_multi_photo_uploads_unpublished_then_attaches(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    photos = mock.post(f"{GRAPH}/555/photos").mock(
        side_effect=[httpx.Response(200, json={"id": "p1"}), httpx.Response(200, json={"id": "p2"})]
    )
    feed = mock.post(f"{GRAPH}/555/feed").respond(200, json={"id": "555_3"})
    media = [MediaUpload(url="https://cdn/a.jpg"), MediaUpload(url="https://cdn/b.jpg")]
    result = await client(http).publish(AUTH, OutgoingPost(text="Two", media=media))
    assert result.platform_post_id == "555_3"
    assert [form(c.request)["published"] for c in photos.calls] == ["false", "false"]
    sent = form(feed.calls.last.request)
    assert json.loads(sent["attached_media[0]"]) == {"media_fbid": "p1"}
    assert json.loads(sent["attached_media[1]"]) == {"media_fbid": "p2"}


async def test_recent_posts_passes_since_and_parses_times(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    since = datetime(2026, 1, 1, tzinfo=UTC)
    route = mock.get(f"{GRAPH}/555/posts").respond(
        200,
        json={
            "data": [
                {"id": "555_2", "message": "b", "created_time": "2026-01-02T10:00:00+0000"},
                {"id": "555_1", "created_time": "2026-01-01T09:00:00+0000"},
            ]
        },
    )
    posts = await client(http).recent_posts(AUTH, since=since)
    assert [p.platform_post_id for p in posts] == ["555_2", "555_1"]
    assert posts[0].created_at == datetime(2026, 1, 2, 10, tzinfo=UTC)
    assert posts[1].text == ""
    assert route.calls.last.request.url.params["since"] == str(int(since.timestamp()))


@pytest.mark.parametrize(
    ("status", "body", "headers", "expected"),
    [
        (400, meta_error(190, "Session has expired", error_subcode=463), {}, AuthExpired),
        (403, meta_error(200, "(#200) Permissions error"), {}, PermissionDenied),
        (400, meta_error(10, "(#10) Not enough permission"), {}, PermissionDenied),
        (400, meta_error(100, "(#100) Invalid parameter"), {}, PlatformBadRequest),
        (
            500,
            meta_error(2, "Service temporarily unavailable", is_transient=True),
            {},
            AmbiguousOutcome,
        ),
        (503, {}, {}, AmbiguousOutcome),
    ],
)
async def test_feed_errors_map_to_the_contract(
    mock: respx.MockRouter,
    http: httpx.AsyncClient,
    status: int,
    body: dict[str, object],
    headers: dict[str, str],
    expected: type[Exception],
) -> None:
    mock.post(f"{GRAPH}/555/feed").respond(status, json=body, headers=headers)
    with pytest.raises(expected) as caught:
        await client(http).publish(AUTH, OutgoingPost(text="x"))
    assert_no_secret(caught.value)
    if expected is PlatformBadRequest:
        assert caught.value.platform_message == "(#100) Invalid parameter"  # type: ignore[attr-defined]


async def test_rate_limit_waits_for_the_buc_estimate(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    usage = {
        "555": [
            {
                "type": "pages",
                "call_count": 100,
                "total_cputime": 20,
                "total_time": 30,
                "estimated_time_to_regain_access": 30,
            }
        ]
    }
    mock.post(f"{GRAPH}/555/feed").respond(
        400,
        json=meta_error(80001, "There have been too many calls to this Page account"),
        headers={"X-Business-Use-Case-Usage": json.dumps(usage)},
    )
    before = datetime.now(UTC)
    with pytest.raises(PlatformRateLimited) as caught:
        await client(http).publish(AUTH, OutgoingPost(text="x"))
    wait = caught.value.reset_at - before
    assert timedelta(minutes=29) < wait <= timedelta(minutes=31)
    assert caught.value.rate is not None and caught.value.rate.usage_percent == 100
    assert caught.value.rate.regain_after_s == 1800


async def test_rate_limit_without_estimate_uses_a_safe_default(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    mock.post(f"{GRAPH}/555/feed").respond(400, json=meta_error(4, "Application request limit"))
    with pytest.raises(PlatformRateLimited) as caught:
        await client(http).publish(AUTH, OutgoingPost(text="x"))
    assert caught.value.reset_at - datetime.now(UTC) > timedelta(minutes=59)


async def test_server_error_on_a_read_is_transient(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    mock.get(f"{GRAPH}/555/posts").respond(500, json=meta_error(1, "An unknown error occurred"))
    with pytest.raises(TransientError):
        await client(http).recent_posts(AUTH, since=datetime.now(UTC))


async def test_unpublished_photo_failure_is_transient_not_ambiguous(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    mock.post(f"{GRAPH}/555/photos").respond(500, json=meta_error(2, "x", is_transient=True))
    media = [MediaUpload(url="https://cdn/a.jpg"), MediaUpload(url="https://cdn/b.jpg")]
    with pytest.raises(TransientError):
        await client(http).publish(AUTH, OutgoingPost(text="x", media=media))


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (httpx.ReadTimeout("timed out"), AmbiguousOutcome),
        (httpx.RemoteProtocolError("peer closed connection"), AmbiguousOutcome),
        (httpx.ConnectError("refused"), TransientError),
        (httpx.ConnectTimeout("connect timeout"), TransientError),
    ],
)
async def test_transport_failures_on_the_create_call(
    mock: respx.MockRouter, http: httpx.AsyncClient, error: Exception, expected: type[Exception]
) -> None:
    mock.post(f"{GRAPH}/555/feed").mock(side_effect=error)
    with pytest.raises(expected) as caught:
        await client(http).publish(AUTH, OutgoingPost(text="x"))
    assert_no_secret(caught.value)


async def test_timeout_on_a_read_is_transient(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    mock.get(f"{GRAPH}/555/posts").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(TransientError):
        await client(http).recent_posts(AUTH, since=datetime.now(UTC))


async def test_page_tokens_cannot_be_refreshed(http: httpx.AsyncClient) -> None:
    with pytest.raises(PermissionDenied):
        await client(http).refresh(AUTH)
    assert await client(http).publishing_limit(AUTH) is None


async def test_an_unpublished_photo_without_an_id_posts_nothing(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    mock.post(f"{GRAPH}/555/photos").respond(200, json={"success": True})
    feed = mock.post(f"{GRAPH}/555/feed")
    media = [MediaUpload(url="https://cdn/a.jpg"), MediaUpload(url="https://cdn/b.jpg")]
    with pytest.raises(PlatformBadRequest, match="without an id"):
        await client(http).publish(AUTH, OutgoingPost(text="x", media=media))
    assert feed.call_count == 0
