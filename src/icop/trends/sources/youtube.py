"""YouTube Data API v3: ``GET /youtube/v3/videos?chart=mostPopular&regionCode=…``.

One ``videos.list`` call costs 1 quota unit of the project's 10,000 a day; one page of at most
50 videos a run. An API key is enough (public data).
"""

from __future__ import annotations

import math
from datetime import datetime

import httpx

from icop.trends.sources.base import RateLimit, RawItem, RetryPolicySpec, SourceFailed, get_json

MAX_RESULTS = 50


class YouTubeMostPopularSource:
    kind = "youtube"
    retry = RetryPolicySpec(maximum_attempts=3, initial_interval_s=10.0, timeout_s=60.0)

    def __init__(
        self,
        *,
        api_url: str,
        api_key: str,
        region: str,
        category_id: str | None = None,
        rate: RateLimit | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.api_key = api_key
        self.region = region
        self.category_id = category_id
        self.rate = rate or RateLimit(per_minute=30)

    @property
    def name(self) -> str:
        return f"youtube:{self.region}" + (f":{self.category_id}" if self.category_id else "")

    async def fetch(self, http: httpx.AsyncClient, *, limit: int) -> list[RawItem]:
        await self.rate.wait()
        params = {
            "part": "snippet,statistics",
            "chart": "mostPopular",
            "regionCode": self.region,
            "maxResults": str(min(limit, MAX_RESULTS)),
            "key": self.api_key,
        }
        if self.category_id:
            params["videoCategoryId"] = self.category_id
        body = await get_json(http, f"{self.api_url}/youtube/v3/videos", params=params, headers={})
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise SourceFailed("the YouTube answer has no items list")
        items = []
        for row in body["items"][:limit]:
            snippet = row.get("snippet") if isinstance(row, dict) else None
            if not isinstance(snippet, dict) or not row.get("id"):
                continue
            views = _int((row.get("statistics") or {}).get("viewCount"))
            tags = [str(tag) for tag in snippet.get("tags") or []][:10]
            description = str(snippet.get("description") or "")
            items.append(
                RawItem(
                    external_id=str(row["id"]),
                    title=str(snippet.get("title") or ""),
                    text="\n".join(
                        part for part in (description, " ".join(f"#{t}" for t in tags)) if part
                    ),
                    url=f"https://www.youtube.com/watch?v={row['id']}",
                    published_at=_date(snippet.get("publishedAt")),
                    signal=_views_signal(views),
                    language=snippet.get("defaultLanguage") or snippet.get("defaultAudioLanguage"),
                )
            )
        return items


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _views_signal(views: int) -> float:
    """log-scaled: 10k views → 0.5, 100M → 1.0."""
    if views <= 0:
        return 0.0
    return round(min(1.0, math.log10(views) / 8.0), 4)


def _date(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
