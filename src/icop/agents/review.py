"""Checks on the editor's and the merger's answers: models pick drafts that do not exist, and
"polish" an article into a paragraph; the graph keeps the article, and notes what it corrected."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal

from icop.agents import citations
from icop.agents.gate.support import stated
from icop.agents.schemas import (
    WRITERS,
    ArticleText,
    DraftForReview,
    DraftRecord,
    EditorJudgement,
    RubricScores,
    WriterId,
)

MIN_KEPT_RATIO = 0.5
"""A polish, merge or format much shorter than its material lost content, not just words."""


_SECTION = re.compile(r"^##\s+(\w+)\s*$", re.MULTILINE)
INPUT_SECTIONS = frozenset(
    {"topic", "language", "outline", "research", "brand_voice", "length_words", "audience"}
    | {"drafts", "rubric", "title", "article", "images", "citations", "text"}
)


def echoed_inputs(text: str) -> bool:
    """True when a prose answer is the prompt handed back: two or more of the router's input
    section headings ("## research", "## brand_voice" …) on lines of their own."""
    return len({m.group(1) for m in _SECTION.finditer(text)} & INPUT_SECTIONS) >= 2


_ECHOED_FIELD = re.compile(
    r"^#{1,6}\s+(?:" + "|".join(sorted(INPUT_SECTIONS)) + r")(?:\s*:.*)?[ \t]*$\n?", re.MULTILINE
)
_STACKED_HASHES = re.compile(r"^(#{1,6})\s+#{1,6}\s+", re.MULTILINE)


def without_echoed_fields(text: str) -> str:
    """A draft without the router's input labels a small model copies into its answer
    ("## topic: composting at home", "## outline", "## ## 1. Introduction"): the labels are
    lower-case field names, so a writer's own "## Outline" heading is left alone."""
    return _STACKED_HASHES.sub(r"\1 ", _ECHOED_FIELD.sub("", text)).strip()


def usable(drafts: Mapping[str, DraftRecord]) -> dict[str, DraftRecord]:
    """The drafts worth reviewing, in writer order (parallel writers finish in any order)."""
    return {
        name: draft
        for name, draft in sorted(drafts.items())
        if draft.status == "ok" and draft.text.strip()
    }


def for_review(drafts: Mapping[str, DraftRecord], budget_tokens: int) -> list[DraftForReview]:
    """The drafts as the editor or merger reads them, each cut to an equal share of the task's
    context budget. Left to the router, trimming would drop the last draft whole (it shortens
    lists by their tail); a cut keeps every draft in the comparison, and the checks in
    ``judged``/``merged`` catch an answer built on a cut draft."""
    share_tokens = max(500, int(budget_tokens * 0.6 / max(1, len(drafts))))
    return [
        DraftForReview(
            id=draft.writer,
            text=_cut(draft.text, int(share_tokens * _chars_per_token(draft.text))),
            brand_voice_similarity=draft.brand_voice_similarity,
        )
        for draft in drafts.values()
    ]


def _chars_per_token(text: str) -> float:
    # About 4 for English prose; Hangul, kana and CJK take about a token per character.
    sample = text[:2000]
    ascii_share = sum(1 for char in sample if char.isascii()) / max(1, len(sample))
    return 1.0 + 3.0 * ascii_share**2  # mixed text leans to the dense script


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    paragraph = cut.rfind("\n\n")
    return (cut[:paragraph] if paragraph > limit * 0.7 else cut).rstrip() + " […]"


FACT_MARGIN = 1
"""How many more researched facts another draft may state before it overrules the editor's
pick: a small model's editor chose the draft with the fewest facts in two evaluation runs of
two (coverage 0.29 against 0.86), and facts are what a reader came for."""


def judged(
    judgement: EditorJudgement,
    drafts: Mapping[str, DraftRecord],
    facts: Sequence[str] = (),
    language: str = "en",
) -> ArticleText:
    """The editor's pick, checked in code: a pick of a draft that does not exist falls to the
    best-scored one, and a pick that states clearly fewer of the research ``facts`` than
    another draft gives way to the best-scored of those that state the most (noted)."""
    scores: dict[str, RubricScores] = {
        s.draft: s.scores for s in judgement.scores if s.draft in drafts
    }

    def total(name: str) -> int:
        return scores[name].total if name in scores else 0

    notes: list[str] = []
    chosen: str = judgement.chosen
    if chosen not in drafts:
        chosen = max(drafts, key=total)
        notes.append(f"The editor chose {judgement.chosen}, which has no draft; took {chosen}.")
    if facts and len(drafts) > 1:
        count = facts_stated(drafts, facts, language)
        most = max(count.values())
        if count[chosen] < most - FACT_MARGIN:
            better = max((n for n in drafts if count[n] >= most - FACT_MARGIN), key=total)
            notes.append(
                f"The editor chose {chosen}, which states {count[chosen]} of the {len(facts)} "
                f"researched facts; {better} states {count[better]} and is used."
            )
            chosen = better
    return ArticleText(
        text=drafts[chosen].text,
        method="compare",
        chosen=drafts[chosen].writer,
        rationale=judgement.rationale,
        scores=scores,
        notes=notes,
    )


