"""The token bucket with a fake clock: its rate, its burst and the seconds it reports waited."""

from __future__ import annotations

import asyncio

import pytest

from icop.kit.token_bucket import TokenBucket


class FakeTime:
    """A clock that only moves when something sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_a_burst_then_the_rate() -> None:
    time = FakeTime()
    bucket = TokenBucket(60, capacity=2, clock=time.clock, sleep=time.sleep)
    waited = [await bucket.acquire() for _ in range(5)]
    assert waited == [0.0, 0.0, 1.0, 1.0, 1.0]  # a burst of 2, then one a second
    assert time.slept == [1.0, 1.0, 1.0]


async def test_tokens_refill_with_time_up_to_the_capacity() -> None:
    time = FakeTime()
    bucket = TokenBucket(120, capacity=3, clock=time.clock, sleep=time.sleep)
    for _ in range(3):
        assert await bucket.acquire() == 0.0
    time.now += 1.0  # two tokens back at two a second
    assert [await bucket.acquire() for _ in range(3)] == [0.0, 0.0, 0.5]
    time.now += 60.0  # a long pause refills no more than the capacity
    assert [await bucket.acquire() for _ in range(4)] == [0.0, 0.0, 0.0, 0.5]


async def test_concurrent_callers_reserve_consecutive_slots() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:  # the clock stands still: only reservations count
        slept.append(seconds)
        await asyncio.sleep(0)

    bucket = TokenBucket(30, capacity=1, clock=lambda: 100.0, sleep=sleep)
    waited = await asyncio.gather(*(bucket.acquire() for _ in range(4)))
    assert waited == [0.0, 2.0, 4.0, 6.0]  # one every two seconds, in the order they came
    assert slept == [2.0, 4.0, 6.0]


async def test_default_capacity_is_ten_seconds_of_rate() -> None:
    time = FakeTime()
    assert TokenBucket(600, clock=time.clock, sleep=time.sleep).capacity == 100
    assert TokenBucket(3, clock=time.clock, sleep=time.sleep).capacity == 1


def test_invalid_rates_are_refused() -> None:
    with pytest.raises(ValueError, match="per_minute"):
        TokenBucket(0)
    with pytest.raises(ValueError, match="capacity"):
        TokenBucket(60, capacity=0.5)
