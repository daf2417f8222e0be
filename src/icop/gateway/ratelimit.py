"""Rate limits per user, per tenant and per anonymous client.

Counters live in process memory by default; with ``REDIS_URL`` they live in Redis so that
several API processes share them. A moving window is exact (no burst of twice the limit
across a window boundary) at the cost of one timestamp per request in the window.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from icop.config import Settings
from icop.errors import RateLimited


class RateLimiter:
    def __init__(self, storage: Storage, *, user: str, tenant: str, anonymous: str) -> None:
        self._storage = storage
        self._strategy = MovingWindowRateLimiter(storage)
        self.user_limit: RateLimitItem = parse(user)
        self.tenant_limit: RateLimitItem = parse(tenant)
        self.anonymous_limit: RateLimitItem = parse(anonymous)

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter:
        storage: Storage
        if settings.redis_url is not None:
            url = settings.redis_url.get_secret_value()
            storage = RedisStorage(url if url.startswith("async+") else f"async+{url}")
        else:
            storage = MemoryStorage()
        return cls(
            storage,
            user=settings.rate_limit_user,
            tenant=settings.rate_limit_tenant,
            anonymous=settings.rate_limit_anonymous,
        )

    async def hit(self, limit: RateLimitItem, scope: str, key: str) -> None:
        if await self._strategy.hit(limit, scope, key):
            return
        stats = await self._strategy.get_window_stats(limit, scope, key)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        raise RateLimited(
            f"rate limit of {limit} per {scope} exceeded; retry in {retry_after} s",
            retry_after_s=retry_after,
        )

    async def check_principal(self, *, tenant_key: str, actor_key: str) -> None:
        await self.hit(self.user_limit, "user", actor_key)
        await self.hit(self.tenant_limit, "tenant", tenant_key)

    async def check_anonymous(self, client_key: str) -> None:
        await self.hit(self.anonymous_limit, "client", client_key)

    async def reset(self) -> None:
        await self._storage.reset()
