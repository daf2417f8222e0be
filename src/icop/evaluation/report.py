"""The published evaluation: every recorded run scored with today's metrics, summarised per run
(model, mode, code), compared with the peers when their results are there, and written as
``docs/quality.md`` with its plots — plus the benchmark's ``RESULT`` line.

Peers hook: the side-by-side runs of STORM and GPT-Researcher (another runner, in their own
virtual environments) write ``PeersFile`` JSON — each article scored with ``score_report`` on
the same topics — to ``docs/quality/peers.json`` (or ``.icop/eval/peers.json``). When it is
there, the report's first table is ICOP against them on the topics they ran, and the RESULT line
gains ``storm_citation_support=… gptr_citation_support=…``."""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field

from icop.evaluation.dataset import EvalTopic, load_topics
from icop.evaluation.metrics import ArticleScores, ReportScores, score_article
from icop.evaluation.metrics.scaffolding import prompt_templates
from icop.evaluation.plots import bar_chart
from icop.evaluation.records import RunRecord

FINISHED = ("ready", "needs_review", "awaiting_approval")
"""Statuses an article ends with when it was written (as opposed to failed or no sources)."""


# -- the peers' results (written by the side-by-side runner) ----------------------------------
class PeerArticle(BaseModel):
    topic_id: str
    scores: ReportScores | None = None
    seconds: float | None = None
    error: str | None = Field(default=None, description="Why there is no report, if none.")


class PeerRun(BaseModel):
    system: str = Field(description="storm | gpt-researcher")
    model: str
    label: str = ""
    note: str = Field(default="", description="How it ran, or exactly why it could not.")
    articles: list[PeerArticle] = Field(default_factory=list)


class PeersFile(BaseModel):
    runs: list[PeerRun] = Field(default_factory=list)


PEER_KEYS = {"storm": "storm", "gpt-researcher": "gptr", "gptr": "gptr"}


def load_peers(paths: Iterable[Path]) -> PeersFile | None:
    for path in paths:
        if path.is_file():
            return PeersFile.model_validate_json(path.read_text(encoding="utf-8"))
    return None


# -- one run ------------------------------------------------------------------------------------
class RunSummary(BaseModel):
    label: str
    provider: str
    model: str
    mode: str
    code: str
    started_at: str
    machine: str
    topics: int
    ready: int
    needs_review: int
    not_written: int
    scaffolding_leaks: int
    invented_sources: int
    citation_support: float | None
    model_citation_support: float | None
    inferred_citation_support: float | None
    coverage: float
    repetition: float
    distinct_3: float | None
    structure_ok: float
    length_ok: float
    language_ok: float
    valid_posts_before: float | None
    valid_posts: float | None
    article_s: float | None
    first_article_s: float | None
    completion_tokens: float | None
    retries: int
    failures: int
    cost_usd: float


@dataclass(frozen=True)
class ScoredRun:
    run: RunRecord
    summary: RunSummary
    articles: list[ArticleScores]


def score_run(run: RunRecord, topics: dict[str, EvalTopic] | None = None) -> ScoredRun:
    """Every article of ``run`` scored against the prompts of the code that wrote it and
    today's (a leak of either is a leak)."""
    known = topics or {topic.id: topic for topic in load_topics()}
    references = list(dict.fromkeys([*run.prompts, *prompt_templates()]))
    scored = [
        score_article(article, known[article.topic_id], references)
        for article in run.articles
        if article.topic_id in known
    ]
    return ScoredRun(run, summarize(run, scored), scored)


def _pooled(parts: Iterable[tuple[int, int]]) -> float | None:
    hits = total = 0
    for hit, count in parts:
        hits, total = hits + hit, total + count
    return round(hits / total, 3) if total else None


def _mean(values: Sequence[float]) -> float:
    return round(statistics.fmean(values), 3) if values else 0.0


