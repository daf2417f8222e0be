"""RSS 2.0 and Atom 1.0 feeds, read by a small parser over the standard library's XML parser.

feedparser is the usual choice; it is not in our environment and a feed reader for trends
needs little of it: items/entries with their title, link, date, summary or content and id.
The XML parser is expat; a document with a DTD or entity declarations is refused before it
parses (what defusedxml does, which is not in our environment), so a hostile feed cannot
read files or blow up memory; the body is size-capped before parsing.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from icop.brand.learning.fetch import (
    MAX_REDIRECTS,
    FetchLimits,
    FetchRefused,
    Resolver,
    check_url,
    system_resolver,
)
from icop.trends.sources.base import (
    RateLimit,
    RawItem,
    RetryPolicySpec,
    SourceFailed,
    SourceRefused,
    error_for,
    rank_signal,
)

MAX_FEED_BYTES = 5 * 1024 * 1024
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_DATE = "{http://purl.org/dc/elements/1.1/}date"


@dataclass(frozen=True, slots=True)
class FeedEntry:
    id: str
    title: str
    link: str | None
    summary: str
    published_at: datetime | None
    language: str | None


def parse_feed(body: bytes) -> list[FeedEntry]:
    """The entries of an RSS 2.0 (or 0.9x) or Atom 1.0 document, in document order."""
    if len(body) > MAX_FEED_BYTES:
        raise SourceFailed(f"the feed is larger than {MAX_FEED_BYTES:,} bytes")
    if b"<!DOCTYPE" in body[:4096].upper() or b"<!ENTITY" in body.upper():
        # What defusedxml refuses: no feed needs a DTD, and entities are the XML bombs.
        raise SourceFailed("the feed declares a DTD or entities; refused")
    try:
        root = ElementTree.fromstring(body)  # noqa: S314 - DTDs refused above
    except ElementTree.ParseError as error:
        raise SourceFailed(f"the feed is not well-formed XML: {error}") from error
    if root.tag == f"{ATOM}feed":
        return _atom(root)
    channel = root.find("channel") if root.tag == "rss" else None
    if channel is None:
        raise SourceFailed(f"not an RSS or Atom feed (root element {root.tag!r})")
    return _rss(channel)


def _text(element: ElementTree.Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def _rss(channel: ElementTree.Element) -> list[FeedEntry]:
    language = _text(channel.find("language")) or None
    entries = []
    for item in channel.iter("item"):
        link = _text(item.find("link")) or None
        summary = _text(item.find(CONTENT)) or _text(item.find("description"))
        title = _text(item.find("title"))
        guid = _text(item.find("guid")) or link or _digest(title + summary)
        date = _date(_text(item.find("pubDate")) or _text(item.find(DC_DATE)))
        entries.append(FeedEntry(guid, title, link, summary, date, language))
    return entries


def _atom(feed: ElementTree.Element) -> list[FeedEntry]:
    language = feed.get("{http://www.w3.org/XML/1998/namespace}lang")
    entries = []
    for entry in feed.iter(f"{ATOM}entry"):
        link = None
        for candidate in entry.findall(f"{ATOM}link"):
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate.get("href")
                break
        title = _text(entry.find(f"{ATOM}title"))
        summary = _text(entry.find(f"{ATOM}content")) or _text(entry.find(f"{ATOM}summary"))
        ident = _text(entry.find(f"{ATOM}id")) or link or _digest(title + summary)
        date = _date(_text(entry.find(f"{ATOM}published")) or _text(entry.find(f"{ATOM}updated")))
        entry_language = entry.get("{http://www.w3.org/XML/1998/namespace}lang") or language
        entries.append(FeedEntry(ident, title, link, summary, date, entry_language))
    return entries


def _date(value: str) -> datetime | None:
    """RFC 822 (RSS) or RFC 3339 (Atom); None when neither reads."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class FeedSource:
    """One RSS or Atom feed. A feed is one request a run; the limit guards a shared host."""

    kind = "rss"
    # A feed host that blips is usually back within seconds: retry soon, three attempts.
    retry = RetryPolicySpec(maximum_attempts=3, initial_interval_s=2.0, timeout_s=60.0)

    def __init__(
        self,
        url: str,
        *,
        rate: RateLimit | None = None,
        guard: FetchLimits | None = None,
        resolver: Resolver = system_resolver,
    ) -> None:
        self.url = url
        self.rate = rate or RateLimit(per_minute=30)
        # A feed URL is a tenant admin's input fetched by our server: like brand learning's
        # pages, it and every redirect hop must be a public address (ADR 0030).
        self.guard = guard
        self.resolver = resolver

    @property
    def name(self) -> str:
        return f"rss:{self.url}"[:200]

    async def _get(self, http: httpx.AsyncClient) -> httpx.Response:
        """The feed, redirects followed hop by hop, each hop checked against the guard."""
        url = self.url
        for _ in range(MAX_REDIRECTS + 1):
            if self.guard is not None:
                try:
                    await check_url(url, self.guard, self.resolver)
                except FetchRefused as error:
                    raise SourceRefused(f"{self.url}: {error.detail}") from error
            try:
                response = await http.get(
                    url,
                    headers={"accept": "application/rss+xml, application/atom+xml, text/xml"},
                    follow_redirects=False,
                )
            except httpx.HTTPError as error:
                raise SourceFailed(f"{self.url}: {type(error).__name__}: {error}") from error
            if not response.is_redirect:
                return response
            url = str(response.next_request.url) if response.next_request else url
        raise SourceRefused(f"{self.url}: more than {MAX_REDIRECTS} redirects")

    async def fetch(self, http: httpx.AsyncClient, *, limit: int) -> list[RawItem]:
        await self.rate.wait()
        response = await self._get(http)
        if response.status_code >= 400:
            raise error_for(self.url, response)
        entries = parse_feed(response.content)
        # Newest first: a feed's order is usually that already, but not always.
        entries.sort(key=lambda e: e.published_at or datetime.min.replace(tzinfo=UTC), reverse=True)
        entries = entries[:limit]
        return [
            RawItem(
                external_id=entry.id[:500],
                title=entry.title,
                text=entry.summary,
                url=entry.link,
                published_at=entry.published_at,
                signal=rank_signal(position, len(entries)),
                language=entry.language,
            )
            for position, entry in enumerate(entries)
        ]
