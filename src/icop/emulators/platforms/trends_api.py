"""The trend endpoints ICOP's TrendPipeline reads, with seeded, dated items (``trend_seed``):
RSS and Atom feeds under ``/_emulator/trends/feeds/``, Instagram hashtag search, Pinterest v5
trending keywords and YouTube's most popular videos, in their documented shapes and error
envelopes. ``/_emulator/trends/feeds/unavailable.xml`` always answers 503 (a source that fails
every retry), and every feed counts its requests (``GET /_emulator/trends/hits``)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from icop.emulators.platforms.common import bearer, meta_error
from icop.emulators.platforms.trend_seed import THEMES, originals

FEEDS: dict[str, tuple[str, ...]] = {
    "home-and-garden": ("home composting", "indoor plants"),
    "energy-at-home": ("balcony solar", "heat pumps"),
    "outdoors-and-health": ("trail running", "cold plunge"),
    "kitchen": ("sourdough baking",),
}
ITEMS_PER_FEED = 12
HASHTAGS = {
    "composting": "home composting",
    "sourdough": "sourdough baking",
    "solar": "balcony solar",
    "trailrunning": "trail running",
}


def hash_seed(text: str) -> int:
    return sum((index + 1) * ord(ch) for index, ch in enumerate(text))


HASHTAG_IDS = {name: f"1784{abs(hash_seed(name)) % 10**10:010d}" for name in HASHTAGS}


def _items(theme: str, count: int, salt: str) -> list[tuple[str, str, datetime]]:
    """Deterministic items of a theme, dated over the last day and a half."""
    rng = random.Random(hash_seed(theme + salt))  # noqa: S311 - seeded test data
    now = datetime.now(UTC).replace(microsecond=0)
    return [
        (title, body, now - timedelta(minutes=30 + 97 * index))
        for index, (title, body) in enumerate(originals(theme, count, rng))
    ]


def feed_entries(name: str) -> list[tuple[str, str, str, datetime]]:
    """(id, title, body, date) of a seeded feed; the first themes' items interleaved."""
    themes = FEEDS[name]
    per_theme = ITEMS_PER_FEED // len(themes)
    entries = []
    for theme in themes:
        for index, (title, body, date) in enumerate(_items(theme, per_theme, name)):
            entries.append((f"{name}-{theme.replace(' ', '-')}-{index}", title, body, date))
    # One copy with the feed's boilerplate: the clean step must see it as a duplicate.
    first = entries[0]
    entries.append(
        (
            f"{first[0]}-syndicated",
            first[1],
            f"<p>{first[2]}</p><p>The post {first[1]} appeared first on Emulated News.</p>",
            first[3],
        )
    )
    entries.append(
        (
            f"{name}-spam",
            "FREE FOLLOWERS NOW",
            "Get free followers now!!! Link in bio #follow #f4f #like4like #followme #instagood",
            first[3],
        )
    )
    return entries


def rss(name: str, base: str) -> str:
    items = "".join(
        f"<item><title>{escape(title)}</title><link>{base}/articles/{ident}</link>"
        f'<guid isPermaLink="false">{ident}</guid>'
        f"<pubDate>{format_datetime(date)}</pubDate>"
        f"<description>{escape(body)}</description></item>"
        for ident, title, body, date in feed_entries(name)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(name)}</title><link>{base}</link><language>en-us</language>"
        f"<description>Seeded feed {escape(name)}</description>{items}</channel></rss>"
    )


def atom(name: str, base: str) -> str:
    entries = "".join(
        f"<entry><id>urn:emulator:{ident}</id><title>{escape(title)}</title>"
        f'<link rel="alternate" href="{base}/articles/{ident}"/>'
        f"<published>{date.isoformat()}</published><updated>{date.isoformat()}</updated>"
        f'<summary type="html">{escape(body)}</summary></entry>'
        for ident, title, body, date in feed_entries(name)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
        f'xml:lang="en"><title>{escape(name)}</title><id>urn:emulator:{name}</id>'
        f"<updated>{datetime.now(UTC).isoformat()}</updated>{entries}</feed>"
    )


