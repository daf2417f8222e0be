"""Adaptive polling: waits that start short and grow, bounded by a deadline.

A fixed interval is a bad compromise for waits whose length varies by orders of magnitude: an
Instagram container the emulator (or a quick platform) has ready in 100 ms cost a whole 2 s
poll, and a demo run that ended just after a 1 s poll was noticed up to a second late. Starting
at ``first_s`` and multiplying by ``factor`` up to ``max_s`` notices quick results quickly and
asks a slow one no more often than the fixed interval did (after the first few polls: a wait
of T seconds makes about ``log(max_s/first_s)/log(factor)`` more requests than ``T/max_s``).

The deadline is kept exactly: ``next_wait`` never returns a wait that ends past it, and
``expired`` says when no further poll fits.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


@dataclass
class Backoff:
    """One wait's schedule of poll intervals (not thread-safe: one per wait)."""

    first_s: float = 0.1
    max_s: float = 2.0
    factor: float = 2.0
    timeout_s: float | None = None
    clock: Clock = time.monotonic
    _next_s: float = field(init=False)
    _deadline: float | None = field(init=False)

    def __post_init__(self) -> None:
        if not 0 < self.first_s <= self.max_s:
            raise ValueError("need 0 < first_s <= max_s")
        if self.factor < 1:
            raise ValueError("factor must be at least 1")
        self._next_s = self.first_s
        self._deadline = None if self.timeout_s is None else self.clock() + self.timeout_s

    @property
    def remaining_s(self) -> float | None:
        return None if self._deadline is None else max(0.0, self._deadline - self.clock())

    @property
    def expired(self) -> bool:
        remaining = self.remaining_s
        return remaining is not None and remaining <= 0

    def reset(self) -> None:
        """Something changed: the next result may come soon, poll fast again."""
        self._next_s = self.first_s

    def next_wait(self) -> float:
        """The next interval (grown for the one after), cut to what is left of the deadline."""
        wait = self._next_s
        self._next_s = min(self.max_s, self._next_s * self.factor)
        remaining = self.remaining_s
        return wait if remaining is None else min(wait, remaining)

    async def wait(self, sleep: Sleep = asyncio.sleep) -> bool:
        """Sleep the next interval; False (without sleeping) once the deadline has passed."""
        if self.expired:
            return False
        await sleep(self.next_wait())
        return True
