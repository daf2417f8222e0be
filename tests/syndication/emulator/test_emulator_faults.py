"""Fault injection: every kind, per account or global, by count or probability — and what each
looks like to the clients."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from icop.emulators.platforms import EmulatorServer
from icop.syndication.platforms.base import (
    AmbiguousOutcome,
    AuthExpired,
    MediaUpload,
    OutgoingPost,
    Platform,
    PlatformClient,
    PlatformRateLimited,
    TransientError,
)
from icop.syndication.platforms.factory import build_platform_clients

from .conftest import add_account, add_fault, emulator_settings, received

IMG = [MediaUpload(url="https://cdn.example/a.jpg")]


def post_for(platform: Platform, text: str) -> OutgoingPost:
    return OutgoingPost(text=text, media=IMG if platform is Platform.INSTAGRAM else ())


@pytest.mark.parametrize("platform", list(Platform))
async def test_drop_after_create_makes_the_post_but_loses_the_answer(
    platform: Platform,
    clients: Mapping[Platform, PlatformClient],
    emulator: EmulatorServer,
    http: httpx.AsyncClient,
) -> None:
    account = await add_account(http, emulator, platform)
    await add_fault(
        http,
        emulator,
        platform=platform.value,
        account_id=account.account_id,
        kind="drop_after_create",
    )
    client = clients[platform]
    with pytest.raises(AmbiguousOutcome):
        await client.publish(account, post_for(platform, "maybe"))
    # It exists: reconciliation through recent posts finds it, and the fault was used up.
    assert [p["text"] for p in await received(http, emulator, platform, account.account_id)] == [
        "maybe"
    ]
    recent = await client.recent_posts(account, since=datetime.now(UTC) - timedelta(minutes=1))
    assert [p.text for p in recent] == ["maybe"]
    await client.publish(account, post_for(platform, "next"))


@pytest.mark.parametrize("platform", list(Platform))
async def test_server_error_on_create_is_ambiguous_and_creates_nothing(
    platform: Platform,
    clients: Mapping[Platform, PlatformClient],
    emulator: EmulatorServer,
    http: httpx.AsyncClient,
) -> None:
    account = await add_account(http, emulator, platform)
    await add_fault(http, emulator, platform=platform.value, kind="server_error", on="create")
    with pytest.raises(AmbiguousOutcome):
        await clients[platform].publish(account, post_for(platform, "x"))
    assert await received(http, emulator, platform, account.account_id) == []


async def test_server_error_on_a_read_is_transient(
    clients: Mapping[Platform, PlatformClient], emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    account = await add_account(http, emulator, Platform.THREADS)
    await add_fault(http, emulator, platform="threads", kind="server_error", on="read", count=2)
    for _ in range(2):
        with pytest.raises(TransientError):
            await clients[Platform.THREADS].recent_posts(account, since=datetime.now(UTC))
    assert await clients[Platform.THREADS].recent_posts(account, since=datetime.now(UTC)) == []


@pytest.mark.parametrize("platform", list(Platform))
async def test_rate_limit_fault_carries_the_reset(
    platform: Platform,
    clients: Mapping[Platform, PlatformClient],
    emulator: EmulatorServer,
    http: httpx.AsyncClient,
) -> None:
    account = await add_account(http, emulator, platform)
    await add_fault(http, emulator, platform=platform.value, kind="rate_limit", reset_s=300)
    with pytest.raises(PlatformRateLimited) as caught:
        await clients[platform].publish(account, post_for(platform, "x"))
    wait = (caught.value.reset_at - datetime.now(UTC)).total_seconds()
    assert 290 < wait <= 301
    await clients[platform].publish(account, post_for(platform, "x"))


@pytest.mark.parametrize("platform", list(Platform))
async def test_expire_token_fault_expires_the_token_for_good(
    platform: Platform,
    clients: Mapping[Platform, PlatformClient],
    emulator: EmulatorServer,
    http: httpx.AsyncClient,
) -> None:
    account = await add_account(http, emulator, platform)
    await add_fault(http, emulator, platform=platform.value, kind="expire_token")
    for _ in range(2):
        with pytest.raises(AuthExpired):
            await clients[platform].publish(account, post_for(platform, "x"))


async def test_timeout_fault_creates_the_post_after_the_client_gave_up(
    emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    account = await add_account(http, emulator, Platform.X)
    await add_fault(http, emulator, platform="x", kind="timeout", on="create", delay_s=1.0)
    async with httpx.AsyncClient(timeout=0.3) as impatient:
        x = build_platform_clients(emulator_settings(emulator.url), impatient)[Platform.X]
        with pytest.raises(AmbiguousOutcome):
            await x.publish(account, OutgoingPost(text="slow"))
    assert [p["text"] for p in await received(http, emulator, Platform.X, account.account_id)] == [
        "slow"
    ]


async def test_faults_scoped_to_one_account(
    clients: Mapping[Platform, PlatformClient], emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    hit = await add_account(http, emulator, Platform.FACEBOOK)
    spared = await add_account(http, emulator, Platform.FACEBOOK)
    await add_fault(
        http, emulator, platform="facebook", account_id=hit.account_id, kind="server_error", count=3
    )
    await clients[Platform.FACEBOOK].publish(spared, OutgoingPost(text="fine"))
    with pytest.raises(AmbiguousOutcome):
        await clients[Platform.FACEBOOK].publish(hit, OutgoingPost(text="no"))


async def test_probability_faults_are_reproducible(
    emulator: EmulatorServer, http: httpx.AsyncClient, clients: Mapping[Platform, PlatformClient]
) -> None:
    async def run() -> list[bool]:
        emulator.state.reset()
        account = await add_account(http, emulator, Platform.X, account_id="42")
        await add_fault(http, emulator, platform="x", kind="server_error", probability=0.5)
        outcomes = []
        for n in range(20):
            try:
                await clients[Platform.X].publish(account, OutgoingPost(text=f"p{n}"))
                outcomes.append(True)
            except AmbiguousOutcome:
                outcomes.append(False)
        return outcomes

    first, second = await run(), await run()
    assert first == second
    assert 3 < first.count(False) < 17
    listed = (await http.get(f"{emulator.url}/_emulator/faults")).json()["data"]
    assert listed[0]["fired"] == first.count(False)
