"""X rejects a post whose text duplicates one of the account's recent posts (403, "duplicate
content"), and it does not compare byte for byte: a different t.co link or different spacing
does not make a post new. So texts are compared after normalising what X ignores or rewrites:
case, whitespace, invisible characters and URLs (all URLs read as one placeholder).

Near duplicates are reported too, because X's matching is not documented and a post that
differs by a word may still be refused; the caller decides.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Final

import regex

from icop.platforms.validation.twitter_text import extract_urls

_LOOSE_URL: Final = regex.compile(r"(?i)\b(?:https?://|www\.)\S+")
_INVISIBLE: Final = regex.compile(r"[\u200b-\u200d\u2060\ufeff\ufe0e\ufe0f]")
_SPACES: Final = regex.compile(r"\s+")


def normalize_for_comparison(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    for url in reversed(extract_urls(text)):
        text = text[: url.start] + " <url> " + text[url.end :]
    text = _LOOSE_URL.sub(" <url> ", text)  # also URLs X would not link but may still expand
    text = _INVISIBLE.sub("", text).casefold()
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class DuplicateMatch:
    recent_index: int  # which of the recent texts it matches
    ratio: float  # 1.0 for an exact match after normalising
    exact: bool


def find_duplicate(text: str, recent: tuple[str, ...], near_ratio: float) -> DuplicateMatch | None:
    """The closest recent text that `text` duplicates (exactly, or at least `near_ratio`
    similar), or None. An empty text (a media-only post) duplicates nothing."""
    mine = normalize_for_comparison(text)
    if not mine:
        return None
    best: DuplicateMatch | None = None
    for index, other in enumerate(recent):
        theirs = normalize_for_comparison(other)
        if theirs == mine:
            return DuplicateMatch(index, 1.0, exact=True)
        matcher = SequenceMatcher(None, mine, theirs, autojunk=False)
        # the cheap upper bounds first: most recent posts are nothing alike
        if matcher.real_quick_ratio() < near_ratio or matcher.quick_ratio() < near_ratio:
            continue
        ratio = matcher.ratio()
        if ratio >= near_ratio and (best is None or ratio > best.ratio):
            best = DuplicateMatch(index, ratio, exact=False)
    return best
