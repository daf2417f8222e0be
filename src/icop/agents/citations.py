"""Citations: deterministic code, not a model's job. Sources usable for citing (numbered 1..n),
the researcher's claims checked against them, and citations added to the paragraphs a model left
uncited when one of their sentences plainly restates a researched claim or source. The gate
(icop.agents.gate) checks every citation against its passage and assembles the file.
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
_TERM = re.compile(r"[^\W\d_]{4,}")
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


def _terms(text: str) -> set[str]:
    # Lower-cased, a plural "s" dropped: "piles" supports "pile".
    words = (word.lower() for word in _TERM.findall(text))
    return {word.removesuffix("s") for word in words if word not in _COMMON_WORDS}


def ground(body: str, support: Sequence[Evidence]) -> tuple[str, list[int]]:
    """``body`` with a citation added to each uncited prose paragraph whose best sentence
    restates a claim or a source, and the source numbers added. Small models often write the
    research into the text without a single ``[n]``; an article must still show its sources,
    and attribution by close wording is safer than asking the model again."""
    supports = [(item, _terms(item.text)) for item in support]
    blocks, added, in_code = body.split("\n\n"), set[int](), False
    for index, block in enumerate(blocks):
        fenced = block.count("```") % 2 == 1
        prose = not in_code and not block.lstrip().startswith(_NOT_PROSE)
        in_code ^= fenced
        if not prose or _CITATION.search(block):
            continue
        best: tuple[float, int, tuple[int, ...]] | None = None
        # Initials ("e.g.", "U.S.") masked: same length, so positions stay the block's.
        masked = _INITIALS.sub(lambda m: m.group().replace(".", "\x00"), block)
        for sentence in _SENTENCE.finditer(masked):
            terms = _terms(sentence.group())
            for item, item_terms in supports:
                shared = len(terms & item_terms)
                coverage = shared / max(1, len(terms))
                if shared >= MIN_SHARED_TERMS and coverage >= MIN_SENTENCE_COVERAGE:
                    candidate = (coverage, sentence.end(), item.sources)
                    best = max(best or candidate, candidate, key=lambda c: c[0])
        if best is None:
            continue
        _, end, numbers = best
        cut = len(block[:end].rstrip().rstrip(".!?"))
        marks = "".join(f"[{n}]" for n in numbers)
        blocks[index] = f"{block[:cut]} {marks}{block[cut:]}"
        added.update(numbers)
    return "\n\n".join(blocks), sorted(added)


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
