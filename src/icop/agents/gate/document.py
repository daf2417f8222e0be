"""The final Markdown file, assembled in code from typed parts — the formatter cannot pass its
input through, because it has none to pass: the gated article is parsed into a title and
sections, sources are renumbered in the order the text first cites them (only cited sources are
listed, so every listed source is cited and every number resolves), images go after the lead
and at the end of sections, and the front matter carries the checked SEO fields."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from icop.agents.citations import front_matter
from icop.agents.gate.support import terms
from icop.agents.gate.text import Repeats, drop_foreign, foreign_letters, words
from icop.agents.schemas import CitedSource, Finding, ImageAsset, MarkdownDocument, SeoMeta, Source

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_CITATION = re.compile(r"(?<!!)\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\](?!\()")
_SOURCES_HEADING = {"en": "Sources", "ko": "출처", "ja": "出典", "de": "Quellen", "es": "Fuentes"}
SOURCES_HEADINGS = frozenset(_SOURCES_HEADING.values())
"""The headings of the generated source list, in every language it is written in."""


@dataclass(frozen=True)
class Section:
    heading: str | None
    """None for the lead: what comes between the title and the first heading."""
    level: int
    blocks: tuple[str, ...]


@dataclass(frozen=True)
class ArticleParts:
    title: str
    sections: tuple[Section, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(block for section in self.sections for block in section.blocks)


def parts_of(body: str, fallback_title: str) -> ArticleParts:
    """The article as a title and sections of blocks (paragraphs, lists, quotes)."""
    title: str | None = None
    sections: list[Section] = []
    heading: str | None = None
    level = 2
    blocks: list[str] = []
    block: list[str] = []

    def close_block() -> None:
        if block:
            blocks.append("\n".join(block).strip())
            block.clear()

    def close_section() -> None:
        close_block()
        if blocks or heading is None:
            sections.append(Section(heading, level, tuple(b for b in blocks if b)))
        blocks.clear()

    for line in body.strip().splitlines():
        match = _HEADING.match(line.strip())
        if match:
            if len(match.group(1)) == 1 and title is None:
                title = match.group(2)
                continue
            if _same_heading(match.group(2), title or fallback_title):
                # The title again at a lower level (the SEO title the model also wrote as a
                # heading): a reader sees it twice; its text stays in the section above.
                continue
            close_section()
            heading, level = match.group(2), max(2, len(match.group(1)))
            continue
        if not line.strip() or line.lstrip().startswith("!["):
            close_block()
            continue
        block.append(line.rstrip())
    close_section()
    return ArticleParts(title=title or fallback_title, sections=tuple(sections))


def _title(written: str, seo: SeoMeta, sources: Sequence[Source], language: str) -> str:
    """The article's own title, unless it names something neither the SEO title nor any source
    does ("Growing Vegetables on Small Balloons" over an article on balconies, from an
    evaluation run) or has letters of another script: then the SEO title, which the metadata
    checks hold to the brief and to the article's script."""
    if foreign_letters(written, language):
        return seo.title
    known = " ".join([seo.title, *(f"{s.title} {s.snippet}" for s in sources)])
    return written if terms(written, language) <= terms(known, language) else seo.title


def _same_heading(heading: str, title: str) -> bool:
    """Whether ``heading`` says the title again, by the rule the gate and the harness use for
    repeats (a near copy counts, not only an exact one)."""
    seen = Repeats()
    seen.repeats(words(title))
    text = words(_CITATION.sub("", heading))
    return text == words(title) or seen.repeats(text)


def _clean_headings(parts: ArticleParts, language: str) -> tuple[ArticleParts, list[Finding]]:
    """Section headings without runs of another script's letters (the bundled model ends an
    English phrase in Chinese now and then); a heading left with no letters goes, its text
    joins the section above."""
    findings: list[Finding] = []
    sections: list[Section] = []
    for section in parts.sections:
        heading = section.heading
        if heading is not None and foreign_letters(heading, language):
            cleaned = drop_foreign(heading, language)
            findings.append(
                Finding(
                    code="foreign_script",
                    action="repaired" if cleaned else "removed",
                    detail=f"{heading[:120]!r} → {cleaned[:120]!r}",
                )
            )
            if not any(char.isalpha() for char in cleaned) and sections:
                last = sections[-1]
                sections[-1] = Section(last.heading, last.level, last.blocks + section.blocks)
                continue
            heading = cleaned or None
        sections.append(Section(heading, section.level, section.blocks))
    return ArticleParts(parts.title, tuple(sections)), findings


