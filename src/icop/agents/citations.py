"""Citations and the final Markdown file: deterministic code, not a model's job.

Models write ``[n]``; this module checks that every ``n`` is a real source, removes the ones that
are not (an invented citation is worse than none), and builds the file: YAML front matter from
the SEO fields, the body, the images, and a numbered Sources list the ``[n]`` resolve to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

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
) -> MarkdownDocument:
    known = {s.number for s in sources}
    body, dropped = drop_unknown_citations(body.strip(), known)
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
        formatter_used=formatter_used,
    )
