"""Instagram and Threads clients at the wire level (respx): containers, status polling,
publish, limits, recent posts, Threads token refresh, and their error paths."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from icop.syndication.platforms.base import (
    AccountAuth,
    AmbiguousOutcome,
    AuthExpired,
    MediaUpload,
    OutgoingPost,
    PermissionDenied,
    Platform,
    PlatformBadRequest,
    PlatformRateLimited,
    PublishLimit,
    TransientError,
)
from icop.syndication.platforms.instagram import InstagramClient
from icop.syndication.platforms.threads import ThreadsClient

from .conftest import TOKEN, assert_no_secret, auth_for

GRAPH = "https://graph.test/v24.0"
THREADS = "https://threads.test"
IG = auth_for(Platform.INSTAGRAM, "1784")
TH = auth_for(Platform.THREADS, "42")
IMG = [MediaUpload(url="https://cdn/a.jpg")]
TWO = [MediaUpload(url="https://cdn/a.jpg"), MediaUpload(url="https://cdn/b.jpg")]


def form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


def instagram(http: httpx.AsyncClient, timeout_s: float = 1.0) -> InstagramClient:
    return InstagramClient(http, base_url=GRAPH, poll_interval_s=0.01, poll_timeout_s=timeout_s)


def threads(http: httpx.AsyncClient) -> ThreadsClient:
    return ThreadsClient(http, base_url=THREADS, poll_interval_s=0.01, poll_timeout_s=1.0)


def status(*codes: str) -> list[httpx.Response]:
    return [httpx.Response(200, json={"status_code": c, "id": "c1"}) for c in codes]


# --- Instagram ---------------------------------------------------------------------------------
async def test_instagram_single_image_polls_until_finished_then_publishes(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    create = mock.post(f"{GRAPH}/1784/media").respond(200, json={"id": "c1"})
    poll = mock.get(f"{GRAPH}/c1").mock(side_effect=status("IN_PROGRESS", "FINISHED"))
    publish = mock.post(f"{GRAPH}/1784/media_publish").respond(200, json={"id": "m9"})
    result = await instagram(http).publish(IG, OutgoingPost(text="Caption", media=IMG))
    assert result.platform_post_id == "m9"
    assert form(create.calls.last.request) == {
        "image_url": "https://cdn/a.jpg",
        "caption": "Caption",
    }
    assert poll.call_count == 2
    assert poll.calls.last.request.url.params["fields"] == "status_code,status"
    assert form(publish.calls.last.request) == {"creation_id": "c1"}


async def test_instagram_carousel_children_then_carousel_container(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    create = mock.post(f"{GRAPH}/1784/media").mock(
        side_effect=[httpx.Response(200, json={"id": i}) for i in ("k1", "k2", "car")]
    )
    for cid in ("k1", "k2", "car"):
        mock.get(f"{GRAPH}/{cid}").respond(200, json={"status_code": "FINISHED"})
    mock.post(f"{GRAPH}/1784/media_publish").respond(200, json={"id": "m1"})
    await instagram(http).publish(IG, OutgoingPost(text="C", media=TWO))
    sent = [form(call.request) for call in create.calls]
    assert sent[0] == {"image_url": "https://cdn/a.jpg", "is_carousel_item": "true"}
    assert sent[2] == {"media_type": "CAROUSEL", "children": "k1,k2", "caption": "C"}


async def test_instagram_container_error_is_a_bad_request(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    mock.post(f"{GRAPH}/1784/media").respond(200, json={"id": "c1"})
    mock.get(f"{GRAPH}/c1").respond(200, json={"status_code": "ERROR", "status": "Error: 2207026"})
    publish = mock.post(f"{GRAPH}/1784/media_publish")
    with pytest.raises(PlatformBadRequest, match="2207026"):
        await instagram(http).publish(IG, OutgoingPost(text="C", media=IMG))
    assert publish.call_count == 0


async def test_instagram_container_still_processing_at_deadline_is_transient(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    mock.post(f"{GRAPH}/1784/media").respond(200, json={"id": "c1"})
    mock.get(f"{GRAPH}/c1").respond(200, json={"status_code": "IN_PROGRESS"})
    with pytest.raises(TransientError):
        await instagram(http, timeout_s=0.05).publish(IG, OutgoingPost(text="C", media=IMG))


async def test_instagram_container_polls_start_fast_and_back_off(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    """A container the platform has ready at once is published after a quarter of a second,
    not the whole interval; a slow one is asked about at growing waits up to the interval."""
    mock.post(f"{GRAPH}/1784/media").respond(200, json={"id": "c1"})
    seen: list[float] = []
    loop = asyncio.get_running_loop()

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(loop.time())
        return status("IN_PROGRESS" if len(seen) < 5 else "FINISHED")[0]

    mock.get(f"{GRAPH}/c1").mock(side_effect=answer)
    mock.post(f"{GRAPH}/1784/media_publish").respond(200, json={"id": "m9"})
    client = InstagramClient(
        http, base_url=GRAPH, poll_interval_s=0.4, poll_timeout_s=10.0, poll_first_s=0.05
    )
    await client.publish(IG, OutgoingPost(text="C", media=IMG))
    gaps = [later - earlier for earlier, later in itertools.pairwise(seen)]
    assert len(gaps) == 4
    for gap, planned in zip(gaps, [0.05, 0.1, 0.2, 0.4], strict=True):
        assert planned <= gap < planned + 0.15


async def test_instagram_adaptive_polls_still_time_out_at_the_deadline(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    """Still processing at the deadline: abandoned (transient, nothing visible), within the
    timeout and one last poll, however the waits were cut."""
    mock.post(f"{GRAPH}/1784/media").respond(200, json={"id": "c1"})
    poll = mock.get(f"{GRAPH}/c1").respond(200, json={"status_code": "IN_PROGRESS"})
    publish = mock.post(f"{GRAPH}/1784/media_publish").respond(200, json={"id": "m9"})
    client = InstagramClient(
        http, base_url=GRAPH, poll_interval_s=0.2, poll_timeout_s=0.5, poll_first_s=0.05
    )
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(TransientError, match="still processing"):
        await client.publish(IG, OutgoingPost(text="C", media=IMG))
    elapsed = loop.time() - started
    assert 0.5 <= elapsed < 0.9
    # 0.05 + 0.1 + 0.2 + 0.15 (cut to the deadline): five polls, the last at the deadline.
    assert poll.call_count == 5
    assert not publish.called


async def test_instagram_needs_an_image(http: httpx.AsyncClient) -> None:
    with pytest.raises(PlatformBadRequest):
        await instagram(http).publish(IG, OutgoingPost(text="no image"))


async def test_instagram_publishing_limit_reached_waits_for_the_window(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    mock.post(f"{GRAPH}/1784/media").respond(200, json={"id": "c1"})
    mock.get(f"{GRAPH}/c1").respond(200, json={"status_code": "FINISHED"})
    usage = {
        "1784": [{"type": "instagram", "call_count": 100, "estimated_time_to_regain_access": 90}]
    }
    mock.post(f"{GRAPH}/1784/media_publish").respond(
        400,
        json={
            "error": {
                "message": "Application request limit reached",
                "type": "OAuthException",
                "code": 9,
                "error_subcode": 2207042,
            }
        },
        headers={"X-Business-Use-Case-Usage": json.dumps(usage)},
    )
    with pytest.raises(PlatformRateLimited) as caught:
        await instagram(http).publish(IG, OutgoingPost(text="C", media=IMG))
    assert caught.value.platform_code == "9/2207042"
    assert caught.value.reset_at - datetime.now(UTC) > timedelta(minutes=89)


@pytest.mark.parametrize(
    ("side_effect", "expected"),
    [
        (
            httpx.Response(500, json={"error": {"code": 2, "message": "x", "is_transient": True}}),
            AmbiguousOutcome,
        ),
        (httpx.ReadTimeout("slow"), AmbiguousOutcome),
        (httpx.Response(400, json={"error": {"code": 190, "message": "expired"}}), AuthExpired),
        (httpx.Response(400, json={"error": {"code": 10, "message": "no"}}), PermissionDenied),
    ],
)
async def test_instagram_media_publish_errors(
    mock: respx.MockRouter,
    http: httpx.AsyncClient,
    side_effect: object,
    expected: type[Exception],
) -> None:
    mock.post(f"{GRAPH}/1784/media").respond(200, json={"id": "c1"})
    mock.get(f"{GRAPH}/c1").respond(200, json={"status_code": "FINISHED"})
    mock.post(f"{GRAPH}/1784/media_publish").mock(side_effect=side_effect)
    with pytest.raises(expected) as caught:
        await instagram(http).publish(IG, OutgoingPost(text="C", media=IMG))
    assert_no_secret(caught.value)


async def test_instagram_container_server_error_is_transient(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    mock.post(f"{GRAPH}/1784/media").respond(502)
    with pytest.raises(TransientError):
        await instagram(http).publish(IG, OutgoingPost(text="C", media=IMG))


async def test_instagram_limit_and_recent(mock: respx.MockRouter, http: httpx.AsyncClient) -> None:
    limit = mock.get(f"{GRAPH}/1784/content_publishing_limit").respond(
        200,
        json={"data": [{"quota_usage": 2, "config": {"quota_total": 50, "quota_duration": 86400}}]},
    )
    mock.get(f"{GRAPH}/1784/media").respond(
        200, json={"data": [{"id": "m1", "caption": "hi", "timestamp": "2026-03-01T00:00:00+0000"}]}
    )
    assert await instagram(http).publishing_limit(IG) == PublishLimit(
        used=2, total=50, window_s=86400
    )
    assert limit.calls.last.request.url.params["fields"] == "quota_usage,config"
    posts = await instagram(http).recent_posts(IG, since=datetime(2026, 2, 1, tzinfo=UTC))
    assert [(p.platform_post_id, p.text) for p in posts] == [("m1", "hi")]
    with pytest.raises(PermissionDenied):
        await instagram(http).refresh(IG)


# --- Threads -----------------------------------------------------------------------------------
async def test_threads_text_reply_with_topic_publishes_without_polling(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    create = mock.post(f"{THREADS}/v1.0/42/threads").respond(200, json={"id": "t1"})
    publish = mock.post(f"{THREADS}/v1.0/42/threads_publish").respond(200, json={"id": "p1"})
    result = await threads(http).publish(
        TH, OutgoingPost(text="Hi", reply_to="p0", topic_tag="news")
    )
    assert result.platform_post_id == "p1"
    assert form(create.calls.last.request) == {
        "media_type": "TEXT",
        "text": "Hi",
        "reply_to_id": "p0",
        "topic_tag": "news",
    }
    assert form(publish.calls.last.request) == {"creation_id": "t1"}
    assert create.calls.last.request.headers["authorization"] == f"Bearer {TOKEN}"


async def test_threads_carousel_polls_status(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    create = mock.post(f"{THREADS}/v1.0/42/threads").mock(
        side_effect=[httpx.Response(200, json={"id": i}) for i in ("a", "b", "car")]
    )
    for cid in ("a", "b"):
        mock.get(f"{THREADS}/v1.0/{cid}").respond(200, json={"status": "FINISHED"})
    poll = mock.get(f"{THREADS}/v1.0/car").mock(
        side_effect=[httpx.Response(200, json={"status": s}) for s in ("IN_PROGRESS", "FINISHED")]
    )
    mock.post(f"{THREADS}/v1.0/42/threads_publish").respond(200, json={"id": "p"})
    await threads(http).publish(TH, OutgoingPost(text="C", media=TWO))
    sent = [form(c.request) for c in create.calls]
    assert sent[0] == {
        "media_type": "IMAGE",
        "image_url": "https://cdn/a.jpg",
        "is_carousel_item": "true",
    }
    assert sent[2] == {"media_type": "CAROUSEL", "children": "a,b", "text": "C"}
    assert poll.call_count == 2


async def test_threads_container_error_message_is_shown(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    mock.post(f"{THREADS}/v1.0/42/threads").respond(200, json={"id": "i"})
    mock.get(f"{THREADS}/v1.0/i").respond(
        200, json={"status": "ERROR", "error_message": "FAILED_DOWNLOADING_VIDEO"}
    )
    with pytest.raises(PlatformBadRequest, match="FAILED_DOWNLOADING"):
        await threads(http).publish(TH, OutgoingPost(text="C", media=IMG))


async def test_threads_publish_timeout_is_ambiguous(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    mock.post(f"{THREADS}/v1.0/42/threads").respond(200, json={"id": "t1"})
    mock.post(f"{THREADS}/v1.0/42/threads_publish").mock(side_effect=httpx.ReadTimeout("x"))
    with pytest.raises(AmbiguousOutcome):
        await threads(http).publish(TH, OutgoingPost(text="Hi"))


async def test_threads_limit_recent_and_refresh(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    mock.get(f"{THREADS}/v1.0/42/threads_publishing_limit").respond(
        200,
        json={
            "data": [{"quota_usage": 7, "config": {"quota_total": 250, "quota_duration": 86400}}]
        },
    )
    mock.get(f"{THREADS}/v1.0/42/threads").respond(
        200, json={"data": [{"id": "p", "text": "t", "timestamp": "2026-03-01T00:00:00+0000"}]}
    )
    replies = mock.get(f"{THREADS}/v1.0/42/replies").respond(
        200,
        json={
            "data": [
                {
                    "id": "r",
                    "text": "2/2",
                    "timestamp": "2026-03-01T00:01:00+0000",
                    "replied_to": {"id": "p"},
                }
            ]
        },
    )
    refresh = mock.get(f"{THREADS}/refresh_access_token").respond(
        200, json={"access_token": "THnew", "token_type": "bearer", "expires_in": 5183944}
    )
    client = threads(http)
    assert await client.publishing_limit(TH) == PublishLimit(used=7, total=250, window_s=86400)
    recent = await client.recent_posts(TH, since=datetime(2026, 1, 1, tzinfo=UTC))
    assert [(p.platform_post_id, p.reply_to) for p in recent] == [("r", "p"), ("p", None)]
    assert "replied_to" in replies.calls.last.request.url.params["fields"]
    grant = await client.refresh(TH)
    assert grant.access_token == "THnew"
    assert grant.expires_at is not None and grant.expires_at > datetime.now(UTC) + timedelta(
        days=59
    )
    assert refresh.calls.last.request.url.params["grant_type"] == "th_refresh_token"
    assert TOKEN not in str(refresh.calls.last.request.url)


async def test_threads_refresh_of_an_expired_token_needs_a_reconnect(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    mock.get(f"{THREADS}/refresh_access_token").respond(
        400, json={"error": {"code": 190, "message": "Session has expired", "error_subcode": 463}}
    )
    with pytest.raises(PermissionDenied) as caught:
        await threads(http).refresh(TH)
    assert_no_secret(caught.value)


# --- the shared container → wait → publish flow (GraphClient._publish_container) ---------------
@pytest.mark.parametrize(
    ("client", "edge", "publish_edge", "auth", "field"),
    [
        (instagram, f"{GRAPH}/1784/media", f"{GRAPH}/1784/media_publish", IG, "status_code"),
        (threads, f"{THREADS}/v1.0/42/threads", f"{THREADS}/v1.0/42/threads_publish", TH, "status"),
    ],
)
async def test_a_publish_answer_without_an_id_is_ambiguous(
    mock: respx.MockRouter,
    http: httpx.AsyncClient,
    client: Callable[[httpx.AsyncClient], InstagramClient | ThreadsClient],
    edge: str,
    publish_edge: str,
    auth: AccountAuth,
    field: str,
) -> None:
    """The post may be live: only the publish call creates it, and it named no id."""
    mock.post(edge).respond(200, json={"id": "c1"})
    base = edge.rsplit("/", 2)[0]
    mock.get(f"{base}/c1").respond(200, json={field: "FINISHED"})
    publish = mock.post(publish_edge).respond(200, json={})
    with pytest.raises(AmbiguousOutcome):
        await client(http).publish(auth, OutgoingPost(text="C", media=IMG))
    assert publish.call_count == 1


@pytest.mark.parametrize(
    ("client", "edge", "publish_edge", "auth"),
    [
        (instagram, f"{GRAPH}/1784/media", f"{GRAPH}/1784/media_publish", IG),
        (threads, f"{THREADS}/v1.0/42/threads", f"{THREADS}/v1.0/42/threads_publish", TH),
    ],
)
async def test_a_container_without_an_id_publishes_nothing(
    mock: respx.MockRouter,
    http: httpx.AsyncClient,
    client: Callable[[httpx.AsyncClient], InstagramClient | ThreadsClient],
    edge: str,
    publish_edge: str,
    auth: AccountAuth,
) -> None:
    mock.post(edge).respond(200, json={"name": "no id"})
    publish = mock.post(publish_edge)
    with pytest.raises(PlatformBadRequest, match="without an id"):
        await client(http).publish(auth, OutgoingPost(text="C", media=IMG))
    assert publish.call_count == 0


async def test_carousel_children_are_all_ready_before_the_carousel_is_created(
    mock: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    """Order on the wire: children created, each polled to FINISHED, then the carousel container,
    polled, then media_publish with the carousel's id."""
    order: list[str] = []

    def created(request: httpx.Request) -> httpx.Response:
        sent = form(request)
        name = "car" if sent.get("media_type") == "CAROUSEL" else f"k{len(order)}"
        order.append(f"create {name}")
        return httpx.Response(200, json={"id": name})

    def polled(request: httpx.Request) -> httpx.Response:
        order.append(f"poll {request.url.path.rsplit('/', 1)[-1]}")
        return httpx.Response(200, json={"status_code": "FINISHED"})

    def published(request: httpx.Request) -> httpx.Response:
        order.append(f"publish {form(request)['creation_id']}")
        return httpx.Response(200, json={"id": "m1"})

    mock.post(f"{GRAPH}/1784/media").mock(side_effect=created)
    mock.get(url__regex=rf"^{GRAPH}/(k\d|car)\?").mock(side_effect=polled)
    mock.post(f"{GRAPH}/1784/media_publish").mock(side_effect=published)
    result = await instagram(http).publish(IG, OutgoingPost(text="C", media=TWO))
    assert result.platform_post_id == "m1"
    assert order == [
        "create k0",
        "create k1",
        "poll k0",
        "poll k1",
        "create car",
        "poll car",
        "publish car",
    ]