def summarize(run: RunRecord, articles: Sequence[ArticleScores]) -> RunSummary:
    written = [a for a in articles if a.status in FINISHED]
    times = [a.seconds for a in written]
    return RunSummary(
        label=run.label,
        provider=run.provider,
        model=run.model,
        mode=run.mode,
        code=run.code,
        started_at=run.started_at,
        machine=run.machine,
        topics=len(articles),
        ready=sum(1 for a in articles if a.status == "ready"),
        needs_review=sum(1 for a in articles if a.status == "needs_review"),
        not_written=len(articles) - len(written),
        scaffolding_leaks=sum(a.scaffolding_leaks for a in articles),
        invented_sources=sum(a.invented_sources for a in articles),
        citation_support=_pooled((a.supported_sentences, a.cited_sentences) for a in articles),
        model_citation_support=_pooled(
            (
                round((a.model_citation_support or 0) * a.model_cited_sentences),
                a.model_cited_sentences,
            )
            for a in articles
        ),
        inferred_citation_support=_pooled(
            (
                round((a.inferred_citation_support or 0) * a.inferred_cited_sentences),
                a.inferred_cited_sentences,
            )
            for a in articles
        ),
        # Over every topic: an article not written covers nothing.
        coverage=_mean([a.coverage if a.status in FINISHED else 0.0 for a in articles]),
        repetition=_mean([a.repeated_share for a in written]),
        distinct_3=_mean([a.distinct_3 for a in written]) if written else None,
        structure_ok=_mean([float(a.structure_ok) for a in written]),
        length_ok=_mean([float(a.length_ok) for a in written]),
        language_ok=_mean([float(a.language_ok) for a in written]),
        valid_posts_before=_pooled((a.posts_valid_before, a.posts) for a in articles),
        valid_posts=_pooled((a.posts_valid_after, a.posts) for a in articles),
        article_s=round(statistics.median(times), 1) if times else None,
        first_article_s=round(min(a.finished_after_s for a in written), 1) if written else None,
        completion_tokens=round(statistics.fmean(a.completion_tokens for a in articles), 0)
        if articles
        else None,
        retries=sum(a.retries for a in articles),
        failures=sum(a.failures + a.failed_calls for a in articles),
        cost_usd=round(sum(a.cost_usd for a in articles), 4),
    )


