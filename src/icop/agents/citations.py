"""Citations: deterministic code, not a model's job. Sources usable for citing (numbered 1..n),
the researcher's claims checked against them, and citations added to the lines (paragraphs, list
items) a model left uncited when one of their sentences plainly restates a researched claim or
source. The gate (icop.agents.gate) checks every citation against its passage and assembles the
file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from icop.agents.schemas import (
    CitedSource,
    Claim,
    ImageAsset,
    SeoMeta,
    Source,
)

# [3] or [2, 5] but not a Markdown link "[text](url)" or an image "![alt](url)".
_CITATION = re.compile(r"(?<!!)\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\](?!\()")
# A sentence ends at . ! ? before a space or the end, or at a line's end (a list item); the
# stops of "e.g." or "3.5" are not ends (a citation once landed in "(e [1].g., leaves").
_SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?![\s.!?]|$))+(?:[.!?]+|(?=\n)|$)")
_INITIALS = re.compile(r"\b(?:[^\W\d_]\.){2,}")
_TERM_ANY = re.compile(r"[^\W\d_]+")
_NOT_PROSE = ("#", "!", "|", ">", "```", "<")
# Words too common to tell whose text a sentence restates (terms have four letters or more).
_COMMON = (
    "about also been being both could does each even every from have here into just like made "
    "make many more most much must need only other over same should some such than that their "
    "them then there these they this those very what when where which while will with would "
    "your yours"
)
_COMMON_WORDS = frozenset(_COMMON.split())
MIN_SHARED_TERMS = 3
MIN_SENTENCE_COVERAGE = 0.4
"""An uncited sentence is attributed to a claim or source only when at least this many of its
content words (and this share of them) come from it: close restatement, not a shared topic."""


def cited_numbers(text: str) -> list[int]:
    numbers = {
        int(part) for match in _CITATION.finditer(text) for part in match.group(1).split(",")
    }
    return sorted(numbers)


@dataclass(frozen=True)
class Evidence:
    """Something an article may restate: a researched claim or a source's passage."""

    text: str
    sources: tuple[int, ...]


def evidence(claims: Iterable[Claim], sources: Iterable[Source]) -> list[Evidence]:
    return [Evidence(c.text, tuple(c.sources)) for c in claims] + [
        Evidence(f"{s.title}. {s.snippet}", (s.number,)) for s in sources
    ]


_DENSE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d{1,2}[.)])\s+")
DENSE_COMMON_SHARE = 0.5
"""A Hangul/CJK bigram found in more than this share of the evidence is an ending or a
particle ("니다", "에서"), not content: it tells no source from another."""


def _terms(text: str) -> set[str]:
    # Lower-cased, a plural "s" dropped: "piles" supports "pile". Hangul, kana and Han words
    # are short and inflected, so they count as character bigrams ("퇴비를" → 퇴비, 비를).
    terms: set[str] = set()
    for word in (word.lower() for word in _TERM_ANY.findall(text)):
        if _DENSE.search(word):
            terms.update(word[i : i + 2] for i in range(len(word) - 1))
        elif len(word) >= 4 and word not in _COMMON_WORDS:
            terms.add(word.removesuffix("s"))
    return terms


def ground(body: str, support: Sequence[Evidence]) -> tuple[str, list[int]]:
    """``body`` with a citation added to each uncited line of prose (a paragraph, a list item)
    whose best sentence restates a claim or a source, and the source numbers added. Small
    models often write the research into the text without its ``[n]`` (the bundled model
    listed a Korean source's sentences as bullets, three of twelve cited); an article must
    still show its sources, and attribution by close wording is safer than asking again."""
    supports = [(item, _terms(item.text)) for item in support]
    supports = _without_common_bigrams(supports)
    lines, added, in_code = body.split("\n"), set[int](), False
    for index, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        item = _LIST_MARK.match(line)
        text = line[item.end() :] if item else line
        if in_code or not text.strip() or text.lstrip().startswith(_NOT_PROSE):
            continue
        if _CITATION.search(text):
            continue
        cited = _cited(text, supports)
        if cited is None:
            continue
        end, numbers = cited
        start = item.end() if item else 0
        cut = start + len(text[:end].rstrip().rstrip(".!?\u3002"))
        marks = "".join(f"[{n}]" for n in numbers)
        lines[index] = f"{line[:cut]} {marks}{line[cut:]}"
        added.update(numbers)
    return "\n".join(lines), sorted(added)


def _cited(
    text: str, supports: Sequence[tuple[Evidence, set[str]]]
) -> tuple[int, tuple[int, ...]] | None:
    """Where in ``text`` a citation goes (the end of its sentence that best restates a piece
    of evidence) and the sources, or None when no sentence restates any."""
    best: tuple[float, int, tuple[int, ...]] | None = None
    # Initials ("e.g.", "U.S.") masked: same length, so positions stay the line's.
    masked = _INITIALS.sub(lambda m: m.group().replace(".", "\x00"), text)
    for sentence in _SENTENCE.finditer(masked):
        terms = _terms(sentence.group())
        for item, item_terms in supports:
            shared = len(terms & item_terms)
            coverage = shared / max(1, len(terms))
            if shared >= MIN_SHARED_TERMS and coverage >= MIN_SENTENCE_COVERAGE:
                candidate = (coverage, sentence.end(), item.sources)
                best = max(best or candidate, candidate, key=lambda c: c[0])
    return None if best is None else (best[1], best[2])


def _without_common_bigrams(
    supports: list[tuple[Evidence, set[str]]],
) -> list[tuple[Evidence, set[str]]]:
    if len(supports) < 4:
        return supports
    counts: dict[str, int] = {}
    for _, terms in supports:
        for term in terms:
            if _DENSE.search(term):
                counts[term] = counts.get(term, 0) + 1
    common = {term for term, n in counts.items() if n > len(supports) * DENSE_COMMON_SHARE}
    return [(item, terms - common) for item, terms in supports]


def usable_sources(sources: Iterable[Source], limit: int) -> list[Source]:
    """Sources with something to cite, renumbered 1..n in the Researcher's order (a gap or a
    duplicate number would make ``[n]`` ambiguous)."""
    kept = [s for s in sources if s.title.strip() and (s.snippet.strip() or s.url)]
    return [s.model_copy(update={"number": i}) for i, s in enumerate(kept[:limit], start=1)]


def cited(source: Source) -> CitedSource:
    return CitedSource(number=source.number, title=source.title, url=source.url)


def front_matter(seo: SeoMeta, language: str, images: Sequence[ImageAsset]) -> dict[str, object]:
    matter: dict[str, object] = {
        "title": seo.title,
        "description": seo.meta_description,
        "slug": seo.slug,
        "language": language,
        "keywords": list(seo.keywords),
        "hashtags": list(seo.hashtags),
    }
    if images:
        matter["image"] = images[0].url
        matter["image_alt"] = images[0].alt
    return matter
