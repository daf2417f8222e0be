"""Concurrency per provider and a global request rate for all model calls."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class TokenBucket:
    """``rate_per_minute`` calls per minute on average, bursts up to ``burst``."""

    def __init__(self, rate_per_minute: float, burst: int | None = None) -> None:
        self.rate_per_s = rate_per_minute / 60.0
        self.capacity = float(burst if burst is not None else max(1, int(rate_per_minute // 6)))
        self._tokens = self.capacity
        self._updated = time.monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> float:
        """Wait for a token; returns the seconds waited (recorded as throttling)."""
        waited = 0.0
        async with self._lock:
            while True:
                now = time.monotonic()
                self._tokens = min(
                    self.capacity, self._tokens + (now - self._updated) * self.rate_per_s
                )
                self._updated = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return waited
                pause = (1 - self._tokens) / self.rate_per_s
                waited += pause
                await asyncio.sleep(pause)


class Throttle:
    def __init__(
        self,
        *,
        global_rate_per_minute: float,
        provider_concurrency: dict[str, int],
        default_concurrency: int = 4,
    ) -> None:
        self._bucket = TokenBucket(global_rate_per_minute)
        self._default = default_concurrency
        self._limits = dict(provider_concurrency)
        self._semaphores: dict[str, asyncio.Semaphore] = {}

    def _semaphore(self, provider: str) -> asyncio.Semaphore:
        if provider not in self._semaphores:
            self._semaphores[provider] = asyncio.Semaphore(
                self._limits.get(provider, self._default)
            )
        return self._semaphores[provider]

    @asynccontextmanager
    async def slot(self, provider: str) -> AsyncIterator[float]:
        """Hold one of the provider's slots; yields seconds spent waiting for the rate limit."""
        waited = await self._bucket.acquire()
        async with self._semaphore(provider):
            yield waited