def _number(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def result_line(summary: RunSummary, peers: PeersFile | None = None) -> str:
    review = summary.needs_review / summary.topics if summary.topics else 0.0
    fields = [
        f"scaffolding_leaks={summary.scaffolding_leaks}",
        f"invented_sources={summary.invented_sources}",
        f"citation_support={_number(summary.citation_support, 3)}",
        f"coverage={summary.coverage:.3f}",
        f"repetition={summary.repetition:.3f}",
        f"valid_posts={_number(summary.valid_posts, 3)}",
        f"needs_review={review:.3f}",
        f"article_s={_number(summary.article_s, 1)}",
        f"first_article_s={_number(summary.first_article_s, 1)}",
    ]
    for system, key in _peer_support(peers).items():
        fields.append(f"{system}_citation_support={_number(key, 3)}")
    return "RESULT " + " ".join(fields)


def _peer_support(peers: PeersFile | None) -> dict[str, float | None]:
    found: dict[str, float | None] = {}
    for run in peers.runs if peers else []:
        key = PEER_KEYS.get(run.system.lower())
        if key is None or key in found:
            continue
        scores = [a.scores for a in run.articles if a.scores is not None]
        found[key] = _pooled((s.supported_sentences, s.cited_sentences) for s in scores)
    return found


# -- the document ---------------------------------------------------------------------------
SUMMARY_COLUMNS = (
    ("run", lambda s: s.label),
    ("model", lambda s: f"{s.provider}:{s.model}"),
    ("mode", lambda s: s.mode),
    ("code", lambda s: f"`{s.code}`" if s.code else ""),
    ("topics", lambda s: str(s.topics)),
    ("ready / review / not written", lambda s: f"{s.ready} / {s.needs_review} / {s.not_written}"),
    ("scaffolding leaks", lambda s: str(s.scaffolding_leaks)),
    ("invented sources", lambda s: str(s.invented_sources)),
    (
        "citation support (model / code)",
        lambda s: (
            f"{_number(s.citation_support)} ({_number(s.model_citation_support)} / "
            f"{_number(s.inferred_citation_support)})"
        ),
    ),
    ("coverage", lambda s: _number(s.coverage)),
    ("repeated sentences", lambda s: _number(s.repetition)),
    ("distinct 3-grams", lambda s: _number(s.distinct_3)),
    ("structure ok", lambda s: _number(s.structure_ok)),
    ("length ok", lambda s: _number(s.length_ok)),
    ("language ok", lambda s: _number(s.language_ok)),
    (
        "posts valid before → after fix",
        lambda s: f"{_number(s.valid_posts_before)} → {_number(s.valid_posts)}",
    ),
    ("article s (median)", lambda s: _number(s.article_s, 0)),
    ("first article s", lambda s: _number(s.first_article_s, 0)),
    ("tokens / article", lambda s: _number(s.completion_tokens, 0)),
    ("retries", lambda s: str(s.retries)),
    ("failures", lambda s: str(s.failures)),
)

TOPIC_COLUMNS = (
    ("topic", lambda a: a.topic_id),
    ("status", lambda a: a.status),
    ("leaks", lambda a: str(a.scaffolding_leaks)),
    ("invented", lambda a: str(a.invented_sources)),
    (
        "cited / supported",
        lambda a: f"{a.cited_sentences} / {a.supported_sentences}",
    ),
    ("coverage", lambda a: _number(a.coverage)),
    ("repeated", lambda a: str(a.repeated_sentences)),
    ("distinct 3", lambda a: _number(a.distinct_3)),
    (
        "structure",
        lambda a: "ok" if a.structure_ok else f"{a.titles}#/{a.sections}§/{a.empty_sections}∅",
    ),
    ("words", lambda a: f"{a.words} ({a.length_ratio:.2f})"),
    ("script", lambda a: _number(a.language_share)),
    ("alt script", lambda a: _number(a.alt_language_share)),
    (
        "posts before → after",
        lambda a: f"{a.posts_valid_before} → {a.posts_valid_after} of {a.posts}",
    ),
    ("s", lambda a: f"{a.seconds:.0f}"),
    ("tokens", lambda a: str(a.completion_tokens)),
    ("retries", lambda a: str(a.retries)),
)


def _table(columns: Sequence[tuple[str, object]], rows: Sequence[object]) -> list[str]:
    header = "| " + " | ".join(name for name, _ in columns) + " |"
    rule = "|" + "|".join("---" for _ in columns) + "|"
    body = [
        "| " + " | ".join(_cell(get(row)) for _, get in columns) + " |"  # type: ignore[operator]
        for row in rows
    ]
    return [header, rule, *body]


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


PLOTS = (
    ("citation_support", "Citation support (share of cited sentences supported)", 1.0, ""),
    ("coverage", "Key-fact coverage (mean share per topic)", 1.0, ""),
    ("scaffolding_leaks", "Scaffolding leaks (headings and sentences from prompts)", None, ""),
    ("valid_posts", "Social posts valid for their platform after auto-fix", 1.0, ""),
    ("article_s", "Seconds per article (median)", None, " s"),
)


def write_plots(runs: Sequence[ScoredRun], directory: Path) -> list[tuple[str, Path]]:
    labels = [scored.summary.label for scored in runs]
    written = []
    for key, title, maximum, unit in PLOTS:
        values = [getattr(scored.summary, key) for scored in runs]
        values = [None if v is None else float(v) for v in values]
        path = bar_chart(
            directory / f"{key}.png",
            title,
            labels,
            values,
            maximum=maximum,
            unit=unit,
            digits=0 if unit or key == "scaffolding_leaks" else 2,
        )
        written.append((title, path))
    return written


def peers_table(icop: ScoredRun | None, peers: PeersFile | None) -> list[str]:
    if peers is None or not peers.runs:
        return [
            "The side-by-side runs of STORM and GPT-Researcher on the same topics, documents and "
            "model have not been recorded yet (`docs/quality/peers.json`).",
        ]
    lines = _table(
        (
            ("system", lambda r: r[0]),
            ("model", lambda r: r[1]),
            ("topics", lambda r: str(r[2])),
            ("citation support", lambda r: _number(r[3])),
            ("invented sources", lambda r: str(r[4])),
            ("coverage", lambda r: _number(r[5])),
            ("scaffolding leaks", lambda r: str(r[6])),
            ("repeated sentences", lambda r: _number(r[7])),
        ),
        _peer_rows(icop, peers),
    )
    notes = [f"- **{run.system}**: {run.note}" for run in peers.runs if run.note]
    return [*lines, "", *notes]


def _compared(runs: Sequence[ScoredRun], peers: PeersFile | None) -> ScoredRun | None:
    """The run set beside the peers: the latest bundled-model run among those that wrote the
    most of the peers' topics (a later run of two topics does not replace one of all three)."""
    topic_ids = _peer_topics(peers) if peers else set()
    local = [r for r in runs if r.run.provider == "local"] or list(runs)
    if not local:
        return None
    order = {id(run): index for index, run in enumerate(local)}
    return max(
        local,
        key=lambda r: (len(topic_ids & {a.topic_id for a in r.articles}), order[id(r)]),
    )


def _peer_topics(peers: PeersFile) -> set[str]:
    return {a.topic_id for run in peers.runs for a in run.articles if a.scores is not None}


def _peer_rows(icop: ScoredRun | None, peers: PeersFile) -> list[tuple[object, ...]]:
    topic_ids = _peer_topics(peers)
    rows: list[tuple[object, ...]] = []
    if icop is not None:
        same = [a for a in icop.articles if a.topic_id in topic_ids]
        rows.append(_row(f"ICOP ({icop.summary.label})", icop.summary.model, same))
    for run in peers.runs:
        scores = [a.scores for a in run.articles if a.scores is not None]
        rows.append(_row(run.system, run.model, scores))
    return rows


def _row(system: str, model: str, scores: Sequence[ReportScores]) -> tuple[object, ...]:
    return (
        system,
        model,
        len(scores),
        _pooled((s.supported_sentences, s.cited_sentences) for s in scores),
        sum(s.invented_sources for s in scores),
        _mean([s.coverage for s in scores]),
        sum(s.scaffolding_leaks for s in scores),
        _mean([s.repeated_share for s in scores]),
    )


def render(
    runs: Sequence[ScoredRun],
    peers: PeersFile | None,
    plots: Sequence[tuple[str, Path]],
    root: Path,
) -> str:
    lines = [
        "# Quality: the published evaluation",
        "",
        "Written by `benchmarks/quality.py` (`.venv/bin/python -m benchmarks.quality`) "
        "from the runs recorded in `docs/quality/runs/`; do not edit by hand. Each run "
        "writes one article per evaluation topic (`src/icop/evaluation/dataset/`: a brief, "
        "2 or 3 reference documents loaded into a fresh tenant's knowledge store, and the "
        "key facts an article should cover) through the product's own path, and every "
        "recorded run is scored again with the current metrics each time this page is "
        "written. `icop eval` runs the same harness.",
        "",
        "## ICOP, STORM and GPT-Researcher on identical inputs",
        "",
        *peers_table(_compared(runs, peers), peers),
        "",
        "## Runs per model and mode",
        "",
        "First row: the bundled 0.5B model on the code before the publishability gate (the "
        "baseline). Rows are in the order the runs were made.",
        "",
        *_table(SUMMARY_COLUMNS, [r.summary for r in runs]),
        "",
    ]
    for title, path in plots:
        lines += [f"![{title}]({path.relative_to(root).as_posix()})", ""]
    lines += ["## Per topic", ""]
    for scored in runs:
        summary = scored.summary
        lines += [
            f"### {summary.label}",
            "",
            f"{summary.provider}:{summary.model}, {summary.mode} mode, "
            f"code `{summary.code or '?'}`, {summary.machine}, started {summary.started_at}.",
            "",
            *_table(TOPIC_COLUMNS, scored.articles),
            "",
            *_examples(scored.articles),
        ]
    lines += DEFINITIONS
    return "\n".join(lines).rstrip() + "\n"


def _examples(articles: Sequence[ArticleScores]) -> list[str]:
    """What went wrong, quoted: the reader sees the defects the numbers count."""
    lines: list[str] = []
    for article in articles:
        found = [
            *(f"leak: “{text[:120]}”" for text in article.leaked[:3]),
            *(f"unsupported: “{text[:120]}”" for text in article.unsupported[:2]),
            *(f"repeated: “{text[:120]}”" for text in article.repeated[:1]),
            *(f"invented source: {title}" for title in article.not_researched_sources[:2]),
            *(f"unresolved citation: [{n}]" for n in article.unresolved_citations[:3]),
        ]
        if article.status not in FINISHED and article.stop_reason:
            found.insert(0, f"{article.status}: {article.stop_reason[:160]}")
        if found:
            lines.append(f"- **{article.topic_id}**: " + "; ".join(_cell(f) for f in found))
    return [*lines, ""] if lines else []


DEFINITIONS = [
    "## What the measures mean",
    "",
    "Text measures are the publishability gate's own (`icop.agents.gate.text`, `.support`, "
    "`.scaffolding`): one implementation decides what the product lets through and what this "
    "page counts. All are deterministic; no model judges.",
    "",
    "- **scaffolding leaks**: headings and sentences of the article that share a run of 7 words "
    "(10 Hangul/CJK bigrams) with the prompt templates of the code that wrote it or of today's "
    "code, plus headings and bold label lines that are an input field's name (\"## Brand "
    'Voice", "**Sources**: 1"). Target 0.',
    "- **invented sources**: cited numbers no listed source carries, plus listed sources that "
    "research did not find (for the peers: that are not one of the topic's reference "
    "documents). Target 0.",
    "- **citation support**: the share of cited sentences one of whose cited passages supports "
    "them (lexical support: at least a third of the sentence's content terms occur in the "
    "passage, `SUPPORTED_AT`); *model* are sentences a model cited, *code* those the product "
    "cited where a model left a restated fact uncited.",
    "- **coverage**: the share of the topic's key facts that one sentence of the article "
    "states (half of the fact's content terms, `STATED_AT`); an article not written covers "
    "none.",
    "- **repeated sentences**: the share of sentences that repeat an earlier one (exactly, or "
    "80 % of their word trigrams); **distinct 3-grams**: distinct word trigrams over all.",
    "- **structure ok**: one `#` title, at least two sections, no empty section, no second "
    "reference list in the body.",
    "- **length ok**: words (Korean: eojeol) within 0.7 to 1.5 times the brief's `length_words`.",
    "- **language ok**: at least 90 % of the body's letters in the brief's script (Hangul for "
    "`ko`); **alt script**: the same for the image alt texts.",
    "- **posts valid before → after fix**: the share of social posts the platform validator "
    "(`icop.platforms.validation`) passed unchanged as the copywriter wrote them, and after "
    "its auto-fix (target 1.0).",
    "- **article s**: the article activity's wall time; **first article s**: from the start of "
    "the run (database up, model server not yet started) to the first written article; "
    "**tokens**: completion tokens of all model calls; **retries**: provider attempts beyond "
    "the first; **failures**: failed agent calls and failed activity attempts.",
    "- **brand-voice similarity** is measured by the product's brand voice service when a tenant "
    "has samples; the evaluation's fresh tenants have none, so it is n/a here.",
]


def write_report(
    runs: Sequence[ScoredRun], peers: PeersFile | None, root: Path, document: Path
) -> Path:
    folder = document.parent / document.stem
    plots = write_plots(runs, folder) if runs else []
    document.write_text(render(runs, peers, plots, document.parent), encoding="utf-8")
    # The same figures for machines (the side-by-side runner, dashboards).
    scores = [
        {
            "summary": scored.summary.model_dump(mode="json"),
            "articles": [article.model_dump(mode="json") for article in scored.articles],
        }
        for scored in runs
    ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scores.json").write_text(
        json.dumps(scores, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return document


def load_runs(directory: Path) -> list[RunRecord]:
    runs = [
        RunRecord.model_validate_json(path.read_text(encoding="utf-8"))
        for path in sorted(directory.glob("*.json"))
    ]
    return sorted(runs, key=lambda run: run.started_at)
