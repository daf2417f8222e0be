"""Each platform client against the running emulator over real HTTP: text, image, carousel,
threads of replies, recent posts, publishing limits and token refresh."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import httpx

from icop.emulators.platforms import EmulatorServer
from icop.syndication.platforms.base import (
    AccountAuth,
    MediaUpload,
    OutgoingPost,
    Platform,
    PlatformClient,
    PublishLimit,
)

from .conftest import add_account, received

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
IMG = [MediaUpload(url="https://cdn.example/a.jpg")]
TWO = [MediaUpload(url="https://cdn.example/a.jpg"), MediaUpload(url="https://cdn.example/b.jpeg")]


def since() -> datetime:
    return datetime.now(UTC) - timedelta(minutes=1)


async def test_facebook_text_link_photo_and_multi_photo(
    clients: Mapping[Platform, PlatformClient], emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    page = await add_account(http, emulator, Platform.FACEBOOK)
    fb = clients[Platform.FACEBOOK]
    text = await fb.publish(page, OutgoingPost(text="Hello", link_url="https://example.com/a"))
    photo = await fb.publish(page, OutgoingPost(text="One", media=IMG))
    multi = await fb.publish(page, OutgoingPost(text="Two", media=TWO))
    assert text.platform_post_id.startswith(f"{page.account_id}_")
    assert text.rate is not None and text.rate.usage_percent is not None
    posts = {p["id"]: p for p in await received(http, emulator, Platform.FACEBOOK, page.account_id)}
    assert posts[text.platform_post_id]["link"] == "https://example.com/a"
    assert posts[photo.platform_post_id]["media"] == ["https://cdn.example/a.jpg"]
    assert len(posts[multi.platform_post_id]["media"]) == 2
    recent = await fb.recent_posts(page, since=since())
    assert [p.platform_post_id for p in recent] == [
        multi.platform_post_id,
        photo.platform_post_id,
        text.platform_post_id,
    ]
    assert recent[0].text == "Two"
    assert await fb.publishing_limit(page) is None


async def test_instagram_image_carousel_limit_and_recent(
    clients: Mapping[Platform, PlatformClient], emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    ig_account = await add_account(http, emulator, Platform.INSTAGRAM, publishing_limit=25)
    ig = clients[Platform.INSTAGRAM]
    single = await ig.publish(ig_account, OutgoingPost(text="Caption #one", media=IMG))
    carousel = await ig.publish(ig_account, OutgoingPost(text="Carousel", media=TWO))
    posts = await received(http, emulator, Platform.INSTAGRAM, ig_account.account_id)
    assert [p["kind"] for p in posts] == ["IMAGE", "CAROUSEL"]
    assert posts[1]["media"] == ["https://cdn.example/a.jpg", "https://cdn.example/b.jpeg"]
    assert await ig.publishing_limit(ig_account) == PublishLimit(used=2, total=25, window_s=86400)
    recent = await ig.recent_posts(ig_account, since=since())
    assert [p.platform_post_id for p in recent] == [
        carousel.platform_post_id,
        single.platform_post_id,
    ]


async def test_threads_text_image_carousel_reply_chain(
    clients: Mapping[Platform, PlatformClient], emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    account = await add_account(http, emulator, Platform.THREADS)
    threads = clients[Platform.THREADS]
    first = await threads.publish(account, OutgoingPost(text="1/2 hello", topic_tag="news"))
    reply = await threads.publish(
        account, OutgoingPost(text="2/2", reply_to=first.platform_post_id)
    )
    await threads.publish(account, OutgoingPost(text="pic", media=IMG))
    await threads.publish(account, OutgoingPost(text="pics", media=TWO))
    posts = await received(http, emulator, Platform.THREADS, account.account_id)
    assert posts[0]["topic_tag"] == "news"
    assert posts[1]["reply_to"] == first.platform_post_id
    assert [p["kind"] for p in posts] == ["TEXT", "TEXT", "IMAGE", "CAROUSEL"]
    limit = await threads.publishing_limit(account)
    assert limit == PublishLimit(used=3, total=250, window_s=86400)  # the reply does not count
    recent = await threads.recent_posts(account, since=since())
    assert len(recent) == 4
    assert (reply.platform_post_id, first.platform_post_id) in {
        (p.platform_post_id, p.reply_to) for p in recent
    }


async def test_threads_refresh_returns_a_working_token(
    clients: Mapping[Platform, PlatformClient], emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    account = await add_account(http, emulator, Platform.THREADS)
    grant = await clients[Platform.THREADS].refresh(account)
    assert grant.access_token != account.access_token
    assert grant.expires_at is not None and grant.expires_at > datetime.now(UTC) + timedelta(
        days=59
    )
    renewed = AccountAuth(Platform.THREADS, account.account_id, grant.access_token)
    await clients[Platform.THREADS].publish(renewed, OutgoingPost(text="after refresh"))


async def test_x_thread_with_media_recent_and_refresh(
    clients: Mapping[Platform, PlatformClient], emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    user = await add_account(http, emulator, Platform.X)
    x = clients[Platform.X]
    head = await x.publish(
        user, OutgoingPost(text="A thread 🧵", media=[MediaUpload(content=JPEG, alt_text="alt")])
    )
    tail = await x.publish(user, OutgoingPost(text="second part", reply_to=head.platform_post_id))
    assert head.rate is not None and head.rate.remaining == 99 and head.rate.limit == 100
    assert tail.rate is not None and tail.rate.remaining == 98
    posts = await received(http, emulator, Platform.X, user.account_id)
    assert len(posts[0]["media"]) == 1 and posts[1]["reply_to"] == head.platform_post_id
    recent = await x.recent_posts(user, since=since())
    assert [(p.platform_post_id, p.reply_to) for p in recent] == [
        (tail.platform_post_id, head.platform_post_id),
        (head.platform_post_id, None),
    ]
    grant = await x.refresh(user)
    assert grant.refresh_token and grant.refresh_token != user.refresh_token
    renewed = AccountAuth(Platform.X, user.account_id, grant.access_token, grant.refresh_token)
    await x.publish(renewed, OutgoingPost(text="after refresh"))


async def test_concurrent_publishes_get_distinct_ids(
    clients: Mapping[Platform, PlatformClient], emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    account = await add_account(http, emulator, Platform.THREADS)
    results = await asyncio.gather(
        *(clients[Platform.THREADS].publish(account, OutgoingPost(text=f"p{n}")) for n in range(50))
    )
    assert len({r.platform_post_id for r in results}) == 50
    assert len(await received(http, emulator, Platform.THREADS, account.account_id)) == 50
