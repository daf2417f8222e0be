"""Reconciliation reads every page of an account's recent posts (``reconcile.recent_since``):
a busy account creates more posts after ours than one page holds, and the oldest must still be
found. Each client's ``until`` against the emulator, over real HTTP."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime

import httpx
import pytest

from icop.emulators.platforms import EmulatorServer
from icop.emulators.platforms.state import Post
from icop.syndication.platforms.base import Platform, PlatformClient
from icop.syndication.reconcile import PAGE_SIZE, recent_since

from .conftest import add_account


@pytest.mark.parametrize(
    "platform", [Platform.FACEBOOK, Platform.INSTAGRAM, Platform.THREADS, Platform.X]
)
async def test_every_page_is_read_back_to_since(
    platform: Platform,
    clients: Mapping[Platform, PlatformClient],
    emulator: EmulatorServer,
    http: httpx.AsyncClient,
) -> None:
    auth = await add_account(http, emulator, platform)
    start = float(int(time.time()) - 600)  # whole seconds, as the platforms report them
    total = PAGE_SIZE * 2 + 37
    for index in range(total):
        # Three posts a second: pages end inside a second, as they do on a busy account.
        emulator.state.add_post(
            Post(
                platform=platform,
                account_id=auth.account_id,
                post_id=emulator.state.new_id(),
                text=f"post {index}",
                created_at=start + index / 3,
            )
        )
    since = datetime.fromtimestamp(start + 10, UTC)  # leaves out the first 30
    found = await recent_since(clients[platform], auth, since)
    assert [post.text for post in found] == [f"post {i}" for i in reversed(range(30, total))]
    assert len({post.platform_post_id for post in found}) == total - 30
