"""Each trend source at the wire level (respx) against the documented shapes: the request it
sends, what it makes of the answer, and its error paths (retryable or final)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
import respx

from icop.brand.learning.fetch import FetchLimits
from icop.trends.sources.base import RateLimit, SourceFailed, SourceRefused
from icop.trends.sources.instagram import InstagramHashtagSource
from icop.trends.sources.pinterest import PinterestTrendsSource
from icop.trends.sources.rss import FeedSource, parse_feed
from icop.trends.sources.youtube import YouTubeMostPopularSource

FAST = RateLimit(per_minute=60_000)

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"\n xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Garden news</title><link>https://news.example</link><language>en-gb</language>
<item><title>Worm bins are back</title><link>https://news.example/worms</link>
<guid isPermaLink="false">g-1</guid><pubDate>Mon, 07 Dec 2026 08:00:00 GMT</pubDate>
<description>Short summary</description>
<content:encoded><![CDATA[<p>Worm bins turn scraps into soil.</p><p>Read more</p>]]>
</content:encoded>
</item>
<item><title>Older news</title><link>https://news.example/old</link>
<pubDate>Sun, 06 Dec 2026 08:00:00 +0000</pubDate><description>Old &amp; good</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">
<title>Energie</title><id>urn:feed</id><updated>2026-12-07T09:00:00Z</updated>
<entry><id>urn:e1</id><title>Balkonkraftwerke boomen</title>
<link rel="self" href="https://e.example/self"/><link href="https://e.example/e1"/>
<published>2026-12-07T09:00:00Z</published><summary>Mehr Anlagen als je zuvor.</summary></entry>
</feed>"""


async def test_rss_items_newest_first_with_content_and_dates() -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get("https://news.example/feed.xml").respond(200, content=RSS)
        async with httpx.AsyncClient() as http:
            items = await FeedSource("https://news.example/feed.xml", rate=FAST).fetch(
                http, limit=10
            )
    assert "rss+xml" in route.calls[0].request.headers["accept"]
    assert [item.external_id for item in items] == ["g-1", "https://news.example/old"]
    first = items[0]
    # content:encoded wins over the description; dates are read as UTC.
    assert first.text.startswith("<p>Worm bins") and first.language == "en-gb"
    assert first.published_at == datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert first.signal > items[1].signal
    assert items[1].text == "Old & good"


def test_atom_entries_take_the_alternate_link_and_the_feed_language() -> None:
    (entry,) = parse_feed(ATOM)
    assert (entry.id, entry.link, entry.language) == ("urn:e1", "https://e.example/e1", "de")
    assert entry.published_at == datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html><body>not a feed</body></html>", "not an RSS or Atom feed"),
        (b"<rss><channel><item>", "not well-formed"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><rss>&lol;</rss>',
            "DTD or entities",
        ),
    ],
)
def test_unreadable_or_hostile_feeds_are_refused(body: bytes, message: str) -> None:
    with pytest.raises(SourceFailed, match=message):
        parse_feed(body)


async def test_feed_errors_are_retryable_or_final_by_status() -> None:
    source = FeedSource("https://news.example/feed.xml", rate=FAST)
    with respx.mock() as mock:
        mock.get("https://news.example/feed.xml").mock(
            side_effect=[httpx.Response(503), httpx.Response(404), httpx.ConnectError("down")]
        )
        async with httpx.AsyncClient() as http:
            with pytest.raises(SourceFailed) as server:
                await source.fetch(http, limit=5)
            assert not isinstance(server.value, SourceRefused)
            with pytest.raises(SourceRefused):
                await source.fetch(http, limit=5)
            with pytest.raises(SourceFailed, match="ConnectError"):
                await source.fetch(http, limit=5)


def _instagram() -> InstagramHashtagSource:
    return InstagramHashtagSource(
        graph_url="https://graph.facebook.com",
        version="v24.0",
        user_id="17841405309211844",
        access_token="tok",
        hashtag="#Composting",
        rate=FAST,
    )


