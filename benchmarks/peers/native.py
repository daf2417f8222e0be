"""The peers' own output files turned into one shape: report text with ``[n]`` citations plus
numbered sources.

Standard library only: this module is imported both by ICOP's side of the benchmark (and its
tests) and by the small runner scripts that execute inside each peer's own virtual environment
(Python 3.11 for STORM, 3.12 for GPT-Researcher), which must not import ``icop``.

- STORM writes ``storm_gen_article_polished.txt`` (sections as ``#`` headings, ``[n]``
  citations, no reference list) and ``url_to_info.json`` (``url_to_unified_index`` maps each
  source URL to its citation number; ``url_to_info`` holds the title and the retrieved snippets
  the writer saw).
- GPT-Researcher writes one Markdown report whose citations are Markdown links to the source
  (for local documents, the file name: ``([compost.md](compost.md))``) and which ends with a
  ``## References`` list. Each distinct link target becomes a number in order of first use;
  the link is replaced by ``[n]`` and the reference list is dropped (it is returned as sources).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RESULT_FILE = "result.json"
REQUEST_FILE = "request.json"


@dataclass(frozen=True)
class PeerSource:
    """One numbered source of a peer's report, with the passage the peer had for it."""

    number: int
    title: str
    url: str
    # The reference document the source resolves to (its file name under docs/), None when the
    # report cites something that is not one of the documents it was given.
    path: str | None
    snippet: str


@dataclass
class PeerReport:
    """What one peer produced for one topic (the result file a runner script writes)."""

    peer: str
    topic_id: str
    text: str = ""
    sources: list[PeerSource] = field(default_factory=list)
    seconds: float = 0.0
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    # The step that failed and the error, when the peer did not produce a report.
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PeerReport:
        sources = [PeerSource(**source) for source in data.get("sources", [])]
        return cls(**{**data, "sources": sources})

    def write(self, directory: Path) -> Path:
        path = directory / RESULT_FILE
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
        return path

    @classmethod
    def read(cls, directory: Path) -> PeerReport:
        return cls.from_json(json.loads((directory / RESULT_FILE).read_text(encoding="utf-8")))


