"""The search-provider contract and what the web adapters share."""

from __future__ import annotations

import html
import re
from typing import Protocol, runtime_checkable

from icop.research.schemas import SearchQuery, Source

SNIPPET_CHARS = 500
_TAGS = re.compile(r"<[^>]{0,200}>")


@runtime_checkable
class SearchProvider(Protocol):
    """Finds sources for a query. Raises ``SearchProviderError`` subclasses when it cannot
    answer; an answer with no results is an empty list."""

    @property
    def name(self) -> str: ...

    async def search(self, query: SearchQuery) -> list[Source]: ...


def plain(text: object) -> str:
    """Provider text without markup: engines highlight matches with <strong> and escape
    entities; prompts and citations want neither."""
    if not isinstance(text, str):
        return ""
    return " ".join(html.unescape(_TAGS.sub("", text)).split())


def clip(text: str, limit: int = SNIPPET_CHARS) -> str:
    """At most ``limit`` characters, cut at a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"
