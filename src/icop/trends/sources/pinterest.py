"""Pinterest API v5 trends: ``GET /v5/trends/keywords/{region}/top/{trend_type}``.

The answer is today's top keywords (at most 50) with their week/month/year growth in percent;
there are no dates in the past and no documents, so each keyword becomes a short item whose
signal is its weekly growth. Needs a user token with ``user_accounts:read``; the Trends
endpoints are rate-limited per app (we space requests at 10 a minute, one call a run).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import httpx

from icop.trends.sources.base import RateLimit, RawItem, RetryPolicySpec, SourceFailed, get_json

TREND_TYPES = ("growing", "monthly", "yearly", "seasonal")
MAX_RESULTS = 50


class PinterestTrendsSource:
    kind = "pinterest"
    retry = RetryPolicySpec(maximum_attempts=3, initial_interval_s=10.0, timeout_s=60.0)

    def __init__(
        self,
        *,
        api_url: str,
        access_token: str,
        region: str,
        trend_type: str = "growing",
        interests: list[str] | None = None,
        rate: RateLimit | None = None,
    ) -> None:
        if trend_type not in TREND_TYPES:
            raise ValueError(f"trend_type must be one of {', '.join(TREND_TYPES)}")
        self.api_url = api_url.rstrip("/")
        self.access_token = access_token
        self.region = region
        self.trend_type = trend_type
        self.interests = interests or []
        self.rate = rate or RateLimit(per_minute=10)

    @property
    def name(self) -> str:
        return f"pinterest:{self.region}:{self.trend_type}"

    async def fetch(self, http: httpx.AsyncClient, *, limit: int) -> list[RawItem]:
        await self.rate.wait()
        params = {"limit": str(min(limit, MAX_RESULTS))}
        if self.interests:
            params["interests"] = ",".join(self.interests)
        body = await get_json(
            http,
            f"{self.api_url}/v5/trends/keywords/{self.region}/top/{self.trend_type}",
            params=params,
            headers={"authorization": f"Bearer {self.access_token}"},
        )
        if not isinstance(body, dict) or not isinstance(body.get("trends"), list):
            raise SourceFailed("the Pinterest answer has no trends list")
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        items = []
        for row in body["trends"][:limit]:
            if not isinstance(row, dict) or not row.get("keyword"):
                continue
            keyword = str(row["keyword"])
            growth = _number(row.get("pct_growth_wow"))
            items.append(
                RawItem(
                    external_id=f"{self.region}:{self.trend_type}:{keyword}"[:500],
                    title=keyword,
                    text=(
                        f"{keyword}: trending on Pinterest in {self.region} "
                        f"({self.trend_type}), {growth:+.0f}% week over week, "
                        f"{_number(row.get('pct_growth_mom')):+.0f}% month over month, "
                        f"{_number(row.get('pct_growth_yoy')):+.0f}% year over year."
                    ),
                    url=f"https://trends.pinterest.com/?region={self.region}&terms={keyword}",
                    published_at=today,
                    signal=_growth_signal(growth),
                )
            )
        return items


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _growth_signal(percent: float) -> float:
    """+100 % a week → ~0.5, +1000 % → ~0.9; a fall → 0."""
    if percent <= 0:
        return 0.0
    return round(1.0 - math.exp(-percent / 150.0), 4)
