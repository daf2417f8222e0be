"""The clean step: boilerplate out, then the drop rules, each drop counted by its reason.

Order matters and is fixed: text (HTML stripped, boilerplate lines removed) → empty → too old
→ too short → spam → language → exact duplicate → near duplicate (this run) → seen before
(an earlier run kept it). An item is dropped by the first rule it breaks, so the counts add up
to the items dropped.

Boilerplate removal uses the knowledge store's HTML extractor (scripts, styles and navigation
out) plus the lines feeds append to every item ("The post … appeared first on …", "Read
more", share and subscribe prompts, copyright lines). trafilatura would do more for whole web
pages, but feed items and captions are short and it is not in our environment.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from icop.knowledge.chunking import normalise_text
from icop.knowledge.extract import html_to_text
from icop.trends.dedupe import NearDuplicateIndex, content_hash, simhash
from icop.trends.language import detect_language


class DropReason(StrEnum):
    EMPTY = "empty"
    TOO_OLD = "too_old"
    TOO_SHORT = "too_short"
    SPAM = "spam"
    LANGUAGE = "language"
    DUPLICATE = "duplicate"
    NEAR_DUPLICATE = "near_duplicate"
    SEEN_BEFORE = "seen_before"


MAX_TEXT_CHARS = 4_000
"""Longer texts are cut (not dropped): a trend item is evidence, not an archive."""

_HTML = re.compile(r"<\s*(p|div|br|a|span|img|ul|li|h[1-6]|strong|em|b|i)\b", re.IGNORECASE)
_BOILERPLATE = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"the post .{1,300} appeared first on .{1,200}$",
        r"^(read more|continue reading|read the full (story|article)|click here)\b.*$",
        r"^(share this|share on|follow us|subscribe|sign up for|join our newsletter)\b.*$",
        r"^(we use cookies|this site uses cookies)\b.*$",
        r"^(©|\(c\)|copyright\b).*$",
        r"\ball rights reserved\.?$",
        r"\[(…|\.\.\.)\]$",
    )
]
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_HASHTAG = re.compile(r"(?<!\w)#\w+", re.UNICODE)
_WORDS = re.compile(r"\S+")
_REPEATED = re.compile(r"(.)\1{7,}")
_SPAM_PHRASES = re.compile(
    r"\b(free followers|buy followers|get followers|link in (my )?bio|dm (me )?for (promo|collab)"
    r"|follow for follow|f4f|l4l|like for like|earn \$?\d+ (a|per) (day|hour)"
    r"|crypto giveaway|100% free|limited time offer|work from home and earn)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class CleanRules:
    min_chars: int = 40
    max_age: timedelta | None = timedelta(days=30)
    languages: frozenset[str] = frozenset()
    """Kept languages; empty keeps every language. Undetectable text is kept."""


@dataclass(frozen=True, slots=True)
class ItemText:
    title: str
    text: str
    published_at: datetime | None = None
    language: str | None = None
    """The source's own language tag, if it gives one (trusted before detection)."""


@dataclass(frozen=True, slots=True)
class CleanedItem:
    index: int
    title: str
    text: str
    language: str | None
    content_hash: str
    simhash: int


@dataclass(slots=True)
class CleanResult:
    kept: list[CleanedItem] = field(default_factory=list)
    dropped: dict[int, DropReason] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(str(reason) for reason in self.dropped.values()))


def strip_boilerplate(text: str) -> str:
    if _HTML.search(text):
        text = html_to_text(text).text
    lines = []
    for line in normalise_text(text).split("\n"):
        stripped = line.strip()
        for pattern in _BOILERPLATE:
            stripped = pattern.sub("", stripped).strip()
        if stripped:
            lines.append(stripped)
    return "\n".join(lines)


def spam_reason(text: str) -> str | None:
    """Why the text reads as spam, or None."""
    words = _WORDS.findall(text)
    if len(_URL.findall(text)) > 3:
        return "links"
    hashtags = len(_HASHTAG.findall(text))
    if hashtags > 10 or (len(words) >= 5 and hashtags / len(words) > 0.5):
        return "hashtags"
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) >= 20 and sum(ch.isupper() for ch in letters) / len(letters) > 0.7:
        return "shouting"
    if _REPEATED.search(text):
        return "repeated characters"
    if _SPAM_PHRASES.search(text):
        return "spam phrase"
    return None


def item_text(title: str, body: str) -> str:
    """The text an item is judged, embedded and stored by: its title, then its body unless the
    body merely repeats it."""
    title, body = title.strip(), body.strip()
    if not title or body.lower().startswith(title.lower()):
        return body
    return f"{title}\n{body}" if body else title


def clean_items(
    items: Sequence[ItemText],
    rules: CleanRules,
    *,
    now: datetime,
    seen: NearDuplicateIndex | None = None,
) -> CleanResult:
    """``seen``: what earlier runs kept (exact hashes and SimHashes), for ``seen_before``."""
    result = CleanResult()
    current = NearDuplicateIndex()
    for index, item in enumerate(items):
        title = strip_boilerplate(item.title).replace("\n", " ")[:500]
        text = item_text(title, strip_boilerplate(item.text))[:MAX_TEXT_CHARS]
        reason = _first_rule_broken(item, text, rules, now)
        language = item.language.split("-")[0].lower() if item.language else None
        if reason is None:
            language = language or detect_language(text)
            if rules.languages and language is not None and language not in rules.languages:
                reason = DropReason.LANGUAGE
        if reason is None:
            exact, value = content_hash(text), simhash(text)
            if current.is_exact(exact):
                reason = DropReason.DUPLICATE
            elif current.is_near(value):
                reason = DropReason.NEAR_DUPLICATE
            elif seen is not None and (seen.is_exact(exact) or seen.is_near(value)):
                reason = DropReason.SEEN_BEFORE
            else:
                current.add(exact, value)
                result.kept.append(CleanedItem(index, title, text, language, exact, value))
                continue
        result.dropped[index] = reason
    return result


def _first_rule_broken(
    item: ItemText, text: str, rules: CleanRules, now: datetime
) -> DropReason | None:
    if not text.strip():
        return DropReason.EMPTY
    too_old = rules.max_age is not None and item.published_at is not None
    if too_old and item.published_at < now - rules.max_age:  # type: ignore[operator]
        return DropReason.TOO_OLD
    if len(text) < rules.min_chars:
        return DropReason.TOO_SHORT
    if spam_reason(text) is not None:
        return DropReason.SPAM
    return None
