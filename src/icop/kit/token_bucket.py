"""A token bucket for pacing calls on the event loop: ``per_minute`` calls a minute on
average, bursts of up to ``capacity``. Used for the LLM router's global request rate and for the
Google Sheets quota per principal."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

Sleep = Callable[[float], Awaitable[None]]


class TokenBucket:
    """``per_minute`` acquisitions a minute, up to ``capacity`` at once (default: ten seconds'
    worth, at least one). ``clock`` and ``sleep`` are injectable so tests need no real time.

    A caller over the rate reserves the next free slot (the bucket goes below zero) and sleeps
    until it. There is no lock: ``acquire`` reads and updates the bucket without awaiting in
    between, and a coroutine is only ever interrupted at an ``await``, so on one event loop no
    two callers can see the same tokens. Each waiter sleeps exactly its own reservation, so
    callers are served in the order they arrived. A waiter that is cancelled does not give its
    slot back: the bucket errs on the side of calling less often than the rate, never more.
    Not thread-safe: share a bucket between coroutines, not between threads.
    """

    def __init__(
        self,
        per_minute: float,
        *,
        capacity: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self.rate = per_minute / 60.0
        self.capacity = capacity if capacity is not None else max(1.0, per_minute / 6)
        if self.capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.capacity
        self._last = clock()

    async def acquire(self) -> float:
        """Take one token, sleeping until it is due; the seconds waited (0.0 when one was free,
        reported by callers as time spent throttled)."""
        # No await until the reservation is made, so no other caller runs in between.
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
        self._last = now
        self._tokens -= 1  # the reservation: from here on the slot is this caller's
        if self._tokens >= 0:
            return 0.0
        wait = -self._tokens / self.rate
        await self._sleep(wait)
        return wait