_DOCUMENT_SUFFIX = re.compile(r"\.(md|txt)$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)


def document_key(reference: str) -> str:
    """How a citation target is matched to a reference document: its file name without the
    ``.md`` / ``.txt`` suffix (GPT-Researcher is given the documents as ``.txt``), lower case,
    with spaces, underscores and hyphens alike (a model writes ``hot-and-cold-composting.txt``
    as ``Hot and cold composting.txt``)."""
    name = reference.strip().rstrip("/").rsplit("/", 1)[-1]
    return _SEPARATORS.sub("-", _DOCUMENT_SUFFIX.sub("", name).lower()).strip("-")


def resolve_document(reference: str, documents: dict[str, str]) -> str | None:
    """The file name under docs/ that ``reference`` (a URL, a path or a file name) names."""
    wanted = document_key(reference)
    for name in documents:
        if document_key(name) == wanted:
            return name
    return None


# -- STORM ------------------------------------------------------------------------------------


def parse_storm(
    article: str, url_to_info: dict[str, Any], documents: dict[str, str]
) -> tuple[str, list[PeerSource]]:
    """STORM's article text as is; its sources in citation-number order with their snippets."""
    index: dict[str, int] = url_to_info.get("url_to_unified_index", {})
    info: dict[str, dict[str, Any]] = url_to_info.get("url_to_info", {})
    sources = []
    for url, number in sorted(index.items(), key=lambda item: item[1]):
        entry = info.get(url, {})
        snippets = [str(snippet) for snippet in entry.get("snippets", [])]
        sources.append(
            PeerSource(
                number=int(number),
                title=str(entry.get("title") or url),
                url=url,
                path=resolve_document(url, documents),
                snippet="\n\n".join(snippets),
            )
        )
    return article.strip(), sources


# -- GPT-Researcher ---------------------------------------------------------------------------

# A Markdown link that is not an image: [label](target).
_LINK = re.compile(r"(?<!!)\[([^\]\n]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
# A parenthesis holding only links (and separators): "([a.md](a.md); [b.md](b.md))".
_LINK_GROUP = re.compile(r"\(\s*((?:(?<!!)\[[^\]\n]*\]\([^)\s]+\)[\s,;]*(?:and\s+)?)+)\s*\)")
_REFERENCES_HEADING = re.compile(
    r"^#{1,6}\s*(references|sources|bibliography|참고\s*문헌|참고\s*자료|출처)\s*:?\s*$",
    re.IGNORECASE | re.MULTILINE,
)


_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s*")
_FILE_NAME = re.compile(r"[\w.\-/]+\.(?:md|txt)\b", re.IGNORECASE)


def _reference_targets(references: str, documents: dict[str, str]) -> list[tuple[str, str]]:
    """(label, target) of each entry of a reference list: its links, else its URL, else the
    document it names (the whole entry, as a model may write a file name with spaces, or a
    file name inside a longer entry), else the whole entry (a source that is no document)."""
    entries: list[tuple[str, str]] = []
    for raw in references.splitlines():
        line = _LIST_MARKER.sub("", raw).strip()
        if not line:
            continue
        links = _LINK.findall(line)
        if links:
            entries.extend((label.strip(), target.strip()) for label, target in links)
            continue
        url = re.search(r"https?://\S+", line)
        if url:
            entries.append((line.replace(url.group(0), "").strip(" ,.-:"), url.group(0)))
            continue
        candidates = [line, *_FILE_NAME.findall(line)]
        named = next((c for c in candidates if resolve_document(c, documents)), line)
        entries.append((line, named))
    return entries


def parse_gpt_researcher(report: str, documents: dict[str, str]) -> tuple[str, list[PeerSource]]:
    """GPT-Researcher's Markdown report with its link citations turned into ``[n]``.

    Numbers follow the first use in the body; a target listed only in the reference list (cited
    nowhere in the body) still becomes a source, numbered after the cited ones, so a listed but
    uncited source stays visible to the scorer. The snippet of a source that resolves to a
    reference document is that document's text: GPT-Researcher cites whole documents.
    """
    body, references = report, ""
    headings = list(_REFERENCES_HEADING.finditer(report))
    if headings:  # the last such heading: the list at the end of the report
        body, references = report[: headings[-1].start()], report[headings[-1].end() :]

    numbers: dict[str, int] = {}
    labels: dict[str, str] = {}

    def number_for(label: str, target: str) -> int:
        key = document_key(target)
        if key not in numbers:
            numbers[key] = len(numbers) + 1
            labels[key] = label
        return numbers[key]

    def group(match: re.Match[str]) -> str:
        cited = [number_for(label, target) for label, target in _LINK.findall(match.group(1))]
        return "".join(f"[{number}]" for number in dict.fromkeys(cited))

    def single(match: re.Match[str]) -> str:
        label, target = match.group(1), match.group(2)
        return f"{label} [{number_for(label, target)}]" if label.strip() else ""

    text = _LINK_GROUP.sub(group, body)
    text = _LINK.sub(single, text)
    listed = _reference_targets(references, documents)
    targets = {document_key(target): (label, target) for label, target in listed}
    for key, (label, target) in targets.items():
        number_for(label, target)
        labels[key] = labels[key] or label

    full_targets = {document_key(target): target for _, target in _LINK.findall(body)}
    full_targets.update({key: target for key, (_, target) in targets.items()})
    sources = []
    for key, number in numbers.items():
        target = full_targets.get(key, key)
        path = resolve_document(target, documents)
        sources.append(
            PeerSource(
                number=number,
                title=labels.get(key) or target,
                url=target,
                path=path,
                snippet=documents[path] if path is not None else "",
            )
        )
    return text.strip(), sources


# -- a run directory ---------------------------------------------------------------------------
GPT_RESEARCHER_REPORT = "gpt_researcher_report.md"
STORM_OUTPUT = "storm"  # STORM's output_dir; it writes one folder per topic inside


def storm_article_dir(work_dir: Path) -> Path | None:
    folders = sorted(path for path in (work_dir / STORM_OUTPUT).glob("*") if path.is_dir())
    return folders[0] if folders else None


def parse_outputs(
    peer: str, work_dir: Path, documents: dict[str, str]
) -> tuple[str, list[PeerSource], list[str]] | None:
    """(text, sources, notes) from the peer's own files in a run directory, None when it
    wrote none. The runner scripts and a re-scoring both parse through here, so a parser fix
    applies to recorded runs."""
    if peer == "gpt_researcher":
        report = work_dir / GPT_RESEARCHER_REPORT
        if not report.exists():
            return None
        text, sources = parse_gpt_researcher(report.read_text(encoding="utf-8"), documents)
        return text, sources, []
    article_dir = storm_article_dir(work_dir)
    if article_dir is None or not (article_dir / "url_to_info.json").exists():
        return None
    notes = []
    article = article_dir / "storm_gen_article_polished.txt"
    if not article.exists():
        article = article_dir / "storm_gen_article.txt"
        notes.append("no polished article: the draft is scored")
    url_to_info = json.loads((article_dir / "url_to_info.json").read_text(encoding="utf-8"))
    text, sources = parse_storm(article.read_text(encoding="utf-8"), url_to_info, documents)
    return text, sources, notes
