"""Brave Search (``GET https://api.search.brave.com/res/v1/web/search``).

Request: query parameters (q ≤ 400 characters and 50 words, count ≤ 20, search_lang,
text_decorations, extra_snippets) and the ``X-Subscription-Token`` header. Answer:
``{"type": "search", "query": {…}, "web": {"results": [{"title", "url", "description",
"extra_snippets"?, "page_age"?, "age"?}]}}``; no ``web`` key when nothing was found. Errors:
``{"type": "ErrorResponse", "error": {"status", "code", "detail"}}`` — an invalid key is a 422
with code SUBSCRIPTION_TOKEN_INVALID (sometimes 401), 429 on rate limits. Rate limits come
per window in ``X-RateLimit-Limit`` / ``-Remaining`` / ``-Reset``, e.g. ``1, 15000`` (per
second, per month) with reset ``1, 1419704`` seconds.
"""

from __future__ import annotations

from typing import Any

import httpx

from icop.research.exceptions import (
    SearchProviderError,
    SearchQuotaExceeded,
    SearchRateLimited,
    SearchUnauthorized,
)
from icop.research.providers.base import clip, plain
from icop.research.providers.http import excerpt, fetch_json, invalid, retry_after_header
from icop.research.schemas import SearchQuery, Source

BASE_URL = "https://api.search.brave.com/res/v1"
MAX_RESULTS = 20
MAX_QUERY_CHARS = 400
MAX_QUERY_WORDS = 50
# A window that resets later than this is a plan quota, not a burst limit: waiting won't do.
QUOTA_WINDOW_S = 24 * 3600


def _numbers(header: str | None) -> list[float]:
    values = []
    for part in (header or "").split(","):
        try:
            values.append(float(part.strip()))
        except ValueError:
            return []
    return values


def rate_limit_reset(response: httpx.Response) -> float | None:
    """Seconds until the exhausted window (remaining 0) resets; ``Retry-After`` otherwise."""
    remaining = _numbers(response.headers.get("x-ratelimit-remaining"))
    reset = _numbers(response.headers.get("x-ratelimit-reset"))
    if remaining and len(remaining) == len(reset):
        exhausted = [r for left, r in zip(remaining, reset, strict=True) if left <= 0]
        if exhausted:
            return max(exhausted)
        return min(reset)
    return retry_after_header(response)


class BraveSearch:
    def __init__(
        self,
        api_key: str,
        client: httpx.AsyncClient,
        *,
        base_url: str = BASE_URL,
        timeout_s: float = 20.0,
    ) -> None:
        self._api_key = api_key
        self._client = client
        self._url = base_url.rstrip("/") + "/web/search"
        self._timeout_s = timeout_s

    @property
    def name(self) -> str:
        return "brave"

    def __repr__(self) -> str:  # never show the key
        return f"BraveSearch(url={self._url!r})"

    async def search(self, query: SearchQuery) -> list[Source]:
        words = query.query.split()[:MAX_QUERY_WORDS]
        params: dict[str, str | int] = {
            "q": " ".join(words)[:MAX_QUERY_CHARS],
            "count": min(query.limit, MAX_RESULTS),
            "text_decorations": "false",
            "extra_snippets": "true",
            "result_filter": "web",
        }
        if query.language:
            params["search_lang"] = query.language.split("-")[0].lower()
        request = self._client.build_request(
            "GET",
            self._url,
            params=params,
            headers={"X-Subscription-Token": self._api_key, "Accept": "application/json"},
        )
        body = await fetch_json(
            self.name,
            self._client,
            request,
            timeout_s=self._timeout_s,
            retry_hint=rate_limit_reset,
            classify=self._classify,
        )
        if not isinstance(body, dict):
            raise invalid(self.name, "a JSON object")
        web = body.get("web")
        if web is None:
            return []  # Brave leaves "web" out when it found nothing
        results = web.get("results") if isinstance(web, dict) else None
        if not isinstance(results, list):
            raise invalid(self.name, "a web.results list")
        sources = [source for item in results if (source := self._source(item)) is not None]
        return sources[: query.limit]

    def _classify(self, response: httpx.Response) -> SearchProviderError | None:
        code = ""
        try:
            body = response.json()
            if isinstance(body, dict) and isinstance(body.get("error"), dict):
                code = str(body["error"].get("code", ""))
        except ValueError:
            pass
        detail = f"brave answered {response.status_code}: {code or excerpt(response)}"
        if "TOKEN" in code.upper():
            return SearchUnauthorized(detail, provider=self.name)
        if response.status_code == 429:
            wait = rate_limit_reset(response)
            if wait is not None and wait > QUOTA_WINDOW_S:
                return SearchQuotaExceeded(detail, provider=self.name, retry_after_s=wait)
            return SearchRateLimited(detail, provider=self.name, retry_after_s=wait)
        return None

    def _source(self, item: Any) -> Source | None:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            return None
        description = plain(item.get("description"))
        extras = item.get("extra_snippets")
        extra = [plain(s) for s in extras if isinstance(s, str)] if isinstance(extras, list) else []
        age = item.get("page_age") or item.get("age")
        return Source(
            title=plain(item.get("title")) or item["url"],
            url=item["url"],
            snippet=clip(description),
            text=" ".join([description, *extra]).strip(),
            # Brave gives no score: the order is its ranking.
            score=None,
            provider=self.name,
            published_at=age if isinstance(age, str) else None,
        )