def trends_router() -> APIRouter:
    router = APIRouter()
    hits: Counter[str] = Counter()

    @router.get("/_emulator/trends/hits")
    async def feed_hits() -> JSONResponse:
        return JSONResponse(dict(hits))

    @router.get("/_emulator/trends/feeds/{filename}")
    async def feed(filename: str, request: Request) -> Response:
        hits[filename] += 1
        name, _, kind = filename.rpartition(".")
        if name == "unavailable":
            return Response("upstream unavailable", status_code=503)
        if name not in FEEDS or kind not in ("xml", "atom"):
            return Response("no such feed", status_code=404)
        base = str(request.base_url).rstrip("/")
        if kind == "atom":
            return Response(atom(name, base), media_type="application/atom+xml")
        return Response(rss(name, base), media_type="application/rss+xml")

    @router.get("/graph.facebook.com/{version}/ig_hashtag_search")
    async def hashtag_search(version: str, request: Request) -> Response:
        if not bearer(request):
            return meta_error(400, "An access token is required to request this resource.", 104)
        user_id, query = request.query_params.get("user_id"), request.query_params.get("q")
        if not user_id or not query:
            return meta_error(400, "(#100) The parameter user_id and q are required", 100)
        tag = query.lstrip("#").lower()
        if tag not in HASHTAG_IDS:
            return JSONResponse({"data": []})
        return JSONResponse({"data": [{"id": HASHTAG_IDS[tag]}]})

    @router.get("/graph.facebook.com/{version}/{hashtag_id}/top_media")
    @router.get("/graph.facebook.com/{version}/{hashtag_id}/recent_media")
    async def hashtag_media(version: str, hashtag_id: str, request: Request) -> Response:
        if not bearer(request):
            return meta_error(400, "An access token is required to request this resource.", 104)
        if not request.query_params.get("user_id"):
            return meta_error(400, "(#100) The parameter user_id is required", 100)
        names = {value: key for key, value in HASHTAG_IDS.items()}
        if hashtag_id not in names:
            return meta_error(
                400,
                f"Unsupported get request. Object with ID '{hashtag_id}' does not exist",
                100,
                type_="GraphMethodException",
                subcode=33,
            )
        tag = names[hashtag_id]
        limit = min(50, int(request.query_params.get("limit") or 25))
        media = [
            {
                "id": f"{hashtag_id}{index:04d}",
                "caption": f"{body} #{tag}",
                "media_type": "IMAGE",
                "permalink": f"https://www.instagram.com/p/EMU{hashtag_id[-6:]}{index}/",
                "timestamp": date.strftime("%Y-%m-%dT%H:%M:%S+0000"),
                "like_count": 900 - index * 40,
                "comments_count": 60 - index * 3,
            }
            for index, (_, body, date) in enumerate(_items(HASHTAGS[tag], 10, "instagram"))
        ][:limit]
        return JSONResponse({"data": media, "paging": {"cursors": {"after": "QVFIUkVNVUxBVE9S"}}})

    @router.get("/api.pinterest.com/v5/trends/keywords/{region}/top/{trend_type}")
    async def pinterest_trends(region: str, trend_type: str, request: Request) -> Response:
        if not bearer(request):
            return JSONResponse({"code": 2, "message": "Authentication failed."}, status_code=401)
        if trend_type not in ("growing", "monthly", "yearly", "seasonal"):
            return JSONResponse(
                {"code": 1, "message": f"Invalid trend_type value: {trend_type}"}, status_code=400
            )
        keywords = [
            subject.lower()
            for theme in ("balcony solar", "home composting", "sourdough baking")
            for subject in THEMES[theme][0][:3]
        ]
        limit = min(50, int(request.query_params.get("limit") or 50))
        return JSONResponse(
            {
                "trends": [
                    {
                        "keyword": keyword,
                        "pct_growth_wow": 240 - index * 20,
                        "pct_growth_mom": 120 - index * 10,
                        "pct_growth_yoy": 60 + index,
                        "time_series": {},
                    }
                    for index, keyword in enumerate(keywords[:limit])
                ]
            }
        )

    @router.get("/www.googleapis.com/youtube/v3/videos")
    async def youtube_videos(request: Request) -> Response:
        params = request.query_params
        if not params.get("key") and not bearer(request):
            return JSONResponse(
                {
                    "error": {
                        "code": 403,
                        "message": "The request is missing a valid API key.",
                        "errors": [{"reason": "forbidden", "domain": "global"}],
                    }
                },
                status_code=403,
            )
        if params.get("chart") != "mostPopular":
            return JSONResponse(
                {
                    "error": {
                        "code": 400,
                        "message": "No filter selected.",
                        "errors": [{"reason": "missingRequiredParameter"}],
                    }
                },
                status_code=400,
            )
        limit = min(50, int(params.get("maxResults") or 5))
        videos = [
            {
                "kind": "youtube#video",
                "id": f"emu{theme[:3]}{index:05d}",
                "snippet": {
                    "publishedAt": date.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "title": title,
                    "description": body,
                    "channelTitle": f"{theme.title()} Channel",
                    "tags": theme.split(),
                    "defaultAudioLanguage": "en",
                },
                "statistics": {"viewCount": str(250_000 - index * 9_000), "likeCount": "1200"},
            }
            for theme in ("heat pumps", "trail running")
            for index, (title, body, date) in enumerate(_items(theme, 6, "youtube"))
        ][:limit]
        return JSONResponse(
            {
                "kind": "youtube#videoListResponse",
                "items": videos,
                "pageInfo": {"totalResults": len(videos), "resultsPerPage": limit},
            }
        )

    return router
