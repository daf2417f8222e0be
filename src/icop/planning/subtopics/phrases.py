"""Labels cut at a phrase boundary and held to the words they name a group by: a label cut at
a character limit ended "… harvesting system for a small" (a demo run), and one the bundled
model wrote named "balloon" gardening for a group of balcony angles. Both became an article's
title."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BeforeValidator

from icop.agents.gate.support import terms
from icop.agents.schemas.common import shorten

_FUNCTION = (
    "a an the of for to in on at by with from into onto about over under without within "
    "between through and or but nor as vs your my our their its his her"
)
FUNCTION_WORDS = frozenset(_FUNCTION.split())
"""English words a phrase does not end on: an article, a preposition, a conjunction or a
possessive at the end means the phrase was cut before its noun."""

GENERIC_TITLE_WORDS = "all guide tips basics beginners ideas ways steps best essentials overview"
"""Words a title may add that name no subject (a label's every other word is the group's)."""
MIN_KEPT_WORDS = 2
NEAR_LIMIT = 0.9
"""A phrase this close to its limit whose last words include a function word ("… for a
small") was cut there: a decoder or an earlier cut stopped it, and a whole phrase is rarely
that long."""


def _trailing_stripped(words: list[str]) -> list[str]:
    while words and words[-1].casefold().strip(",;:") in FUNCTION_WORDS:
        words = words[:-1]
    return words


def shorten_phrase(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, never ending on a function word: when it has to
    be cut, cut before the phrase the limit fell in ("… system for a small garden" → "… system"),
    not inside it. Text without a phrase boundary to cut at is cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        tail = text.split()[-3:-1]
        if len(text) >= limit * NEAR_LIMIT and any(_function(word) for word in tail):
            return _cut(text, len(text))
        kept = _trailing_stripped(text.split())
        return " ".join(kept) if kept else text
    return _cut(text, limit)


def _cut(text: str, limit: int) -> str:
    words = shorten(text, limit).split()
    boundary = next(
        (i for i in range(len(words) - 1, MIN_KEPT_WORDS - 1, -1) if _function(words[i])), None
    )
    if boundary is not None:
        while boundary > MIN_KEPT_WORDS and _function(words[boundary - 1]):
            boundary -= 1
        words = words[:boundary]
    kept = _trailing_stripped(words)
    return " ".join(kept).rstrip(" ,;:-\u2013\u2014") if kept else shorten(text, limit)


def _function(word: str) -> bool:
    return word.casefold().strip(",;:") in FUNCTION_WORDS


def fit_phrase(limit: int) -> BeforeValidator:
    """Like ``fit``, cutting at a phrase boundary (see ``shorten_phrase``): a string of
    ``limit`` characters or more was cut by the decoder or is too long."""

    def _fit(value: Any) -> Any:
        if isinstance(value, str) and len(value) >= limit:
            return shorten_phrase(value, limit - 1)
        return value

    return BeforeValidator(_fit)


def unfounded_words(label: str, material: Iterable[str], language: str) -> set[str]:
    """The content words (stems) of ``label`` that neither ``material`` (the topic, the group's
    angles and keywords) nor a generic title word uses: words the model made up."""
    known = terms(" ".join([*material, GENERIC_TITLE_WORDS]), language)
    return terms(label, language) - known
