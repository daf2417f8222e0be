"""A person's edit, checked by the publishability gate's deterministic rules — the ones that
need no model: citations that resolve, text that cites its research, no generation loop, the
article's language, enough article, one title, no empty section, no input labels, keywords the
article uses. Unlike the gate over a model's draft, nothing here rewrites the text: a person's
words are theirs, so every finding is reported (``blocking`` where the gate would block or
would have to cut, ``noted`` where a reviewer should look) and the text is saved as written.

The stored document is front matter (the SEO fields) + the body + the generated source list;
the checks read the body only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from icop.agents.citations import cited_numbers
from icop.agents.gate import scaffolding
from icop.agents.gate.content import (
    MAX_REPEATED_SHARE,
    MIN_DISTINCT_TRIGRAMS,
    MIN_LENGTH_SHARE,
    MIN_SCRIPT_SHARE,
)
from icop.agents.gate.document import SOURCES_HEADINGS
from icop.agents.gate.text import (
    distinct_ngram_ratio,
    is_dense,
    repeated_sentences,
    script_share,
    sentences,
    word_count,
    words,
)
from icop.agents.schemas import Finding, WriterBrief

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n?", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
LABELS = scaffolding.labels_of(WriterBrief.model_fields)
SEO_MATTER_KEYS = ("title", "description", "slug", "keywords", "hashtags")


@dataclass(frozen=True)
class Document:
    front_matter: dict[str, Any]
    body: str
    sources: str
    """The trailing source list with its heading, or ""."""

    def render(self) -> str:
        parts = []
        if self.front_matter:
            header = yaml.safe_dump(
                self.front_matter, allow_unicode=True, sort_keys=False, width=1000
            ).strip()
            parts.append(f"---\n{header}\n---\n")
        parts.append(self.body.strip() + "\n")
        if self.sources:
            # One blank line before the source list, as the graph writes it: a save of the
            # SEO fields alone then changes the front matter and nothing else.
            parts.append(self.sources.strip() + "\n")
        return "\n".join(parts)


def parse(markdown: str) -> Document:
    """Split a stored or edited document; front matter that is not a YAML mapping stays in
    the body (the checks then see it, and the person can fix it)."""
    text = markdown.replace("\r\n", "\n")
    matter: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            loaded = yaml.safe_load(match.group(1))
        except yaml.YAMLError:
            loaded = None
        if isinstance(loaded, dict):
            matter, text = loaded, text[match.end() :]
    lines = text.rstrip().split("\n")
    for index in range(len(lines) - 1, -1, -1):
        heading = _HEADING.match(lines[index].strip())
        if heading and len(heading.group(1)) == 2 and heading.group(2) in SOURCES_HEADINGS:
            body = "\n".join(lines[:index])
            return Document(matter, body.strip(), "\n".join(lines[index:]).strip())
    return Document(matter, text.strip(), "")


def with_seo(document: Document, seo: dict[str, Any], language: str) -> Document:
    """The document's front matter carrying ``seo`` (other keys, e.g. the image, kept)."""
    matter = {key: value for key, value in document.front_matter.items()}
    if seo:
        matter.update(
            {
                "title": seo.get("title"),
                "description": seo.get("meta_description"),
                "slug": seo.get("slug"),
                "language": matter.get("language", language),
                "keywords": list(seo.get("keywords", [])),
                "hashtags": list(seo.get("hashtags", [])),
            }
        )
    return Document(matter, document.body, document.sources)


def check(
    body: str,
    *,
    language: str,
    length_words: int,
    sources: set[int],
    seo: dict[str, Any],
) -> list[Finding]:
    findings: list[Finding] = []

    def note(code: Any, action: Any, detail: str) -> None:
        findings.append(Finding(code=code, action=action, detail=detail[:300]))

    cited = cited_numbers(body)
    for number in cited:
        if number not in sources:
            note("unknown_citation", "blocking", f"[{number}] names no source of this article")
    if sources and not [number for number in cited if number in sources]:
        note("uncited", "blocking", "no statement cites one of the article's sources")
    total = max(1, len(sentences(body)))
    repeats = repeated_sentences(body)
    for sentence in repeats[:20]:
        note("repetition", "noted", sentence)
    distinct = distinct_ngram_ratio(body, 3, language)
    if len(repeats) / total > MAX_REPEATED_SHARE or distinct < MIN_DISTINCT_TRIGRAMS:
        note(
            "loop",
            "blocking",
            f"{len(repeats)} of {total} sentences repeat earlier ones "
            f"(distinct trigrams {distinct:.2f})",
        )
    share = script_share(body, language)
    if share < MIN_SCRIPT_SHARE["dense" if is_dense(language) else "alphabetic"]:
        note("language", "blocking", f"only {share:.0%} of the letters are in {language}'s script")
    length = word_count(body, language)
    if length < length_words * MIN_LENGTH_SHARE:
        note("too_short", "blocking", f"{length} words of the {length_words} asked for")
    _structure(body, note)
    body_words = set(words(body, language))
    for keyword in seo.get("keywords", []):
        if not set(words(keyword, language)) <= body_words:
            note("keyword", "noted", f"{keyword!r} is not in the article")
    return findings[:200]


def _structure(body: str, note: Any) -> None:
    lines = body.split("\n")
    titles = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        heading = _HEADING.match(stripped)
        if heading is None:
            if scaffolding.is_label(stripped, LABELS):
                note("label", "noted", stripped)
            continue
        level, text = len(heading.group(1)), heading.group(2)
        if level == 1:
            titles += 1
            if titles > 1:
                note("duplicate_title", "noted", f"a second title: {text}")
        if scaffolding.is_label(stripped, LABELS):
            note("label", "noted", stripped)
        if level > 1 and not _has_content(lines[index + 1 :], level):
            note("empty_section", "noted", text)


def _has_content(rest: list[str], level: int) -> bool:
    for line in rest:
        heading = _HEADING.match(line.strip())
        if heading:
            if len(heading.group(1)) <= level:
                return False
            continue
        if line.strip():
            return True
    return False


def blocking(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.action == "blocking"]
