"""Adaptive polls: they start fast, back off to the old interval, and keep their deadline."""

from __future__ import annotations

from typing import Any

import pytest

from icop.kit.polling import Backoff


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def test_waits_double_from_the_first_up_to_the_longest() -> None:
    clock = Clock()
    backoff = Backoff(first_s=0.25, max_s=2.0, clock=clock)
    waits = [backoff.next_wait() for _ in range(6)]
    assert waits == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0]


async def test_a_change_makes_the_next_poll_fast_again() -> None:
    backoff = Backoff(first_s=0.1, max_s=1.0, clock=Clock())
    for _ in range(5):
        backoff.next_wait()
    backoff.reset()
    assert backoff.next_wait() == 0.1


async def test_the_deadline_is_kept_exactly_and_then_refused() -> None:
    clock = Clock()
    backoff = Backoff(first_s=0.25, max_s=2.0, timeout_s=3.0, clock=clock)
    polls = 0
    while await backoff.wait(clock.sleep):
        polls += 1
    # 0.25 + 0.5 + 1.0 = 1.75, then 2.0 would end at 3.75: cut to the 1.25 left.
    assert polls == 4
    assert clock.now == pytest.approx(3.0)
    assert backoff.expired
    assert not await backoff.wait(clock.sleep)  # no sleeping past the deadline
    assert clock.now == pytest.approx(3.0)


@pytest.mark.parametrize(
    "kwargs", [{"first_s": 0.0}, {"first_s": 2.0, "max_s": 1.0}, {"factor": 0.5}]
)
def test_nonsense_schedules_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Backoff(**kwargs)
