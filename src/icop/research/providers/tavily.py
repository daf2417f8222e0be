"""Tavily (``POST https://api.tavily.com/search``), a search API made for LLM research.

Request: ``Authorization: Bearer tvly-…`` and a JSON body (query, max_results ≤ 20,
search_depth basic|advanced, topic …). Answer: ``{"query", "results": [{"title", "url",
"content", "score", "raw_content", "published_date"?}], "response_time", …}``. Errors: 400 bad
parameters, 401 missing or invalid key, 429 too many requests, 432 plan limit and 433
pay-as-you-go limit exceeded, 5xx; bodies look like ``{"detail": {"error": "…"}}``.
"""

from __future__ import annotations

from typing import Any, Literal

import httpx

from icop.research.exceptions import SearchProviderError, SearchQuotaExceeded
from icop.research.providers.base import clip, plain
from icop.research.providers.http import excerpt, fetch_json, invalid
from icop.research.schemas import SearchQuery, Source

BASE_URL = "https://api.tavily.com"
MAX_RESULTS = 20
# Tavily rejects longer queries; a research query is a topic, not a document.
MAX_QUERY_CHARS = 400


class TavilySearch:
    def __init__(
        self,
        api_key: str,
        client: httpx.AsyncClient,
        *,
        base_url: str = BASE_URL,
        search_depth: Literal["basic", "advanced"] = "basic",
        timeout_s: float = 20.0,
    ) -> None:
        self._api_key = api_key
        self._client = client
        self._url = base_url.rstrip("/") + "/search"
        self._depth = search_depth
        self._timeout_s = timeout_s

    @property
    def name(self) -> str:
        return "tavily"

    def __repr__(self) -> str:  # never show the key
        return f"TavilySearch(url={self._url!r}, depth={self._depth!r})"

    async def search(self, query: SearchQuery) -> list[Source]:
        request = self._client.build_request(
            "POST",
            self._url,
            headers={"Authorization": f"Bearer {self._api_key}", "Accept": "application/json"},
            json={
                "query": query.query[:MAX_QUERY_CHARS],
                "max_results": min(query.limit, MAX_RESULTS),
                "search_depth": self._depth,
                "topic": "general",
                "include_answer": False,
                "include_raw_content": False,
                "include_images": False,
            },
        )
        body = await fetch_json(
            self.name, self._client, request, timeout_s=self._timeout_s, classify=self._classify
        )
        results = body.get("results") if isinstance(body, dict) else None
        if not isinstance(results, list):
            raise invalid(self.name, "a results list")
        return [source for item in results if (source := self._source(item)) is not None]

    def _classify(self, response: httpx.Response) -> SearchProviderError | None:
        if response.status_code in (432, 433):
            return SearchQuotaExceeded(
                f"tavily answered {response.status_code}: {excerpt(response)}", provider=self.name
            )
        return None

    def _source(self, item: Any) -> Source | None:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            return None
        content = plain(item.get("content"))
        score = item.get("score")
        return Source(
            title=plain(item.get("title")) or item["url"],
            url=item["url"],
            snippet=clip(content),
            text=content,
            score=float(score) if isinstance(score, int | float) else None,
            provider=self.name,
            published_at=item.get("published_date")
            if isinstance(item.get("published_date"), str)
            else None,
        )
