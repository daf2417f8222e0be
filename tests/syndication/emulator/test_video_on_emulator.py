"""Video posts on the four emulated platforms over real HTTP: the Reels resumable upload
(including one interrupted and resumed from the server's offset), Facebook Page video, Threads
video, X's chunked upload with processing polled, processing failures, and an ambiguous reel
publish that reconciliation finds instead of posting twice."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from icop.emulators.platforms import EmulatorServer
from icop.syndication.platforms.base import (
    AmbiguousOutcome,
    MediaUpload,
    OutgoingPost,
    Platform,
    PlatformBadRequest,
    PlatformClient,
)
from icop.syndication.platforms.x import XClient
from icop.syndication.reconcile import find_match, recent_since

from .conftest import add_account, add_fault, received

# The emulator does not decode videos: any bytes stand for one (the rules tests use real MP4s).
CONTENT = bytes(range(256)) * 700  # 179,200 bytes
VIDEO = MediaUpload(
    url="https://cdn.example/reel.mp4",
    content=CONTENT,
    mime_type="video/mp4",
    cover_url="https://cdn.example/reel-cover.jpg",
)


def since() -> datetime:
    return datetime.now(UTC) - timedelta(minutes=1)


async def videos(http: httpx.AsyncClient, emulator: EmulatorServer) -> list[dict[str, Any]]:
    response = await http.get(f"{emulator.url}/_emulator/videos")
    response.raise_for_status()
    data: list[dict[str, Any]] = response.json()["data"]
    return data


class Wire:
    """The requests the clients sent, as (method, path) pairs."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def __call__(self, request: httpx.Request) -> None:
        self.calls.append((request.method, request.url.path))


@pytest.fixture
def wire(http: httpx.AsyncClient) -> Wire:
    recorder = Wire()
    http.event_hooks["request"].append(recorder)
    return recorder


async def test_a_reel_goes_through_the_resumable_upload_and_is_shown_by_the_emulator(
    clients: Mapping[Platform, PlatformClient],
    emulator: EmulatorServer,
    http: httpx.AsyncClient,
    wire: Wire,
) -> None:
    ig = await add_account(http, emulator, Platform.INSTAGRAM)
    published = await clients[Platform.INSTAGRAM].publish(
        ig, OutgoingPost(text="Our reel", media=[VIDEO])
    )
    [post] = await received(http, emulator, Platform.INSTAGRAM, ig.account_id)
    assert post["id"] == published.platform_post_id and post["kind"] == "REELS"
    [video] = await videos(http, emulator)
    assert post["media"] == [f"/_emulator/videos/{video['id']}"]
    assert video["sha256"] == hashlib.sha256(CONTENT).hexdigest()
    assert video["status"] == "FINISHED"
    served = await http.get(f"{emulator.url}{post['media'][0]}")
    assert served.content == CONTENT and served.headers["content-type"] == "video/mp4"
    paths = [path.split("/")[1] for _, path in wire.calls]
    assert paths.count("rupload.facebook.com") == 1


async def test_an_interrupted_reel_upload_resumes_from_the_servers_offset(
    clients: Mapping[Platform, PlatformClient],
    emulator: EmulatorServer,
    http: httpx.AsyncClient,
    wire: Wire,
) -> None:
    ig = await add_account(http, emulator, Platform.INSTAGRAM)
    await add_fault(http, emulator, platform="instagram", kind="interrupt_upload", on="upload")
    await clients[Platform.INSTAGRAM].publish(ig, OutgoingPost(text="Resumed", media=[VIDEO]))
    rupload = [(m, p) for m, p in wire.calls if p.startswith("/rupload.facebook.com/")]
    # The cut POST, the offset asked for, and the rest sent from there.
    assert [method for method, _ in rupload] == ["POST", "GET", "POST"]
    [video] = await videos(http, emulator)
    assert video["bytes"] == len(CONTENT) == video["file_size"]
    assert video["sha256"] == hashlib.sha256(CONTENT).hexdigest()
    assert len(await received(http, emulator, Platform.INSTAGRAM, ig.account_id)) == 1


