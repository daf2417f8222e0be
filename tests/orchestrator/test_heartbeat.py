"""``heartbeating``: beats while the body runs, with the latest details, and never outlives it
(normal exit, error, cancellation)."""

from __future__ import annotations

import asyncio

import pytest
from temporalio.testing import ActivityEnvironment

from icop.orchestrator.heartbeat import heartbeating

EVERY_S = 0.02


def recording() -> tuple[ActivityEnvironment, list[tuple[object, ...]]]:
    env = ActivityEnvironment()
    beats: list[tuple[object, ...]] = []
    env.on_heartbeat = lambda *details: beats.append(details)
    return env, beats


def beat_tasks() -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if t.get_name() == "activity-heartbeat"]


async def test_beats_without_details_after_each_interval() -> None:
    env, beats = recording()

    async def work() -> str:
        async with heartbeating(every_s=EVERY_S):
            assert beats == []  # the first beat waits one interval
            await asyncio.sleep(EVERY_S * 6)
        return "done"

    assert await env.run(work) == "done"
    assert len(beats) >= 2
    assert set(beats) == {()}


async def test_immediate_beats_carry_the_latest_details() -> None:
    env, beats = recording()
    latest = {"message": "starting"}

    async def work() -> None:
        async with heartbeating(every_s=EVERY_S, details=lambda: dict(latest), immediately=True):
            await asyncio.sleep(0)  # let the first beat run
            assert beats == [({"message": "starting"},)]
            latest["message"] = "halfway"
            await asyncio.sleep(EVERY_S * 4)

    await env.run(work)
    assert beats[0] == ({"message": "starting"},)
    assert beats[-1] == ({"message": "halfway"},)


async def test_no_beat_outlives_the_body() -> None:
    env, beats = recording()

    async def work() -> None:
        async with heartbeating(every_s=EVERY_S, immediately=True):
            await asyncio.sleep(EVERY_S * 2)
        assert beat_tasks() == []

    await env.run(work)
    count = len(beats)
    await asyncio.sleep(EVERY_S * 4)
    assert len(beats) == count


async def test_an_error_in_the_body_stops_the_beat_and_propagates() -> None:
    env, beats = recording()

    async def work() -> None:
        async with heartbeating(every_s=EVERY_S):
            await asyncio.sleep(EVERY_S * 2)
            raise ValueError("the model failed")

    with pytest.raises(ValueError, match="the model failed"):
        await env.run(work)
    assert beat_tasks() == []
    count = len(beats)
    await asyncio.sleep(EVERY_S * 3)
    assert len(beats) == count


async def test_cancelling_the_activity_stops_the_beat() -> None:
    env, beats = recording()
    entered = asyncio.Event()

    async def work() -> None:
        async with heartbeating(every_s=EVERY_S):
            entered.set()
            await asyncio.sleep(60)

    running = asyncio.create_task(env.run(work))
    await entered.wait()
    await asyncio.sleep(EVERY_S * 3)
    env.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    assert beat_tasks() == []
    count = len(beats)
    await asyncio.sleep(EVERY_S * 3)
    assert len(beats) == count


async def test_a_beat_outside_an_activity_is_reported_unless_the_body_failed() -> None:
    # No activity context: activity.heartbeat() raises, which is a bug at the call site.
    async def work(fail: bool) -> None:
        async with heartbeating(every_s=EVERY_S, immediately=True):
            await asyncio.sleep(EVERY_S)
            if fail:
                raise KeyError("the body's error wins")

    with pytest.raises(RuntimeError):
        await work(fail=False)
    with pytest.raises(KeyError):
        await work(fail=True)
    assert beat_tasks() == []


@pytest.mark.parametrize("every_s", [0.0, -1.0])
async def test_the_interval_must_be_positive(every_s: float) -> None:
    beating = heartbeating(every_s=every_s)
    with pytest.raises(ValueError, match="positive"):
        await beating.__aenter__()