async def test_instagram_searches_the_hashtag_then_reads_its_top_media() -> None:
    with respx.mock(assert_all_called=True) as mock:
        search = mock.get("https://graph.facebook.com/v24.0/ig_hashtag_search").respond(
            200, json={"data": [{"id": "17873440459141021"}]}
        )
        media = mock.get("https://graph.facebook.com/v24.0/17873440459141021/top_media").respond(
            200,
            json={
                "data": [
                    {
                        "id": "17880997618081620",
                        "caption": "Our worm bin after a month\n#composting",
                        "media_type": "IMAGE",
                        "permalink": "https://www.instagram.com/p/abc/",
                        "timestamp": "2026-12-07T08:15:00+0000",
                        "like_count": 120,
                        "comments_count": 8,
                    }
                ],
                "paging": {"cursors": {"after": "QVFIUm"}},
            },
        )
        async with httpx.AsyncClient() as http:
            (item,) = await _instagram().fetch(http, limit=10)
    assert search.calls[0].request.url.params["q"] == "composting"
    assert search.calls[0].request.url.params["user_id"] == "17841405309211844"
    assert search.calls[0].request.headers["authorization"] == "Bearer tok"
    params = media.calls[0].request.url.params
    assert "caption" in params["fields"] and params["user_id"] == "17841405309211844"
    assert item.title == "Our worm bin after a month" and item.url.endswith("/p/abc/")
    assert item.published_at == datetime(2026, 12, 7, 8, 15, tzinfo=UTC)


async def test_instagram_errors() -> None:
    with respx.mock() as mock:
        route = mock.get("https://graph.facebook.com/v24.0/ig_hashtag_search")
        route.side_effect = [
            httpx.Response(
                400,
                json={
                    "error": {
                        "message": "Invalid OAuth access token.",
                        "type": "OAuthException",
                        "code": 190,
                        "fbtrace_id": "A1",
                    }
                },
            ),
            httpx.Response(500, json={"error": {"message": "An unknown error", "code": 1}}),
            httpx.Response(200, json={"data": []}),
        ]
        async with httpx.AsyncClient() as http:
            with pytest.raises(SourceRefused, match="Invalid OAuth"):
                await _instagram().fetch(http, limit=5)
            with pytest.raises(SourceFailed, match="HTTP 500"):
                await _instagram().fetch(http, limit=5)
            with pytest.raises(SourceRefused, match="no hashtag #composting"):
                await _instagram().fetch(http, limit=5)


async def test_pinterest_trending_keywords_become_items_signalled_by_growth() -> None:
    url = "https://api.pinterest.com/v5/trends/keywords/US/top/growing"
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(url).respond(
            200,
            json={
                "trends": [
                    {
                        "keyword": "balcony garden",
                        "pct_growth_wow": 300,
                        "pct_growth_mom": 90,
                        "pct_growth_yoy": 40,
                        "time_series": {"2026-12-06": 88},
                    },
                    {
                        "keyword": "winter soup",
                        "pct_growth_wow": -5,
                        "pct_growth_mom": 2,
                        "pct_growth_yoy": 1,
                        "time_series": {},
                    },
                ]
            },
        )
        async with httpx.AsyncClient() as http:
            source = PinterestTrendsSource(
                api_url="https://api.pinterest.com", access_token="pin", region="US", rate=FAST
            )
            items = await source.fetch(http, limit=10)
    assert route.calls[0].request.headers["authorization"] == "Bearer pin"
    assert route.calls[0].request.url.params["limit"] == "10"
    assert [item.title for item in items] == ["balcony garden", "winter soup"]
    assert "+300% week over week" in items[0].text
    assert items[0].signal > 0.8 and items[1].signal == 0.0


async def test_pinterest_errors() -> None:
    url = "https://api.pinterest.com/v5/trends/keywords/US/top/growing"
    with respx.mock() as mock:
        mock.get(url).mock(
            side_effect=[
                httpx.Response(401, json={"code": 2, "message": "Authentication failed."}),
                httpx.Response(429, json={"code": 8, "message": "Rate limit exceeded."}),
            ]
        )
        async with httpx.AsyncClient() as http:
            source = PinterestTrendsSource(
                api_url="https://api.pinterest.com", access_token="x", region="US", rate=FAST
            )
            with pytest.raises(SourceRefused, match="Authentication failed"):
                await source.fetch(http, limit=5)
            with pytest.raises(SourceFailed, match="429"):
                await source.fetch(http, limit=5)
    with pytest.raises(ValueError, match="trend_type"):
        PinterestTrendsSource(api_url="x", access_token="x", region="US", trend_type="hot")


