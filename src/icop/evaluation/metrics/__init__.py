"""Metrics of one article or report, each a pure function of its text and inputs (the modules
beside this one), and the two entry points: ``score_article`` for what ICOP's runner recorded,
``score_report`` for any Markdown report with ``[n]`` citations and a numbered source list
(STORM's and GPT-Researcher's, scored on the same topics)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from icop.agents.gate.support import support_score
from icop.agents.gate.text import script_share, words
from icop.evaluation.dataset import EvalTopic
from icop.evaluation.metrics import content, scaffolding
from icop.evaluation.metrics.citations import citation_support, invented_sources, same_title
from icop.evaluation.metrics.markdown import (
    CitedUnit,
    ListedSource,
    cited_numbers,
    listed_sources,
    split_report,
    units,
)
from icop.evaluation.metrics.social import social_validity
from icop.evaluation.metrics.usage import usage
from icop.evaluation.records import ArticleRecord, SourceRef

RESEARCHED_AT = 0.8
"""A peer's source is one of the topic's reference documents when this share of its passage's
terms occurs in the document (a passage quoted from it, allowing for cleaning)."""


class ReportScores(BaseModel):
    """The measures any report gets (ICOP's or a peer's)."""

    words: int
    length_ratio: float
    length_ok: bool
    language_share: float
    language_ok: bool
    titles: int
    sections: int
    empty_sections: int
    reference_lists_in_body: int
    structure_ok: bool
    sentences: int
    repeated_sentences: int
    repeated_share: float
    distinct_2: float
    distinct_3: float
    coverage: float
    facts_covered: list[str] = Field(default_factory=list)
    facts_missed: list[str] = Field(default_factory=list)
    cited_sentences: int
    supported_sentences: int
    citation_support: float | None
    citation_precision: float | None
    model_cited_sentences: int
    model_citation_support: float | None
    inferred_cited_sentences: int
    inferred_citation_support: float | None
    unresolved_citations: list[int] = Field(default_factory=list)
    not_researched_sources: list[str] = Field(default_factory=list)
    invented_sources: int
    uncited_sources: list[int] = Field(default_factory=list)
    scaffolding_leaks: int
    leaked: list[str] = Field(default_factory=list)
    unsupported: list[str] = Field(default_factory=list)
    repeated: list[str] = Field(default_factory=list)


class ArticleScores(ReportScores):
    """ICOP's article: the report's measures plus what only the product records."""

    topic_id: str
    language: str
    status: str
    stop_reason: str | None = None
    posts: int
    posts_valid_before: int
    posts_valid_after: int
    post_problems: list[str] = Field(default_factory=list)
    alt_language_share: float | None
    brand_voice_similarity: float | None
    gate_findings: list[str] = Field(default_factory=list)
    seconds: float
    finished_after_s: float
    attempts: int
    failures: int
    calls: int
    failed_calls: int
    retries: int
    repaired: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float


def _scores(
    body: str,
    topic: EvalTopic,
    passages: dict[int, str],
    listed: Sequence[ListedSource],
    researched: set[int],
    references: Sequence[str],
    inferred: set[str] | None,
) -> ReportScores:
    """``inferred``: the word keys of the sentences whose citations code added (None: none)."""
    language = topic.language
    length = content.length(body, topic.length_words, language)
    script = content.language(body, language)
    structure = content.structure(body)
    repetition = content.repetition(body, language)
    coverage = content.coverage(body, topic.key_facts, language)
    cited_units = units(body)
    support = citation_support(cited_units, passages, language)
    keys = inferred or set()
    by_code = [unit for unit in cited_units if _key(unit) in keys]
    by_model = [unit for unit in cited_units if _key(unit) not in keys]
    model = citation_support(by_model, passages, language)
    code = citation_support(by_code, passages, language)
    invented = invented_sources(
        cited_numbers(body), listed, lambda source: source.number in researched
    )
    leaks = scaffolding.leaks(body, references, language)
    return ReportScores(
        words=length.words,
        length_ratio=round(length.ratio, 3),
        length_ok=length.ok,
        language_share=round(script.share, 3),
        language_ok=script.ok,
        titles=structure.titles,
        sections=structure.sections,
        empty_sections=structure.empty_sections,
        reference_lists_in_body=structure.reference_lists,
        structure_ok=structure.ok,
        sentences=repetition.sentences,
        repeated_sentences=len(repetition.repeated),
        repeated_share=round(repetition.share, 3),
        distinct_2=round(repetition.distinct_2, 3),
        distinct_3=round(repetition.distinct_3, 3),
        coverage=round(coverage.share, 3),
        facts_covered=list(coverage.covered),
        facts_missed=list(coverage.missed),
        cited_sentences=support.cited,
        supported_sentences=support.supported,
        citation_support=_round(support.share),
        citation_precision=_round(support.precision),
        model_cited_sentences=model.cited,
        model_citation_support=_round(model.share),
        inferred_cited_sentences=code.cited,
        inferred_citation_support=_round(code.share),
        unresolved_citations=list(invented.unresolved),
        not_researched_sources=list(invented.not_researched),
        invented_sources=invented.count,
        uncited_sources=list(invented.uncited),
        scaffolding_leaks=len(leaks),
        leaked=leaks[:20],
        unsupported=list(support.unsupported[:20]),
        repeated=list(repetition.repeated[:20]),
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _key(unit: CitedUnit) -> str:
    return " ".join(words(unit.text))


# -- a peer's (or any) report ---------------------------------------------------------------
def score_report(
    text: str,
    sources: list[SourceRef],
    topic: EvalTopic,
    *,
    references: Sequence[str] = (),
) -> ReportScores:
    """Score a Markdown report that did not come from ICOP: ``[n]`` citations, and ``sources``
    the numbered list they resolve to (a source's ``snippet`` is its passage; without one, the
    topic's reference document it names is). A source is from the research when it is one of
    the topic's reference documents (same title, or a passage quoted from it). ``references``:
    the system's own prompt texts, if it has any, for the scaffolding check."""
    body, listed_text = split_report(text)
    listed = [ListedSource(s.number, s.title, s.url) for s in sources] or listed_sources(
        listed_text
    )
    passages: dict[int, str] = {}
    researched: set[int] = set()
    given = {source.number: source for source in sources}
    for source in listed:
        snippet = given[source.number].snippet if source.number in given else ""
        document = _document_of(source, snippet, topic)
        if document is not None:
            researched.add(source.number)
        passage = snippet or (document or "")
        if passage:
            passages[source.number] = passage
    return _scores(body, topic, passages, listed, researched, references, None)


def _document_of(source: ListedSource, snippet: str, topic: EvalTopic) -> str | None:
    for document in topic.documents:
        if same_title(source.title, document.title) or (
            source.url is not None and document.name in source.url
        ):
            return document.text
        if snippet and support_score(snippet, document.text, topic.language) >= RESEARCHED_AT:
            return document.text
    return None


# -- ICOP's article ---------------------------------------------------------------------------
def score_article(
    record: ArticleRecord, topic: EvalTopic, references: Sequence[str]
) -> ArticleScores:
    """Score what the runner recorded for ``topic``; ``references``: the prompt templates of
    the code that wrote it (``scaffolding.prompt_templates``), and any others to check."""
    body, _ = split_report(record.markdown)
    # The final list the [n] resolve to. A record made before it was kept: what the Markdown
    # cites, numbered as research numbered them (that assembler did not renumber). An article
    # sent to review has no assembled list: its text cites research's numbers.
    cited = set(record.cited_sources)
    listed_refs = record.references or [
        source for source in record.sources if source.number in cited or not cited
    ]
    researched_keys = {(source.title, source.url) for source in record.sources}
    listed = [ListedSource(s.number, s.title, s.url) for s in listed_refs]
    passages = {s.number: s.snippet for s in listed_refs if s.snippet}
    researched = {s.number for s in listed_refs if (s.title, s.url) in researched_keys}
    scores = _scores(
        body, topic, passages, listed, researched, references, _inferred_keys(record, body)
    )
    posts = social_validity(record.social)
    calls = usage(record.calls)
    alts = " ".join(record.image_alts)
    similarities = [
        d.brand_voice_similarity
        for d in record.drafts
        if d.status == "ok" and d.brand_voice_similarity is not None
    ]
    findings = (record.gate or {}).get("findings") or []
    return ArticleScores(
        **scores.model_dump(),
        topic_id=record.topic_id,
        language=record.language,
        status=record.status,
        stop_reason=record.stop_reason,
        posts=posts.posts,
        posts_valid_before=posts.valid_before,
        posts_valid_after=posts.valid_after,
        post_problems=list(posts.problems[:20]),
        alt_language_share=round(script_share(alts, record.language), 3) if alts else None,
        brand_voice_similarity=(
            round(sum(similarities) / len(similarities), 3)
            if record.brand_voice_configured and similarities
            else None
        ),
        gate_findings=[_finding(f) for f in findings][:50],
        seconds=record.seconds,
        finished_after_s=record.finished_after_s,
        attempts=record.attempts,
        failures=len(record.failures),
        calls=calls.calls,
        failed_calls=calls.failed_calls,
        retries=calls.retries,
        repaired=calls.repaired,
        prompt_tokens=calls.prompt_tokens,
        completion_tokens=calls.completion_tokens,
        cost_usd=calls.cost_usd,
    )


def _finding(finding: object) -> str:
    if isinstance(finding, dict):
        return f"{finding.get('code', '?')}:{finding.get('action', '?')}"
    return str(finding)[:80]


def _inferred_keys(record: ArticleRecord, body: str) -> set[str]:
    """The sentences whose citations code added rather than a model wrote.

    With the texts the models wrote (the reviewer's article, the drafts): a final cited
    sentence that they only ever wrote without a citation (sentences they did not write at all
    were rewritten by a model: counted as the model's). Records made before those were kept: a
    paragraph's only cited sentence whose numbers are all among the sources the assembler
    reported inferring (its one citation is appended to the paragraph's best sentence)."""
    final = [unit for unit in units(body) if unit.numbers]
    if record.article_text:
        cited: dict[str, bool] = {}
        written = [record.article_text, *(draft.text for draft in record.drafts)]
        for unit in (unit for text in written for unit in units(text)):
            cited[_key(unit)] = cited.get(_key(unit), False) or bool(unit.numbers)
        return {_key(unit) for unit in final if cited.get(_key(unit)) is False}
    inferred = set(record.inferred_citations)
    if not inferred:
        return set()
    per_paragraph: dict[int, list[CitedUnit]] = {}
    for unit in final:
        per_paragraph.setdefault(unit.paragraph, []).append(unit)
    return {
        _key(only[0])
        for only in per_paragraph.values()
        if len(only) == 1 and set(only[0].numbers) <= inferred
    }


__all__ = ["ArticleScores", "ReportScores", "score_article", "score_report"]
