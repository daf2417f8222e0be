"""How each platform measures the length of a post's text.

Every measure here is additive over whitespace-separated pieces (the length of "a b" is the
length of "a" plus " " plus "b"), which the splitter relies on; it re-measures every finished
part anyway, so a rare non-additive case (a URL that only becomes one after a cut) costs a
retry, never an over-long post.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from enum import StrEnum

import regex

from icop.platforms.validation.twitter_text import EMOJI_RE, weighted_length

Measure = Callable[[str], int]

_PICTOGRAPHIC = regex.compile(r"\p{Extended_Pictographic}")


class LengthRule(StrEnum):
    """Which counting rule a platform applies to its text limit."""

    # X: twitter-text v3 weights, URLs 23, emoji 2 (twitter_text.py).
    X_WEIGHTED = "x_weighted"
    # Threads: "Emojis are counted as the number of UTF-8 bytes" (Threads API, Posts,
    # Limitations); everything else one per character.
    THREADS = "threads"
    # Facebook and Instagram document a number of "characters" without a definition. Meta's
    # backends count UTF-16 code units in practice (an emoji outside the BMP costs two), and
    # that reading is never shorter than a code point count, so a caption that passes here
    # passes under either reading.
    UTF16 = "utf16"


def threads_length(text: str) -> int:
    text = unicodedata.normalize("NFC", text)
    total = 0
    index = 0
    for match in EMOJI_RE.finditer(text):
        total += _plain_threads_length(text[index : match.start()])
        total += len(match.group().encode("utf-8"))
        index = match.end()
    return total + _plain_threads_length(text[index:])


def _plain_threads_length(text: str) -> int:
    # A lone pictograph the emoji pattern leaves alone (© without VS16) may still be taken for an
    # emoji by Threads: charge its bytes, the larger reading.
    return sum(len(char.encode("utf-8")) if _PICTOGRAPHIC.match(char) else 1 for char in text)


def utf16_length(text: str) -> int:
    return len(unicodedata.normalize("NFC", text).encode("utf-16-le")) // 2


def x_budget_length(text: str) -> int:
    """X's weighted length, upper bound: what every X decision is made on."""
    return weighted_length(text, upper_bound=True)


def measure_for(rule: LengthRule) -> Measure:
    if rule is LengthRule.X_WEIGHTED:
        return x_budget_length
    if rule is LengthRule.THREADS:
        return threads_length
    return utf16_length
