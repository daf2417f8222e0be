"""``in_background``: the loop runs while the block runs and is stopped and awaited after."""

from __future__ import annotations

import asyncio

import pytest

from icop.kit.background import in_background


async def test_the_loop_runs_during_the_block_and_stops_after() -> None:
    rounds: list[int] = []
    stopped = asyncio.Event()

    async def loop(stop: asyncio.Event) -> None:
        while not stop.is_set():
            rounds.append(len(rounds))
            await asyncio.sleep(0.01)
        stopped.set()

    async with in_background(loop, name="test-loop"):
        await asyncio.sleep(0.05)
        assert rounds and not stopped.is_set()
    assert stopped.is_set()


async def test_a_loop_that_does_not_stop_in_time_raises() -> None:
    async def stubborn(stop: asyncio.Event) -> None:
        await asyncio.sleep(10)

    with pytest.raises(TimeoutError):
        async with in_background(stubborn, name="stubborn", stop_timeout_s=0.05):
            pass
