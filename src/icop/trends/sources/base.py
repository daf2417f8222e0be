"""The protocol every trend source meets, the item it yields, and its explicit policies.

A source fetches; it never retries by itself: Temporal retries the whole ``collect`` activity
of that source with the source's ``RetryPolicySpec`` (so a retry is visible in the workflow's
history and a failing source never holds up the others). Within one attempt, requests are
spaced by the source's ``RateLimit``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import httpx

from icop.errors import ICOPError


class SourceFailed(ICOPError):
    """A source answered with an error or something we cannot read."""

    status = 502
    code = "trend_source_failed"
    title = "A trend source failed"


class SourceRefused(SourceFailed):
    """An error a retry cannot fix (bad token, unknown region): Temporal does not retry it."""

    code = "trend_source_refused"


@dataclass(frozen=True, slots=True)
class RawItem:
    """One item as a source gives it (the text may still be HTML)."""

    external_id: str
    title: str
    text: str
    url: str | None = None
    published_at: datetime | None = None
    signal: float = 0.0
    """The source's own popularity signal, 0…1 (rank, growth, views)."""
    language: str | None = None


@dataclass(frozen=True, slots=True)
class RetryPolicySpec:
    """What Temporal's ``RetryPolicy`` for one source's collect activity is made of."""

    maximum_attempts: int = 3
    initial_interval_s: float = 5.0
    backoff_coefficient: float = 2.0
    maximum_interval_s: float = 60.0
    timeout_s: float = 120.0
    """The activity's start-to-close timeout: one attempt, all its requests."""


@dataclass(slots=True)
class RateLimit:
    """At most ``per_minute`` requests a minute, spaced evenly (one source, one attempt)."""

    per_minute: float
    _next_at: float = field(default=0.0, init=False)

    async def wait(self) -> None:
        now = time.monotonic()
        if self._next_at > now:
            await asyncio.sleep(self._next_at - now)
        self._next_at = max(now, self._next_at) + 60.0 / self.per_minute


class TrendSource(Protocol):
    @property
    def name(self) -> str:
        """Stable within the tenant: items are unique per (run, source, external id)."""
        ...

    @property
    def kind(self) -> str:
        """rss, instagram, pinterest, youtube."""
        ...

    @property
    def retry(self) -> RetryPolicySpec: ...

    async def fetch(self, http: httpx.AsyncClient, *, limit: int) -> list[RawItem]:
        """At most ``limit`` items, best (by the source's own ranking) first."""
        ...


async def get_json(
    http: httpx.AsyncClient, url: str, *, params: dict[str, str], headers: dict[str, str]
) -> object:
    """GET and decode JSON; a transport error, a 5xx or a 429 is retryable (``SourceFailed``),
    another 4xx is not (``SourceRefused``)."""
    try:
        response = await http.get(url, params=params, headers=headers)
    except httpx.HTTPError as error:
        raise SourceFailed(f"{url}: {type(error).__name__}: {error}") from error
    if response.status_code >= 400:
        raise error_for(url, response)
    try:
        return response.json()
    except ValueError as error:
        raise SourceFailed(f"{url}: the answer is not JSON") from error


def error_for(url: str, response: httpx.Response) -> SourceFailed:
    detail = response.text[:300]
    message = f"{url}: HTTP {response.status_code}: {detail}"
    if response.status_code == 429 or response.status_code >= 500:
        return SourceFailed(message)
    return SourceRefused(message)


def rank_signal(position: int, total: int) -> float:
    """First of ``total`` → 1.0, last → close to 0: a ranking as a 0…1 signal."""
    if total <= 0:
        return 0.0
    return round(1.0 - position / total, 4)
