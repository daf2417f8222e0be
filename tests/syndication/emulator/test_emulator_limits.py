"""The emulator enforces the platforms' limits and formats, and the clients turn its refusals
into the contract's errors."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime

import httpx
import pytest

from icop.emulators.platforms import EmulatorServer
from icop.syndication.platforms.base import (
    AuthExpired,
    MediaUpload,
    OutgoingPost,
    Platform,
    PlatformBadRequest,
    PlatformClient,
    PlatformRateLimited,
    PublishLimit,
)

from .conftest import add_account, received

IMG = [MediaUpload(url="https://cdn.example/a.jpg")]


async def test_instagram_caption_length_and_jpeg_only(
    clients: Mapping[Platform, PlatformClient], emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    account = await add_account(http, emulator, Platform.INSTAGRAM)
    ig = clients[Platform.INSTAGRAM]
    with pytest.raises(PlatformBadRequest, match="2200"):
        await ig.publish(account, OutgoingPost(text="a" * 2201, media=IMG))
    await ig.publish(account, OutgoingPost(text="a" * 2200, media=IMG))
    with pytest.raises(PlatformBadRequest, match="JPEG") as caught:
        await ig.publish(
            account, OutgoingPost(text="png", media=[MediaUpload(url="https://c/a.png")])
        )
    assert caught.value.platform_code == "9004/2207052"
    with pytest.raises(PlatformBadRequest, match="hashtags"):
        await ig.publish(
            account, OutgoingPost(text=" ".join(f"#t{i}" for i in range(31)), media=IMG)
        )


async def test_instagram_publishing_limit_refuses_with_the_wait(
    clients: Mapping[Platform, PlatformClient], emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    account = await add_account(http, emulator, Platform.INSTAGRAM, publishing_limit=2)
    ig = clients[Platform.INSTAGRAM]
    for n in range(2):
        await ig.publish(account, OutgoingPost(text=f"post {n}", media=IMG))
    assert await ig.publishing_limit(account) == PublishLimit(used=2, total=2, window_s=86400)
    with pytest.raises(PlatformRateLimited) as caught:
        await ig.publish(account, OutgoingPost(text="third", media=IMG))
    # The oldest post leaves the rolling window in just under 24 h.
    wait = (caught.value.reset_at - datetime.now(UTC)).total_seconds()
    assert 23.9 * 3600 < wait < 24.1 * 3600
    emulator.state.advance(86_401)
    await ig.publish(account, OutgoingPost(text="next day", media=IMG))


async def test_threads_500_characters_and_250_posts(
    clients: Mapping[Platform, PlatformClient], emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    account = await add_account(http, emulator, Platform.THREADS)
    threads = clients[Platform.THREADS]
    with pytest.raises(PlatformBadRequest, match="500"):
        await threads.publish(account, OutgoingPost(text="a" * 501))
    with pytest.raises(PlatformBadRequest, match="JPEG and PNG"):
        await threads.publish(
            account, OutgoingPost(text="gif", media=[MediaUpload(url="https://c/a.gif")])
        )
    for n in range(250):
        await threads.publish(account, OutgoingPost(text=f"post {n}"))
    with pytest.raises(PlatformRateLimited):
        await threads.publish(account, OutgoingPost(text="one too many"))
    assert len(await received(http, emulator, Platform.THREADS, account.account_id)) == 250


async def test_x_weighted_length_and_duplicates(
    clients: Mapping[Platform, PlatformClient], emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    user = await add_account(http, emulator, Platform.X)
    x = clients[Platform.X]
    await x.publish(user, OutgoingPost(text="漢" * 140))  # 140 CJK characters weigh 280
    with pytest.raises(PlatformBadRequest, match="too long"):
        await x.publish(user, OutgoingPost(text="漢" * 141))
    await x.publish(user, OutgoingPost(text="same words"))
    with pytest.raises(PlatformBadRequest, match="duplicate content") as caught:
        await x.publish(user, OutgoingPost(text="same words"))
    assert caught.value.http_status == 403


async def test_x_per_user_window_with_rate_headers(
    clients: Mapping[Platform, PlatformClient], emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    user = await add_account(http, emulator, Platform.X, publishing_limit=3)
    other = await add_account(http, emulator, Platform.X, publishing_limit=3)
    x = clients[Platform.X]
    remaining = []
    for n in range(3):
        result = await x.publish(user, OutgoingPost(text=f"n{n}"))
        assert result.rate is not None
        remaining.append(result.rate.remaining)
    assert remaining == [2, 1, 0]
    started = time.time()
    with pytest.raises(PlatformRateLimited) as caught:
        await x.publish(user, OutgoingPost(text="over"))
    assert 890 < caught.value.reset_at.timestamp() - started <= 901
    await x.publish(other, OutgoingPost(text="another user has its own window"))
    emulator.state.advance(901)
    await x.publish(user, OutgoingPost(text="new window"))


async def test_x_daily_cap_headers(
    clients: Mapping[Platform, PlatformClient], emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    user = await add_account(http, emulator, Platform.X, daily_limit=1)
    x = clients[Platform.X]
    first = await x.publish(user, OutgoingPost(text="only one today"))
    assert first.rate is not None and (first.rate.remaining, first.rate.limit) == (0, 1)
    with pytest.raises(PlatformRateLimited) as caught:
        await x.publish(user, OutgoingPost(text="second"))
    assert caught.value.reset_at.timestamp() - time.time() > 86_000


@pytest.mark.parametrize("platform", [Platform.FACEBOOK, Platform.THREADS, Platform.X])
async def test_tokens_expire_after_their_lifetime(
    platform: Platform,
    clients: Mapping[Platform, PlatformClient],
    emulator: EmulatorServer,
    http: httpx.AsyncClient,
) -> None:
    account = await add_account(http, emulator, platform, token_ttl_s=60)
    await clients[platform].publish(account, OutgoingPost(text="fresh"))
    emulator.state.advance(61)
    with pytest.raises(AuthExpired) as caught:
        await clients[platform].publish(account, OutgoingPost(text="stale"))
    assert account.access_token not in str(caught.value)
    assert caught.value.platform_code == ("401" if platform is Platform.X else "190/463")


async def test_admin_reset_forgets_everything(
    emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    await add_account(http, emulator, Platform.X)
    assert (await http.post(f"{emulator.url}/_emulator/reset")).status_code == 200
    assert emulator.state.accounts == {}
