"""Reading a report as a reader does: its body apart from its front matter and its reference
list, the numbered sources that list gives, and each sentence with the citations it carries.

Works on ICOP's Markdown and on the peers' (STORM, GPT-Researcher): plain Markdown with ``[n]``
citations and a numbered source list under a "References"/"Sources" heading."""

from __future__ import annotations

import re
from dataclasses import dataclass

from icop.agents.gate.text import plain

CITATION = re.compile(r"(?<!!)\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\](?!\()")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LINE_PREFIX = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d{1,3}[.)]\s+|>\s*)")
_SENTENCE_END = re.compile(r"(?<=[.!?\u3002\uff01\uff1f])\s+")
_LEADING_CITATIONS = re.compile(r"^((?:\s*\[\d{1,3}(?:\s*,\s*\d{1,3})*\])+)\s*")
_LISTED = re.compile(r"^\s*(?:[-*]\s*)?\[?(\d{1,3})[.\])]\s*(.+)$")
_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_ANGLE_URL = re.compile(r"<(https?://[^>]+)>|(https?://\S+)")
_LETTER = re.compile(r"[^\W\d_]")
REFERENCE_HEADINGS = frozenset(
    {
        "sources",
        "source",
        "references",
        "reference",
        "reference list",
        "bibliography",
        "works cited",
        "citations",
        "출처",
        "참고 문헌",
        "참고문헌",
        "참고 자료",
        "참고자료",
        "출처 및 참고 자료",
        "quellen",
        "fuentes",
        "出典",
        "参考文献",
    }
)


def without_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            return text[end + 4 :].lstrip("\n")
    return text


def is_reference_heading(title: str) -> bool:
    return " ".join(plain(title).lower().replace(":", " ").split()) in REFERENCE_HEADINGS


def split_report(text: str) -> tuple[str, str]:
    """``(body, references)``: the report without front matter, cut at its last reference-list
    heading (ICOP puts its list last; a model's own list earlier in the body stays body — it
    is a defect the metrics count, not the product's list)."""
    lines = without_front_matter(text).splitlines()
    for index in range(len(lines) - 1, -1, -1):
        heading = _HEADING.match(lines[index].strip())
        if heading and is_reference_heading(heading.group(2)):
            return "\n".join(lines[:index]).strip(), "\n".join(lines[index + 1 :]).strip()
    return "\n".join(lines).strip(), ""


@dataclass(frozen=True)
class ListedSource:
    number: int
    title: str
    url: str | None


def listed_sources(references: str) -> list[ListedSource]:
    """The numbered entries of a reference list: ``1. Title — <url>``, ``[1] [Title](url)`` …"""
    listed: list[ListedSource] = []
    for line in references.splitlines():
        match = _LISTED.match(line)
        if match is None:
            continue
        rest = match.group(2).strip()
        link = _MD_LINK.search(rest)
        url_match = _ANGLE_URL.search(rest)
        url = (
            link.group(2)
            if link
            else (url_match.group(1) or url_match.group(2) if url_match else None)
        )
        title = link.group(1) if link else _ANGLE_URL.sub("", rest)
        title = " ".join(title.replace("—", " ").split()).strip(" -.,")
        listed.append(ListedSource(int(match.group(1)), title, url))
    return listed


def cited_numbers(text: str) -> set[int]:
    return {int(part) for match in CITATION.finditer(text) for part in match.group(1).split(",")}


@dataclass(frozen=True)
class CitedUnit:
    """A sentence (or heading, or list item) and the source numbers it cites."""

    text: str
    """What a reader reads: Markdown, citations and links removed."""
    numbers: tuple[int, ...]
    paragraph: int
    heading: bool = False


def units(body: str) -> list[CitedUnit]:
    """Every sentence of ``body`` with its citations. A citation written after the full stop
    ("… heap. [2] Next …") belongs to the sentence before it."""
    found: list[CitedUnit] = []
    paragraph, in_fence = 0, False
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
            continue
        if not stripped:
            paragraph += 1
            continue
        if in_fence or stripped.startswith("!["):
            continue
        heading = bool(_HEADING.match(stripped))
        pieces = _SENTENCE_END.split(_LINE_PREFIX.sub("", stripped))
        merged: list[str] = []
        for piece in pieces:
            leading = _LEADING_CITATIONS.match(piece)
            if leading and merged:
                merged[-1] += " " + leading.group(1).strip()
                piece = piece[leading.end() :]
            if piece.strip():
                merged.append(piece)
        for piece in merged:
            numbers = tuple(sorted(cited_numbers(piece)))
            readable = " ".join(plain(piece).split())
            if _LETTER.search(readable):
                found.append(CitedUnit(readable, numbers, paragraph, heading))
    return found


def headings(body: str) -> list[tuple[int, str]]:
    """``(level, text)`` of every heading outside code fences."""
    found, in_fence = [], False
    for line in body.splitlines():
        if line.strip().startswith("```"):
            in_fence = not in_fence
            continue
        match = None if in_fence else _HEADING.match(line.strip())
        if match:
            found.append((len(match.group(1)), match.group(2)))
    return found
