"""SearXNG (``GET {host}/search?q=…&format=json``), the self-hosted metasearch engine.

The JSON format must be enabled on the instance (``search.formats: [html, json]`` in its
settings.yml); otherwise it answers 403 with an HTML page. Answer: ``{"query",
"number_of_results", "results": [{"url", "title", "content", "engine", "engines", "score",
"publishedDate"?}], "answers", "suggestions", "unresponsive_engines"}``. Its limiter answers
429. No API key: an instance is protected by where it listens (or a proxy in front).
"""

from __future__ import annotations

from typing import Any

import httpx

from icop.research.exceptions import SearchProviderError, SearchRejected
from icop.research.providers.base import clip, plain
from icop.research.providers.http import fetch_json, invalid
from icop.research.schemas import SearchQuery, Source


class SearxngSearch:
    def __init__(
        self,
        base_url: str,
        client: httpx.AsyncClient,
        *,
        timeout_s: float = 20.0,
        categories: str = "general",
    ) -> None:
        self._url = base_url.rstrip("/") + "/search"
        self._client = client
        self._timeout_s = timeout_s
        self._categories = categories

    @property
    def name(self) -> str:
        return "searxng"

    async def search(self, query: SearchQuery) -> list[Source]:
        params: dict[str, str | int] = {
            "q": query.query,
            "format": "json",
            "categories": self._categories,
            "pageno": 1,
            "safesearch": 1,
        }
        if query.language:
            params["language"] = query.language
        request = self._client.build_request(
            "GET", self._url, params=params, headers={"Accept": "application/json"}
        )
        body = await fetch_json(
            self.name, self._client, request, timeout_s=self._timeout_s, classify=self._classify
        )
        results = body.get("results") if isinstance(body, dict) else None
        if not isinstance(results, list):
            raise invalid(self.name, "a results list")
        # SearXNG returns a whole page (~20+) whatever we ask; it ranks them by its score.
        sources = [source for item in results if (source := self._source(item)) is not None]
        return sources[: query.limit]

    def _classify(self, response: httpx.Response) -> SearchProviderError | None:
        if response.status_code == 403:
            return SearchRejected(
                "searxng answered 403: enable the JSON format on the instance "
                "(search.formats: [html, json] in its settings.yml)",
                provider=self.name,
            )
        return None

    def _source(self, item: Any) -> Source | None:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            return None
        content = plain(item.get("content"))
        score = item.get("score")
        published = item.get("publishedDate")
        return Source(
            title=plain(item.get("title")) or item["url"],
            url=item["url"],
            snippet=clip(content),
            text=content,
            score=float(score) if isinstance(score, int | float) else None,
            provider=self.name,
            published_at=published if isinstance(published, str) else None,
        )
