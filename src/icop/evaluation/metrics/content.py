"""What an article says and how it reads: key-fact coverage, structure, repetition, length
against the brief, and the language it is written in — on the gate's shared text measures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from icop.agents.gate.support import stated
from icop.agents.gate.text import (
    distinct_ngram_ratio,
    repeated_sentences,
    script_share,
    sentences,
    word_count,
)
from icop.evaluation.metrics.markdown import headings, is_reference_heading

LENGTH_BAND = (0.7, 1.5)
"""An article within this share of the words asked for meets the brief's length."""
LANGUAGE_SHARE = 0.9
"""A brief's language is met when this share of the letters is in its script (names and
terms quoted in another script are normal, whole English paragraphs in a Korean article not)."""


@dataclass(frozen=True)
class Coverage:
    covered: tuple[str, ...]
    missed: tuple[str, ...]

    @property
    def share(self) -> float:
        total = len(self.covered) + len(self.missed)
        return len(self.covered) / total if total else 0.0


def coverage(body: str, key_facts: Sequence[str], language: str) -> Coverage:
    """A key fact is covered when one sentence of the article states it: the gate's lexical
    support, with the fact as the claim and the sentence as the passage (``stated``)."""
    found = stated(key_facts, body, language)
    return Coverage(
        tuple(fact for fact, yes in zip(key_facts, found, strict=True) if yes),
        tuple(fact for fact, yes in zip(key_facts, found, strict=True) if not yes),
    )


@dataclass(frozen=True)
class Structure:
    titles: int
    sections: int
    empty_sections: int
    reference_lists: int
    """Reference lists inside the body (the report's own list is not part of the body)."""

    @property
    def ok(self) -> bool:
        return (
            self.titles == 1
            and self.sections >= 2
            and self.empty_sections == 0
            and self.reference_lists == 0
        )


def structure(body: str) -> Structure:
    """One ``# `` title, at least two sections, no heading without text under it (before the
    next heading of the same or a higher level), and no second reference list in the body."""
    found = headings(body)
    titles = sum(1 for level, _ in found if level == 1)
    sections = sum(1 for level, text in found if level > 1 and not is_reference_heading(text))
    reference_lists = sum(1 for _, text in found if is_reference_heading(text))
    empty = 0
    lines = [line.strip() for line in body.splitlines()]
    heading_rows = [i for i, line in enumerate(lines) if line.startswith("#")]
    for position, row in enumerate(heading_rows):
        level = len(lines[row]) - len(lines[row].lstrip("#"))
        if level == 1:
            continue
        following = heading_rows[position + 1] if position + 1 < len(heading_rows) else len(lines)
        next_level = (
            len(lines[following]) - len(lines[following].lstrip("#"))
            if following < len(lines)
            else 0
        )
        text = [line for line in lines[row + 1 : following] if line and not line.startswith("![")]
        if not text and (next_level == 0 or next_level <= level):
            empty += 1
    return Structure(titles, sections, empty, reference_lists)


@dataclass(frozen=True)
class Repetition:
    sentences: int
    repeated: tuple[str, ...]
    distinct_2: float
    distinct_3: float

    @property
    def share(self) -> float:
        return len(self.repeated) / self.sentences if self.sentences else 0.0


def repetition(body: str, language: str) -> Repetition:
    return Repetition(
        sentences=len(sentences(body)),
        repeated=tuple(s[:200] for s in repeated_sentences(body)),
        distinct_2=distinct_ngram_ratio(body, 2, language),
        distinct_3=distinct_ngram_ratio(body, 3, language),
    )


@dataclass(frozen=True)
class Length:
    words: int
    asked: int

    @property
    def ratio(self) -> float:
        return self.words / self.asked if self.asked else 0.0

    @property
    def ok(self) -> bool:
        return LENGTH_BAND[0] <= self.ratio <= LENGTH_BAND[1]


def length(body: str, asked: int, language: str) -> Length:
    return Length(word_count(body, language), asked)


@dataclass(frozen=True)
class Language:
    share: float
    """Share of the body's letters in the brief's script."""

    @property
    def ok(self) -> bool:
        return self.share >= LANGUAGE_SHARE


def language(body: str, tag: str) -> Language:
    return Language(script_share(body, tag))
