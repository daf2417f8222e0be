"""Concurrency per provider and a global request rate for all model calls."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from icop.kit.token_bucket import TokenBucket


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
