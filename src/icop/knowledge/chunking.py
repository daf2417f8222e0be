"""Split a document into overlapping chunks of about ``target`` characters.

Chunks follow the text's own structure: paragraphs are kept whole when they fit, long
paragraphs are cut between sentences, and only a sentence longer than a whole chunk is cut
between words. Each chunk after the first repeats the last sentences of the one before (up to
``overlap`` characters), so a fact that straddles a boundary is still found by either chunk.

~800 characters is ~160-200 MiniLM tokens: under its 256-token window, so nothing is silently
truncated, and small enough that a chunk is about one thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PARAGRAPH = "\n\n"
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
# A sentence ends at . ! ? … followed by space, or at a CJK full stop (no space follows those).
_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])\s+|(?<=[\u3002\uff01\uff1f])\s*")


@dataclass(frozen=True)
class _Unit:
    text: str
    starts_paragraph: bool


def normalise_text(text: str) -> str:
    """Unix newlines, no trailing spaces, at most one blank line in a row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", PARAGRAPH, "\n".join(lines)).strip()


def chunk_text(text: str, *, target: int = 800, overlap: int = 120) -> list[str]:
    if target < 50:
        raise ValueError("target must be at least 50 characters")
    if not 0 <= overlap <= target // 2:
        raise ValueError("overlap must be between 0 and half the target")
    chunks: list[str] = []
    current: list[_Unit] = []
    for unit in _units(normalise_text(text), target):
        if current and len(_render([*current, unit])) > target:
            chunks.append(_render(current))
            current = _tail(current, overlap)
            if len(_render([*current, unit])) > target:
                current = []
        current.append(unit)
    if current:
        chunks.append(_render(current))
    return chunks


def _render(units: list[_Unit]) -> str:
    parts: list[str] = []
    for index, unit in enumerate(units):
        if index:
            parts.append(PARAGRAPH if unit.starts_paragraph else " ")
        parts.append(unit.text)
    return "".join(parts)


def _units(text: str, target: int) -> list[_Unit]:
    units: list[_Unit] = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        flat = " ".join(paragraph.split())
        if not flat:
            continue
        if len(flat) <= target:
            units.append(_Unit(flat, True))
            continue
        first = True
        for sentence in (s for s in _SENTENCE_END.split(flat) if s.strip()):
            pieces = [sentence] if len(sentence) <= target else _split_words(sentence, target)
            for piece in pieces:
                units.append(_Unit(piece, first))
                first = False
    return units


def _split_words(sentence: str, target: int) -> list[str]:
    """Greedy word packing; a single word longer than ``target`` is cut into slices."""
    pieces: list[str] = []
    current = ""
    for word in sentence.split(" "):
        while len(word) > target:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(word[:target])
            word = word[target:]
        if not word:
            continue
        if current and len(current) + 1 + len(word) > target:
            pieces.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        pieces.append(current)
    return pieces


def _tail(units: list[_Unit], overlap: int) -> list[_Unit]:
    """The trailing sentences of a chunk that fit in ``overlap`` characters (or, when the last
    sentence alone is longer, its last words)."""
    if overlap == 0:
        return []
    tail: list[_Unit] = []
    for unit in reversed(units):
        if len(_render([unit, *tail])) > overlap:
            break
        tail.insert(0, unit)
    if tail:
        return tail
    words = units[-1].text.split(" ")
    kept: list[str] = []
    while words and len(" ".join([words[-1], *kept])) <= overlap:
        kept.insert(0, words.pop())
    return [_Unit(" ".join(kept), False)] if kept else []
