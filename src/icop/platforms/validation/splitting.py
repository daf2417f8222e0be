"""Cutting a text that is too long: into a thread of parts, or down to one shortened post.

The text is cut into atoms: whitespace runs and words. A word longer than a whole part (a CJK
paragraph has no spaces, a pasted hash has no breaks) is cut further into URLs and grapheme
clusters, so no cut ever lands inside a URL, an emoji sequence, a flag or a letter with its
combining marks. Every boundary gets a score (paragraph > sentence > clause > word > inside a
word) and each part ends at the best-scoring boundary in its second half, so parts end on whole
sentences where the text allows it. Whitespace at a cut is dropped; nothing else is: the parts,
concatenated, give back the text's characters in order.

Each part is re-measured as a whole before it is accepted (see lengths.py on additivity), so
the guarantee "every part fits" holds for any measure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import regex

from icop.platforms.validation.lengths import Measure
from icop.platforms.validation.twitter_text import extract_urls

# Breakable whitespace; no-break spaces (U+00A0, U+2007, U+202F) are kept inside words, and so
# is a space that carries a combining mark or joiner (one grapheme cluster with it).
_SPACE_RUN: Final = regex.compile(
    r"(?:[ \t\n\r\f\v\u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000]"
    r"(?![\p{Grapheme_Cluster_Break=Extend}\p{Grapheme_Cluster_Break=ZWJ}"
    r"\p{Grapheme_Cluster_Break=SpacingMark}]))+"
)
_GRAPHEME: Final = regex.compile(r"\X")
_CLOSERS = "\"'\u201d\u2019)\\]\u300d\u300f\u300b"
_SENTENCE_END: Final = regex.compile(rf"[.!?\u2026\u3002\uff01\uff1f\u203c\u2049][{_CLOSERS}]*$")
_CLAUSE_END: Final = regex.compile(rf"[,;:\u2014\u2013\uff0c\u3001\uff1b\uff1a][{_CLOSERS}]*$")

# Boundary scores: higher is a better place to cut.
_PARAGRAPH: Final = 40
_SENTENCE: Final = 30
_CLAUSE: Final = 20
_WORD: Final = 10
_GRAPHEME_CUT: Final = 1
# How full a part must be before a better boundary wins over a later one: a paragraph break
# is worth a part that is a third full, a sentence end one that is half full; below that the
# part would look cut short, and the latest boundary wins.
_MIN_FILL_PARAGRAPH: Final = 1 / 3
_MIN_FILL: Final = 1 / 2

Numbering = Literal["auto", "always", "never"]


@dataclass(frozen=True, slots=True)
class _Atom:
    text: str
    weight: int
    space: bool
    # For a space: the score of cutting here. For a piece of an over-long word: the score of
    # cutting right after it.
    score: int


@dataclass(frozen=True, slots=True)
class _Cut:
    end: int  # atoms[start:end] form the part
    next_start: int
    score: int
    fill: int


@dataclass(frozen=True, slots=True)
class Split:
    parts: tuple[str, ...]
    numbered: bool


def _ending_score(text: str) -> int:
    if _SENTENCE_END.search(text):
        return _SENTENCE
    if _CLAUSE_END.search(text):
        return _CLAUSE
    return _WORD


def _space_score(space: str, before: str) -> int:
    newlines = space.count("\n")
    if newlines >= 2:
        return _PARAGRAPH
    if newlines == 1:
        return max(_SENTENCE, _ending_score(before))
    return _ending_score(before)


def _pieces(word: str, budget: int, measure: Measure) -> list[str]:
    """An over-long word as URLs and grapheme clusters (code points only for a cluster that
    alone exceeds the budget, e.g. hundreds of stacked combining marks)."""
    out: list[str] = []

    def graphemes(segment: str) -> None:
        for cluster in _GRAPHEME.findall(segment):
            if measure(cluster) <= budget:
                out.append(cluster)
            else:
                out.extend(cluster)

    position = 0
    for url in extract_urls(word):
        graphemes(word[position : url.start])
        link = word[url.start : url.end]
        if measure(link) <= budget:
            out.append(link)
        else:
            graphemes(link)  # longer than a part: X will not shorten it either, so cut it
        position = url.end
    graphemes(word[position:])
    return out


def _atoms(text: str, budget: int, measure: Measure) -> list[_Atom]:
    atoms: list[_Atom] = []
    position = 0
    previous_word = ""

    def add_word(word: str) -> None:
        weight = measure(word)
        if weight <= budget:
            atoms.append(_Atom(word, weight, space=False, score=_WORD))
            return
        for piece in _pieces(word, budget, measure):
            score = _ending_score(piece) if len(piece) == 1 else _GRAPHEME_CUT
            if score == _WORD:
                score = _GRAPHEME_CUT
            atoms.append(_Atom(piece, measure(piece), space=False, score=score))

    for match in _SPACE_RUN.finditer(text):
        if match.start() > position:
            previous_word = text[position : match.start()]
            add_word(previous_word)
        space = match.group()
        score = _space_score(space, previous_word)
        atoms.append(_Atom(space, measure(space), space=True, score=score))
        position = match.end()
    if position < len(text):
        add_word(text[position:])
    for atom in atoms:
        if atom.weight > budget:
            raise ValueError(f"budget {budget} is smaller than one character ({atom.text!r})")
    return atoms


def _candidates(atoms: list[_Atom], start: int, budget: int) -> tuple[list[_Cut], bool]:
    """Possible ends for a part starting at `start`, and whether the rest of the text overflows
    (if not, the whole rest is the last part)."""
    cuts: list[_Cut] = []
    total = 0
    for index in range(start, len(atoms)):
        atom = atoms[index]
        if atom.space:
            cuts.append(_Cut(index, index + 1, atom.score, total))
            total += atom.weight
            continue
        if total + atom.weight > budget:
            return cuts, True
        total += atom.weight
        if index + 1 < len(atoms) and not atoms[index + 1].space:
            cuts.append(_Cut(index + 1, index + 1, atom.score, total))
    return cuts, False


def _ranked(cuts: list[_Cut], budget: int) -> list[_Cut]:
    def full_enough_for(cut: _Cut) -> bool:
        ratio = _MIN_FILL_PARAGRAPH if cut.score >= _PARAGRAPH else _MIN_FILL
        return cut.fill >= budget * ratio

    full_enough: list[_Cut] = []
    rest: list[_Cut] = []
    for cut in cuts:
        (full_enough if full_enough_for(cut) else rest).append(cut)
    full_enough.sort(key=lambda cut: (cut.score, cut.fill), reverse=True)
    rest.sort(key=lambda cut: cut.fill, reverse=True)
    return full_enough + rest


def _pack(text: str, budget: int, measure: Measure) -> list[tuple[str, int]]:
    """Parts of at most `budget`, each with the score of the boundary it ends on."""
    atoms = _atoms(text, budget, measure)
    parts: list[tuple[str, int]] = []
    start = 0
    while start < len(atoms) and atoms[start].space:
        start += 1
    while start < len(atoms):
        cuts, overflow = _candidates(atoms, start, budget)
        if not overflow:
            end = len(atoms)
            while end > start and atoms[end - 1].space:
                end -= 1
            rest = "".join(a.text for a in atoms[start:end])
            if measure(rest) <= budget:
                parts.append((rest, _PARAGRAPH))
                break
        for cut in _ranked(cuts, budget):
            candidate = "".join(a.text for a in atoms[start : cut.end])
            if measure(candidate) <= budget:
                parts.append((candidate, cut.score))
                start = cut.next_start
                break
        else:  # pragma: no cover - needs a measure that grows when text is removed
            raise RuntimeError("no cut fits the budget")
        while start < len(atoms) and atoms[start].space:
            start += 1
    return parts


def _wants_numbers(numbering: Numbering, count: int) -> bool:
    if numbering == "never":
        return False
    return count >= (2 if numbering == "always" else 3)


def split_into_parts(
    text: str, limit: int, measure: Measure, *, numbering: Numbering = "auto"
) -> Split:
    """Cut `text` into parts of at most `limit` (as `measure` counts), numbered " 2/5" at the
    end when `numbering` asks for it. A text that fits comes back as one part."""
    parts = [part for part, _ in _pack(text, limit, measure)]
    if not _wants_numbers(numbering, len(parts)):
        return Split(tuple(parts), numbered=False)
    digits = len(str(len(parts)))
    while True:
        widest = "9" * digits
        reserve = measure(f" {widest}/{widest}")
        parts = [part for part, _ in _pack(text, limit - reserve, measure)]
        if len(str(len(parts))) <= digits:
            break
        digits += 1
    total = len(parts)
    numbered = tuple(f"{part} {index}/{total}" for index, part in enumerate(parts, start=1))
    return Split(numbered, numbered=True)


def shorten(text: str, limit: int, measure: Measure, *, ellipsis: str = "\u2026") -> str:
    """`text` cut to fit `limit`, at a sentence end if one is in the second half, else at a word
    boundary with an ellipsis."""
    if measure(text) <= limit:
        return text
    room = limit - measure(ellipsis)
    part, score = _pack(text, room, measure)[0]
    if score >= _SENTENCE:
        return part
    return part + ellipsis