async def test_processing_that_takes_time_is_polled_until_finished(
    clients: Mapping[Platform, PlatformClient], emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    emulator.state.video_processing_s = 0.2
    try:
        threads = await add_account(http, emulator, Platform.THREADS)
        published = await clients[Platform.THREADS].publish(
            threads, OutgoingPost(text="A Threads video", media=[VIDEO])
        )
    finally:
        emulator.state.video_processing_s = 0.0
    [post] = await received(http, emulator, Platform.THREADS, threads.account_id)
    assert post["id"] == published.platform_post_id and post["kind"] == "VIDEO"
    [video] = await videos(http, emulator)
    assert video["source_url"] == VIDEO.url


@pytest.mark.parametrize("platform", [Platform.INSTAGRAM, Platform.THREADS, Platform.X])
async def test_a_processing_error_fails_clearly_and_publishes_nothing(
    platform: Platform,
    clients: Mapping[Platform, PlatformClient],
    emulator: EmulatorServer,
    http: httpx.AsyncClient,
) -> None:
    account = await add_account(http, emulator, platform)
    await add_fault(http, emulator, platform=platform.value, kind="processing_error")
    with pytest.raises(PlatformBadRequest, match="could not be processed") as caught:
        await clients[platform].publish(account, OutgoingPost(text="Broken", media=[VIDEO]))
    assert caught.value.platform is platform
    assert await received(http, emulator, platform, account.account_id) == []


async def test_a_facebook_page_video_is_fetched_from_its_url_and_listed_with_the_page(
    clients: Mapping[Platform, PlatformClient], emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    page = await add_account(http, emulator, Platform.FACEBOOK)
    fb = clients[Platform.FACEBOOK]
    published = await fb.publish(page, OutgoingPost(text="Page video", media=[VIDEO]))
    [post] = await received(http, emulator, Platform.FACEBOOK, page.account_id)
    assert (post["id"], post["kind"], post["media"]) == (
        published.platform_post_id,
        "VIDEO",
        [VIDEO.url],
    )
    assert published.permalink == (
        f"https://www.facebook.com/{page.account_id}/videos/{published.platform_post_id}"
    )
    [remote] = await fb.recent_posts(page, since=since())
    assert remote.text == "Page video"


async def test_x_chunked_upload_in_segments_then_the_post_carries_the_media_id(
    emulator: EmulatorServer, http: httpx.AsyncClient, wire: Wire
) -> None:
    account = await add_account(http, emulator, Platform.X)
    x = XClient(http, base_url=f"{emulator.url}/api.x.com", chunk_bytes=64 * 1024)
    emulator.state.video_processing_s = 0.5  # one STATUS round (check_after_secs = 1)
    try:
        published = await x.publish(account, OutgoingPost(text="X video", media=[VIDEO]))
    finally:
        emulator.state.video_processing_s = 0.0
    [video] = await videos(http, emulator)
    [post] = await received(http, emulator, Platform.X, account.account_id)
    assert post["id"] == published.platform_post_id
    assert (post["media"], post["kind"]) == ([video["id"]], "VIDEO")
    assert video["sha256"] == hashlib.sha256(CONTENT).hexdigest()
    media_id = video["id"]
    on_x = [(m, p.removeprefix("/api.x.com")) for m, p in wire.calls if p.startswith("/api.x")]
    assert on_x == [
        ("POST", "/2/media/upload/initialize"),
        ("POST", f"/2/media/upload/{media_id}/append"),
        ("POST", f"/2/media/upload/{media_id}/append"),
        ("POST", f"/2/media/upload/{media_id}/append"),
        ("POST", f"/2/media/upload/{media_id}/finalize"),
        ("GET", "/2/media/upload"),
        ("POST", "/2/tweets"),
    ]


async def test_an_ambiguous_reel_publish_is_found_by_reconciliation_not_posted_again(
    clients: Mapping[Platform, PlatformClient], emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    """The publisher's rule for an answer that never came: look among the account's recent
    posts (icop.syndication.reconcile) before anything is sent again."""
    ig = await add_account(http, emulator, Platform.INSTAGRAM)
    ig_client = clients[Platform.INSTAGRAM]
    started = since()
    await add_fault(http, emulator, platform="instagram", kind="drop_after_create")
    with pytest.raises(AmbiguousOutcome):
        await ig_client.publish(ig, OutgoingPost(text="Exactly once", media=[VIDEO]))
    found = find_match(
        await recent_since(ig_client, ig, started), text="Exactly once", reply_to=None
    )
    [post] = await received(http, emulator, Platform.INSTAGRAM, ig.account_id)
    assert found is not None and found.platform_post_id == post["id"]


async def test_an_external_video_url_goes_to_instagram_as_video_url(
    clients: Mapping[Platform, PlatformClient],
    emulator: EmulatorServer,
    http: httpx.AsyncClient,
    wire: Wire,
) -> None:
    """Not ours, so no bytes: Instagram fetches it, no resumable upload."""
    ig = await add_account(http, emulator, Platform.INSTAGRAM)
    external = MediaUpload(url="https://videos.example/clip.mp4", mime_type="video/mp4")
    await clients[Platform.INSTAGRAM].publish(ig, OutgoingPost(text="Linked", media=[external]))
    [video] = await videos(http, emulator)
    assert video["source_url"] == "https://videos.example/clip.mp4"
    assert not any(path.startswith("/rupload.facebook.com/") for _, path in wire.calls)
    assert len(await received(http, emulator, Platform.INSTAGRAM, ig.account_id)) == 1
