"""Instagram hashtag search (Graph API, Instagram API with Facebook Login).

``GET /ig_hashtag_search?user_id=…&q=…`` finds the hashtag's id, then
``GET /{hashtag-id}/top_media`` (or ``recent_media``) with ``user_id`` and ``fields`` lists
public media. Meta's limits, made explicit here: 30 unique hashtags per account in a rolling
7 days (we refuse a configuration with more), 50 media per page (one page per hashtag), and
the app's Graph rate limit (200 calls per user an hour: we space requests at 60 a minute).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from icop.trends.sources.base import (
    RateLimit,
    RawItem,
    RetryPolicySpec,
    SourceFailed,
    SourceRefused,
    get_json,
    rank_signal,
)

MAX_HASHTAGS = 30
PAGE_LIMIT = 50
MEDIA_FIELDS = "id,caption,media_type,permalink,timestamp,like_count,comments_count"


class InstagramHashtagSource:
    kind = "instagram"
    retry = RetryPolicySpec(maximum_attempts=3, initial_interval_s=10.0, timeout_s=120.0)

    def __init__(
        self,
        *,
        graph_url: str,
        version: str,
        user_id: str,
        access_token: str,
        hashtag: str,
        edge: str = "top_media",
        rate: RateLimit | None = None,
    ) -> None:
        if edge not in ("top_media", "recent_media"):
            raise ValueError("edge must be top_media or recent_media")
        self.base = f"{graph_url.rstrip('/')}/{version}"
        self.user_id = user_id
        self.access_token = access_token
        self.hashtag = hashtag.lstrip("#").strip().lower()
        self.edge = edge
        self.rate = rate or RateLimit(per_minute=60)

    @property
    def name(self) -> str:
        return f"instagram:#{self.hashtag}:{self.edge}"

    async def fetch(self, http: httpx.AsyncClient, *, limit: int) -> list[RawItem]:
        auth = {"authorization": f"Bearer {self.access_token}"}
        await self.rate.wait()
        found = await get_json(
            http,
            f"{self.base}/ig_hashtag_search",
            params={"user_id": self.user_id, "q": self.hashtag},
            headers=auth,
        )
        ids = [row.get("id") for row in _data(found) if isinstance(row, dict)]
        if not ids or not isinstance(ids[0], str):
            raise SourceRefused(f"Instagram knows no hashtag #{self.hashtag}")
        await self.rate.wait()
        media = await get_json(
            http,
            f"{self.base}/{ids[0]}/{self.edge}",
            params={
                "user_id": self.user_id,
                "fields": MEDIA_FIELDS,
                "limit": str(min(limit, PAGE_LIMIT)),
            },
            headers=auth,
        )
        rows = [row for row in _data(media) if isinstance(row, dict) and row.get("id")][:limit]
        items = []
        for position, row in enumerate(rows):
            caption = str(row.get("caption") or "")
            items.append(
                RawItem(
                    external_id=str(row["id"]),
                    title=caption.split("\n", 1)[0][:200],
                    text=caption,
                    url=row.get("permalink"),
                    published_at=_timestamp(row.get("timestamp")),
                    signal=rank_signal(position, len(rows)),
                )
            )
        return items


def _data(body: object) -> list[Any]:
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise SourceFailed("the Graph API answer has no data list")
    data: list[Any] = body["data"]
    return data


def _timestamp(value: object) -> datetime | None:
    """Graph timestamps: ``2026-12-07T08:15:00+0000``."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None
