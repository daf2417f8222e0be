"""Citations and the final Markdown file: deterministic code, not a model's job.

Models write ``[n]``; this module checks that every ``n`` is a real source, removes the ones that
are not (an invented citation is worse than none), cites the paragraphs a model left uncited when
one of their sentences plainly restates a researched claim or source, and builds the file: YAML
front matter from the SEO fields, the body, the images, and a numbered Sources list the ``[n]``
resolve to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import yaml

from icop.agents.schemas import (
    CitedSource,
    Claim,
    ImageAsset,
    MarkdownDocument,
    ResearchDigest,
    ResearchSummary,
    SeoMeta,
    Source,
)

# [3] or [2, 5] but not a Markdown link "[text](url)" or an image "![alt](url)".
_CITATION = re.compile(r"(?<!!)\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\](?!\()")
_H1 = re.compile(r"^#\s+\S", re.MULTILINE)
_TEXT = re.compile(r"[^\W_]")
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+|$)")
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
_SOURCES_HEADING = {"en": "Sources", "ko": "출처", "ja": "出典", "de": "Quellen", "es": "Fuentes"}


def cited_numbers(text: str) -> list[int]:
    numbers = {
        int(part) for match in _CITATION.finditer(text) for part in match.group(1).split(",")
    }
    return sorted(numbers)


def drop_unknown_citations(text: str, known: set[int]) -> tuple[str, list[int]]:
    """``text`` without citations of sources that do not exist, and the numbers removed."""
    dropped: set[int] = set()

    def keep(match: re.Match[str]) -> str:
        numbers = [int(part) for part in match.group(1).split(",")]
        valid = [n for n in numbers if n in known]
        dropped.update(n for n in numbers if n not in known)
        return "".join(f"[{n}]" for n in valid)

    cleaned = _CITATION.sub(keep, text)
    # A removed citation leaves "word ." behind.
    cleaned = re.sub(r"[ \t]+([.,;:!?])(?=\s|$)", r"\1", cleaned) if dropped else cleaned
    return cleaned, sorted(dropped)


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
        for sentence in _SENTENCE.finditer(block):
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


def digest(summary: ResearchSummary, sources: Sequence[Source]) -> ResearchDigest:
    """The researcher's claims with citations checked against the real source numbers."""
    known = {s.number for s in sources}
    claims = []
    for claim in summary.claims:
        valid = [n for n in claim.sources if n in known]
        if valid:
            claims.append(Claim(text=claim.text, sources=valid))
    return ResearchDigest(
        summary=summary.summary,
        claims=claims,
        sources=[cited(s) for s in sources],
    )


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


def place_images(body: str, images: Sequence[ImageAsset]) -> str:
    """Every image once: those the formatter did not place go after the first paragraph that
    follows the title (the hero) and at the end."""
    missing = [image for image in images if image.url not in body]
    if not missing:
        return body
    blocks = body.split("\n\n")
    lines = [f"![{image.alt}]({image.url})" for image in missing]
    insert_at = 2 if blocks and _H1.match(blocks[0]) else 1
    blocks.insert(min(insert_at, len(blocks)), lines[0])
    blocks.extend(lines[1:])
    return "\n\n".join(blocks)


def assemble(
    body: str,
    *,
    seo: SeoMeta,
    language: str,
    sources: Sequence[Source],
    images: Sequence[ImageAsset],
    formatter_used: bool,
    claims: Sequence[Claim] = (),
) -> MarkdownDocument:
    known = {s.number for s in sources}
    body, dropped = drop_unknown_citations(body.strip(), known)
    # Leftovers of a structured answer ("[{", "}") are not text.
    body = "\n\n".join(block for block in body.split("\n\n") if _TEXT.search(block))
    body, inferred = ground(body, evidence(claims, sources))
    if not _H1.search(body):
        body = f"# {seo.title}\n\n{body}"
    body = place_images(body, images)
    used = set(cited_numbers(body))
    listed = [s for s in sources if s.number in used] or list(sources)
    references = "\n".join(
        f"{s.number}. {s.title}" + (f" — <{s.url}>" if s.url else "") for s in listed
    )
    matter = front_matter(seo, language, images)
    header = yaml.safe_dump(matter, allow_unicode=True, sort_keys=False, width=1000).strip()
    heading = _SOURCES_HEADING.get(language.split("-")[0].lower(), "Sources")
    markdown = f"---\n{header}\n---\n\n{body}\n\n## {heading}\n\n{references}\n"
    return MarkdownDocument(
        markdown=markdown,
        front_matter=matter,
        citations=[cited(s) for s in listed],
        dropped_citations=dropped,
        inferred_citations=inferred,
        formatter_used=formatter_used,
    )
