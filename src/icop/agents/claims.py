"""Research claims taken from the sources themselves: the sentences of the retrieved passages
that state something specific, one claim each, cited by the number of the source they were
read from. Deterministic code, no model.

Why: the bundled 0.5B model, asked to distil the sources into claims, spent 80 s of a 290 s
article on it and answered with three claims repeated twelve times, claims that missed most of
the key facts its sources carried, and — for Korean sources — English sentences about nothing
(docs/quality.md). A sentence copied from a passage is supported by that passage by
construction, in any language. ``ICOP_RESEARCH_CLAIMS=model`` keeps the researcher agent (a
capable cloud model may synthesise better); its claims are then checked here and topped up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from icop.agents.citations import cited
from icop.agents.gate.support import support_score, terms
from icop.agents.gate.text import is_dense, sentences, word_count
from icop.agents.schemas import Claim, ResearchDigest, ResearchSummary, Source
from icop.agents.schemas.research import MAX_CLAIMS

MIN_WORDS, MAX_WORDS = 6, 45
"""A claim is a statement: shorter units are headings and fragments, longer ones run-ons that
would crowd the writers' prompt."""
MIN_WORDS_DENSE, MAX_WORDS_DENSE = 8, 90
"""The same bounds in Hangul/CJK bigrams (``word_count`` counts a dense script that way)."""
SAME_CLAIM = 0.6
"""A sentence sharing this share of its terms with a chosen claim says the same thing."""
SUPPORTED_CLAIM = 0.5
"""A model's claim is kept when its best cited passage carries half of its terms."""

# A digit, or a number written out: specific facts ("six hours", "20 litres") are what an
# article needs most and what a reader checks.
_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|half|third|quarter|twice|dozen)\b",
    re.IGNORECASE,
)
_FRAGMENT_START = re.compile(r"^[a-z,;:)\]]")
_STATEMENT_END = re.compile(r"[.!\u3002\uff01]$|[다요죠음함됨]$")


@dataclass(frozen=True)
class _Candidate:
    text: str
    source: int
    position: int
    score: float


def _is_statement(sentence: str, language: str) -> bool:
    # A passage is a chunk of a document: its first "sentence" may start mid-way ("by volume.
    # Too many greens…") and its last may stop mid-way. Questions are not claims.
    if _FRAGMENT_START.match(sentence) or sentence.endswith("?"):
        return False
    if not _STATEMENT_END.search(sentence.rstrip()):
        return False
    count = word_count(sentence, language)
    low, high = (MIN_WORDS_DENSE, MAX_WORDS_DENSE) if is_dense(language) else (MIN_WORDS, MAX_WORDS)
    return low <= count <= high


def _score(sentence: str, topic_terms: set[str], language: str) -> float:
    own = terms(sentence, language)
    if not own:
        return 0.0
    # Content carried (capped: a long sentence is not worth three short ones), a bonus for a
    # figure, a smaller one for naming the topic.
    score = min(len(own), 12) / 12
    if _NUMBER.search(sentence):
        score += 0.5
    if topic_terms and own & topic_terms:
        score += 0.25
    return score


def _candidates(sources: Sequence[Source], topic: str, language: str) -> list[_Candidate]:
    topic_terms = terms(topic, language)
    found: list[_Candidate] = []
    for source in sources:
        for position, unit in enumerate(sentences(source.snippet)):
            # Passages joined from several chunks mark the cut with an ellipsis.
            sentence = unit.lstrip("…. ").strip()
            if _is_statement(sentence, language):
                score = _score(sentence, topic_terms, language)
                found.append(_Candidate(sentence, source.number, position, score))
    return found


def _repeats(text: str, chosen: Sequence[str], language: str) -> bool:
    return any(
        support_score(text, other, language) >= SAME_CLAIM
        or support_score(other, text, language) >= SAME_CLAIM
        for other in chosen
    )


def from_sources(
    sources: Sequence[Source],
    topic: str,
    language: str,
    *,
    limit: int = MAX_CLAIMS,
    known: Sequence[str] = (),
) -> list[Claim]:
    """Up to ``limit`` claims from the passages' sentences: the most specific first chosen,
    none restating another or one of ``known``, then put back in reading order (source by
    source, as the documents tell it), which is the order a writer can follow."""
    chosen: list[_Candidate] = []
    texts = list(known)
    ranked = sorted(
        _candidates(sources, topic, language),
        key=lambda c: (-c.score, c.source, c.position),
    )
    for candidate in ranked:
        if len(chosen) >= limit:
            break
        if _repeats(candidate.text, texts, language):
            continue
        chosen.append(candidate)
        texts.append(candidate.text)
    chosen.sort(key=lambda c: (c.source, c.position))
    return [Claim(text=c.text, sources=[c.source]) for c in chosen]


def checked(claims: Sequence[Claim], sources: Sequence[Source], language: str) -> list[Claim]:
    """A model's claims that cite real sources, are supported by one of the passages they
    cite, and do not repeat an earlier claim (a small model loops: the same claim twelve
    times)."""
    passages = {s.number: f"{s.title}. {s.snippet}" for s in sources}
    kept: list[Claim] = []
    for claim in claims:
        valid = [n for n in claim.sources if n in passages]
        if not valid:
            continue
        if max(support_score(claim.text, passages[n], language) for n in valid) < SUPPORTED_CLAIM:
            continue
        if _repeats(claim.text, [c.text for c in kept], language):
            continue
        kept.append(Claim(text=claim.text, sources=valid))
    return kept


def digest(
    sources: Sequence[Source],
    topic: str,
    language: str,
    summary: ResearchSummary | None = None,
) -> ResearchDigest:
    """What writers get as ``research``: the model's checked claims (if it was asked), topped
    up with the passages' own sentences, and the model's summary (none without a model: the
    claims say it, and a summary made of them would put each twice in every prompt)."""
    model_claims = checked(summary.claims, sources, language) if summary else []
    extracted = from_sources(
        sources,
        topic,
        language,
        limit=MAX_CLAIMS - len(model_claims),
        known=[c.text for c in model_claims],
    )
    return ResearchDigest(
        summary=summary.summary.strip() if summary else "",
        claims=model_claims + extracted,
        sources=[cited(s) for s in sources],
    )