def facts_stated(
    drafts: Mapping[str, DraftRecord], facts: Sequence[str], language: str
) -> dict[str, int]:
    """How many of the research ``facts`` each draft states (``gate.support.stated``)."""
    return {name: sum(stated(facts, draft.text, language)) for name, draft in drafts.items()}


def polish_refused(
    draft: str, polished: str, facts: Sequence[str] = (), language: str = "en"
) -> str | None:
    """Why a polish of ``draft`` must not replace it, or None when it may: a small model's
    polish shortens, drops citations or facts, or hands its inputs back."""
    if len(polished) < len(draft) * MIN_KEPT_RATIO:
        return "The polished text was much shorter than the draft; the draft is used."
    if echoed_inputs(polished):
        return "The polished text repeated its inputs; the draft is used."
    if citations.cited_numbers(draft) and not citations.cited_numbers(polished):
        return "The polished text lost every citation; the draft is used."
    if sum(stated(facts, polished, language)) < sum(stated(facts, draft, language)):
        return "The polished text dropped researched facts the draft had; the draft is used."
    return None


def unreviewed(
    drafts: Mapping[str, DraftRecord],
    method: Literal["compare", "merge"],
    reason: str,
    facts: Sequence[str] = (),
    language: str = "en",
) -> ArticleText:
    """The editor (or merger) could not answer: the drafts are still good, so the graph picks
    one itself — the one stating the most researched facts, then the most cited, then the
    closest to the brand voice — and says so, instead of failing an article that three
    writers finished."""
    count = facts_stated(drafts, facts, language)
    best = max(
        drafts.values(),
        key=lambda d: (
            count[d.writer],
            len(set(d.citations)),
            d.brand_voice_similarity or 0.0,
            len(d.text),
        ),
    )
    return ArticleText(
        text=best.text,
        method=method,
        chosen=best.writer if method == "compare" else None,
        rationale=f"Picked {best.writer}'s draft (most facts and citations) without review.",
        notes=[f"The {'editor' if method == 'compare' else 'merger'} failed: {reason}"[:300]],
    )


def merged(text: str, drafts: Mapping[str, DraftRecord]) -> ArticleText:
    text, notes = text.strip(), []
    shortest = min(len(d.text) for d in drafts.values())
    if len(text) < shortest * MIN_KEPT_RATIO or echoed_inputs(text):
        longest = max(drafts.values(), key=lambda d: len(d.text))
        text = longest.text
        notes.append(f"The merge was unusable (too short or an echo); {longest.writer}'s is used.")
    return ArticleText(
        text=text, method="merge", rationale="Merged from " + ", ".join(drafts), notes=notes
    )


def formatting_kept(article: str, body: str, images: int) -> bool:
    """Whether the formatter's Markdown is the article rearranged: every citation kept, not
    much shorter, not much longer than the images it placed, and not an echo of its inputs."""
    lost = set(citations.cited_numbers(article)) - set(citations.cited_numbers(body))
    longest = len(article) * 1.5 + 300 * images + 200
    return (
        not lost
        and len(article) * MIN_KEPT_RATIO <= len(body) <= longest
        and not echoed_inputs(body)
    )


def ranked_drafts(article: ArticleText, drafts: Mapping[str, DraftRecord]) -> list[DraftRecord]:
    """The drafts to try when the reviewed article is blocked, best first: the editor's scores,
    then the most cited (the reviewed article's own draft last: its text was just blocked)."""

    def rank(draft: DraftRecord) -> tuple[bool, int, int]:
        scores = article.scores.get(draft.writer)
        return (
            draft.writer == article.chosen,
            -(scores.total if scores else 0),
            -len(draft.citations),
        )

    return sorted(usable(drafts).values(), key=rank)


def instead_of_blocked(article: ArticleText, writer: str) -> ArticleText:
    """``article`` made from ``writer``'s draft (the text is set by the caller's review)."""
    note = f"The reviewed article did not pass the gate; {writer}'s draft did and is used."
    return article.model_copy(
        update={
            "chosen": writer if article.method == "compare" else None,
            "notes": [*article.notes, note][-10:],
        }
    )


def rewriter(article: ArticleText, drafts: Mapping[str, DraftRecord]) -> WriterId:
    """Who writes a blocked article again: the editor's pick (its model did best on this
    brief), else the writer with the most citations, else the first writer."""
    if article.chosen is not None:
        return article.chosen
    best = max(usable(drafts).values(), key=lambda d: len(set(d.citations)), default=None)
    return best.writer if best is not None else WRITERS[0]


def rewritten(article: ArticleText, draft: DraftRecord) -> ArticleText:
    """``article`` with the rewrite's text; when the rewrite failed, the blocked text stays
    (the gate blocks it again and the article goes to review with the findings)."""
    if draft.status != "ok" or not draft.text.strip():
        note = f"{draft.writer} could not write the article again: {draft.error or 'no text'}"
        return article.model_copy(update={"notes": [*article.notes, note[:300]][-10:]})
    note = f"The gate blocked the reviewed article; {draft.writer} wrote it again (not re-judged)."
    return article.model_copy(
        update={
            "text": draft.text,
            "chosen": draft.writer if article.method == "compare" else None,
            "notes": [*article.notes, note][-10:],
        }
    )