async def test_youtube_most_popular() -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get("https://www.googleapis.com/youtube/v3/videos").respond(
            200,
            json={
                "kind": "youtube#videoListResponse",
                "items": [
                    {
                        "kind": "youtube#video",
                        "id": "dQw4w9WgXcQ",
                        "snippet": {
                            "publishedAt": "2026-12-06T18:00:00Z",
                            "title": "Heat pumps explained",
                            "description": "How they work in old houses.",
                            "tags": ["heat pump", "energy"],
                            "defaultAudioLanguage": "en",
                        },
                        "statistics": {"viewCount": "1000000", "likeCount": "5"},
                    }
                ],
                "pageInfo": {"totalResults": 1, "resultsPerPage": 5},
            },
        )
        async with httpx.AsyncClient() as http:
            source = YouTubeMostPopularSource(
                api_url="https://www.googleapis.com", api_key="key", region="KR", rate=FAST
            )
            (item,) = await source.fetch(http, limit=5)
    params = route.calls[0].request.url.params
    assert (params["chart"], params["regionCode"], params["key"]) == ("mostPopular", "KR", "key")
    assert params["part"] == "snippet,statistics"
    assert item.url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert "#heat pump" in item.text and item.language == "en" and item.signal == 0.75


async def test_youtube_quota_exceeded_is_final() -> None:
    with respx.mock() as mock:
        mock.get("https://www.googleapis.com/youtube/v3/videos").respond(
            403,
            json={
                "error": {
                    "code": 403,
                    "message": "The request cannot be completed because "
                    "you have exceeded your quota.",
                    "errors": [{"reason": "quotaExceeded", "domain": "youtube.quota"}],
                }
            },
        )
        async with httpx.AsyncClient() as http:
            source = YouTubeMostPopularSource(
                api_url="https://www.googleapis.com", api_key="key", region="US", rate=FAST
            )
            with pytest.raises(SourceRefused, match="quota"):
                await source.fetch(http, limit=5)


async def test_rate_limit_spaces_requests() -> None:
    limit = RateLimit(per_minute=1200)  # one every 50 ms
    started = datetime.now(UTC)
    for _ in range(3):
        await limit.wait()
    assert (datetime.now(UTC) - started).total_seconds() >= 0.09


async def test_a_feed_on_an_internal_address_or_redirecting_there_is_never_requested() -> None:
    """Feed URLs are a tenant admin's input fetched by our server: the brand fetch guard checks
    the URL and each redirect hop (DNS answers included) before any request."""
    addresses = {
        "news.example": ["93.184.216.34"],
        "metadata.example": ["169.254.169.254"],
        "intranet.example": ["10.0.0.1"],
        "127.0.0.1": ["127.0.0.1"],
    }

    async def resolver(host: str, port: int) -> list[str]:
        return addresses[host]

    guard = FetchLimits()
    with respx.mock(assert_all_called=False) as mock:
        mock.get("https://news.example/feed.xml").respond(
            302, headers={"location": "http://metadata.example/latest/meta-data/"}
        )
        internal = mock.get("http://metadata.example/latest/meta-data/").respond(200, content=RSS)
        async with httpx.AsyncClient() as http:
            redirected = FeedSource(
                "https://news.example/feed.xml", rate=FAST, guard=guard, resolver=resolver
            )
            with pytest.raises(SourceRefused, match="link-local"):
                await redirected.fetch(http, limit=5)
            for url in ("http://127.0.0.1/feed.xml", "https://intranet.example/feed.xml"):
                direct = FeedSource(url, rate=FAST, guard=guard, resolver=resolver)
                with pytest.raises(SourceRefused, match="only public pages"):
                    await direct.fetch(http, limit=5)
        assert not internal.called
        assert len(mock.calls) == 1  # the public feed's redirect, and nothing after it
