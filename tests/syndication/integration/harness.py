"""What the end-to-end syndication tests share: a virtual clock that is the emulator's clock, a
log of every request the platform clients put on the wire, and emulator accounts connected the
way the connect flow stores them (tokens in the vault through ``store_grant``).

The virtual clock: the publisher, the token manager, the platform clients and the emulator all
read one time, the emulator's (wall time plus the offset ``POST /_emulator/clock`` moves). A
task that must wait (a 429's reset, a quota window, a back-off) sleeps on the clock; when every
task in the run is asleep, nothing can happen before the earliest wake-up, so the clock jumps
there. Waits cost no wall time, and none can end early: time only ever moves forward to the
moment someone asked for.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import heapq
import itertools
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.credentials.vault import Keyring
from icop.db.session import unit_of_work
from icop.models import Post, SocialAccount
from icop.syndication.platforms import _http
from icop.syndication.platforms.base import Platform, TokenGrant
from icop.syndication.platforms.meta import RATE_LIMIT_CODES
from icop.syndication.tokens import store_grant

# The post a request is made for (set by the driver; httpx hooks run in the caller's context).
CURRENT_POST: contextvars.ContextVar[uuid.UUID | None] = contextvars.ContextVar(
    "current_post", default=None
)


class VirtualTime:
    """The emulator's clock, mirrored here: wall time plus the offset that only this object
    moves (through ``/_emulator/clock``), so reading it costs no request."""

    def __init__(self, emulator_url: str, admin: httpx.AsyncClient) -> None:
        self.emulator_url = emulator_url
        self.admin = admin
        self.offset = 0.0
        self.alive = 0
        self.jumps = 0
        self.jumped_s = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._keeper: asyncio.Task[None] | None = None

    def epoch(self) -> float:
        return time.time() + self.offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.epoch(), UTC)

    async def sleep(self, seconds: float) -> None:
        await self.sleep_until_epoch(self.epoch() + max(0.0, seconds))

    async def until(self, when: datetime) -> None:
        await self.sleep_until_epoch(when.timestamp())

    async def sleep_until_epoch(self, when: float) -> None:
        if when <= self.epoch():
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (when, next(self._seq), future))
        await future

    def start(self) -> None:
        self._keeper = asyncio.create_task(self._keep())

    async def stop(self) -> None:
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper

    async def run(self, jobs: list[Callable[[], Awaitable[Any]]]) -> list[Any]:
        """Run ``jobs`` concurrently on this clock; the clock may jump while all of them
        sleep."""

        async def counted(job: Callable[[], Awaitable[Any]]) -> Any:
            try:
                return await job()
            finally:
                self.alive -= 1

        self.alive += len(jobs)
        self.start()
        try:
            return await asyncio.gather(*(counted(job) for job in jobs))
        finally:
            await self.stop()

    def _wake_due(self) -> None:
        now = self.epoch()
        while self._sleepers and self._sleepers[0][0] <= now:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)

    async def _keep(self) -> None:
        idle_ticks = 0
        while True:
            await asyncio.sleep(0.002)
            self._wake_due()
            # Two quiet ticks in a row: a task just woken has had its turn to run.
            if self._sleepers and len(self._sleepers) >= self.alive:
                idle_ticks += 1
            else:
                idle_ticks = 0
            if idle_ticks < 2:
                continue
            idle_ticks = 0
            gap = self._sleepers[0][0] - self.epoch()
            if gap > 0:
                step = gap + 0.001
                response = await self.admin.post(
                    f"{self.emulator_url}/_emulator/clock", json={"advance_s": step}
                )
                response.raise_for_status()
                self.offset += step
                self.jumps += 1
                self.jumped_s += gap
            self._wake_due()


@dataclass(frozen=True, slots=True)
class WireEvent:
    at: float  # emulator time when the answer arrived (or the request left)
    post_id: uuid.UUID | None
    method: str
    path: str
    status: int | None  # None: the request (or a connection that died)
    reset_at: float | None = None  # the platform's reset time on a throttling answer


@dataclass
class WireLog:
    """Every request and answer of the platform clients, stamped with the virtual clock and
    the post it was made for."""

    clock: VirtualTime
    events: list[WireEvent] = field(default_factory=list)

    def hooks(self) -> dict[str, list[Callable[..., Any]]]:
        return {"request": [self._request], "response": [self._response]}

    async def _request(self, request: httpx.Request) -> None:
        self.events.append(
            WireEvent(
                self.clock.epoch(), CURRENT_POST.get(), request.method, request.url.path, None
            )
        )

    async def _response(self, response: httpx.Response) -> None:
        reset = await throttle_reset(response, self.clock.epoch())
        self.events.append(
            WireEvent(
                self.clock.epoch(),
                CURRENT_POST.get(),
                response.request.method,
                response.request.url.path,
                response.status_code,
                reset,
            )
        )


async def throttle_reset(response: httpx.Response, now: float) -> float | None:
    """When the platform said this account may call again, read from the wire the way each
    platform documents it (X: ``x-rate-limit-reset``; Meta: throttling codes with
    ``estimated_time_to_regain_access`` in minutes)."""
    if response.status_code == 429 and "x-rate-limit-reset" in response.headers:
        return float(response.headers["x-rate-limit-reset"])
    if response.status_code != 400 or "graph." not in response.request.url.path:
        return None
    await response.aread()
    try:
        error = response.json().get("error", {})
    except ValueError:
        return None
    if error.get("code") not in RATE_LIMIT_CODES:
        return None
    minutes = 0.0
    usage = json.loads(response.headers.get("x-business-use-case-usage", "{}"))
    for entries in usage.values():
        for entry in entries:
            minutes = max(minutes, float(entry.get("estimated_time_to_regain_access", 0)))
    return now + minutes * 60


def use_virtual_time(monkeypatch: pytest.MonkeyPatch, clock: VirtualTime) -> None:
    """The clients turn Meta's "regain access in N minutes" and token lifetimes into
    instants with their own clock: make it the virtual one."""
    monkeypatch.setattr(_http, "utcnow", clock.now)


@dataclass(frozen=True, slots=True)
class Connected:
    id: uuid.UUID
    platform: Platform
    platform_account_id: str


async def connect_emulator_account(
    admin: httpx.AsyncClient,
    emulator_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    keyring: Keyring,
    tenant_id: uuid.UUID,
    platform: Platform,
    *,
    name: str,
    **fields: Any,
) -> Connected:
    """An emulator account with a token from its admin API, stored as the connect flow
    stores one (``accounts.finish_connect``: the account row, then ``store_grant``)."""
    response = await admin.post(
        f"{emulator_url}/_emulator/accounts",
        json={"platform": platform.value, "name": name, **fields},
    )
    response.raise_for_status()
    body = response.json()
    expires = body.get("expires_at")
    grant = TokenGrant(
        access_token=body["access_token"],
        refresh_token=body.get("refresh_token"),
        expires_at=datetime.fromisoformat(expires) if expires else None,
        scopes=tuple(fields.get("scopes", ())),
    )
    async with unit_of_work(sessionmaker, tenant_id) as session:
        account = SocialAccount(
            tenant_id=tenant_id,
            id=uuid.uuid4(),
            platform=platform.value,
            platform_account_id=body["account_id"],
            name=name,
            provider="x" if platform is Platform.X else platform.value,
            status="connected",
        )
        session.add(account)
        await session.flush()
        await store_grant(session, keyring, account, grant)
        return Connected(account.id, platform, body["account_id"])


async def add_posts(
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant_id: uuid.UUID,
    rows: list[tuple[Connected, list[dict[str, Any]], datetime]],
) -> list[uuid.UUID]:
    """Scheduled posts, one per (account, parts, due time), in one unit of work."""
    ids = []
    async with unit_of_work(sessionmaker, tenant_id) as session:
        for account, parts, due in rows:
            post_id = uuid.uuid4()
            session.add(
                Post(
                    tenant_id=tenant_id,
                    id=post_id,
                    social_account_id=account.id,
                    platform=account.platform.value,
                    parts=parts,
                    scheduled_at=due,
                    status="scheduled",
                    platform_post_ids=[None] * len(parts),
                    workflow_id=f"post-{post_id}",
                )
            )
            ids.append(post_id)
    return ids