def renumber(parts: ArticleParts, sources: Sequence[Source]) -> tuple[ArticleParts, list[Source]]:
    """Sources numbered 1..k in the order the text first cites them; the others left out."""
    known = {source.number: source for source in sources}
    order: dict[int, int] = {}
    for number in cited_numbers_in_order(parts.text):
        if number in known and number not in order:
            order[number] = len(order) + 1

    def replace(match: re.Match[str]) -> str:
        numbers = [int(part) for part in match.group(1).split(",")]
        return "".join(f"[{order[n]}]" for n in numbers if n in order)

    sections = tuple(
        Section(s.heading, s.level, tuple(_CITATION.sub(replace, block) for block in s.blocks))
        for s in parts.sections
    )
    listed = [known[old].model_copy(update={"number": new}) for old, new in order.items()]
    return ArticleParts(parts.title, sections), listed


def cited_numbers_in_order(text: str) -> list[int]:
    return [int(part) for match in _CITATION.finditer(text) for part in match.group(1).split(",")]


def render_body(parts: ArticleParts, images: Sequence[ImageAsset]) -> str:
    """The title, the hero image after the first paragraph, and the other images at the end of
    the sections that follow it, spread evenly (never two pictures in a row when there are
    sections to spread them over)."""
    lines = [f"# {parts.title}"]
    pictures = [f"![{image.alt}]({image.url})" for image in images]
    hero, rest = pictures[:1], pictures[1:]
    opening = next((i for i, section in enumerate(parts.sections) if section.blocks), None)
    later = [
        index
        for index, section in enumerate(parts.sections)
        if section.heading is not None and (opening is None or index > opening)
    ]
    after: dict[int, list[str]] = {}
    for i, picture in enumerate(rest if later else ()):
        after.setdefault(later[int((i + 0.5) * len(later) / len(rest))], []).append(picture)
    for index, section in enumerate(parts.sections):
        if section.heading is not None:
            lines.append(f"{'#' * section.level} {section.heading}")
        for position, block in enumerate(section.blocks):
            lines.append(block)
            if hero and index == opening and position == 0:
                lines.append(hero.pop())
        lines.extend(after.get(index, ()))
    lines.extend(hero)  # an article without a paragraph
    if not later:
        lines.extend(rest)
    return "\n\n".join(lines)


def references(sources: Sequence[Source]) -> str:
    return "\n".join(
        f"{s.number}. [{s.title}]({s.url})" if s.url else f"{s.number}. {s.title}" for s in sources
    )


def assemble(
    body: str,
    *,
    seo: SeoMeta,
    language: str,
    sources: Sequence[Source],
    images: Sequence[ImageAsset],
    findings: Sequence[Finding] = (),
    dropped: Sequence[int] = (),
    inferred: Sequence[int] = (),
) -> MarkdownDocument:
    parts = parts_of(body, seo.title)
    parts, repaired = _clean_headings(parts, language)
    findings = [*findings, *repaired]
    parts = ArticleParts(_title(parts.title, seo, sources, language), parts.sections)
    parts, listed = renumber(parts, sources)
    text = render_body(parts, images)
    matter = front_matter(seo, language, images)
    header = yaml.safe_dump(matter, allow_unicode=True, sort_keys=False, width=1000).strip()
    heading = _SOURCES_HEADING.get(language.split("-")[0].lower(), "Sources")
    markdown = f"---\n{header}\n---\n\n{text}\n\n## {heading}\n\n{references(listed)}\n"
    return MarkdownDocument(
        markdown=markdown,
        front_matter=matter,
        citations=[CitedSource(number=s.number, title=s.title, url=s.url) for s in listed],
        dropped_citations=sorted(set(dropped)),
        inferred_citations=sorted(set(inferred)),
        findings=list(findings)[:200],
    )
