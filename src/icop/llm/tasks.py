"""Task kinds: what each kind of model call consumes and how much room it gets.

Context minimisation starts here: a task declares the input fields it needs, so the router
drops everything else a caller hands it (a whole article state, say) before counting tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TaskKind(StrEnum):
    RESEARCH_SUMMARIZE = "research.summarize"
    WRITE_DRAFT = "write.draft"
    # One route per parallel writer (agents graph): each can sit on its own vendor.
    WRITE_DRAFT_A = "write.draft.a"
    WRITE_DRAFT_B = "write.draft.b"
    WRITE_DRAFT_C = "write.draft.c"
    EDIT_JUDGE = "edit.judge"
    EDIT_MERGE = "edit.merge"
    SEO_META = "seo.meta"
    VISUAL_PROMPT = "visual.prompt"
    TRANSLATE = "translate"
    TOPICS_EXPAND = "topics.expand"
    TOPICS_LABEL = "topics.label"
    EDITOR_COMMAND = "editor.command"
    SOCIAL_COPY = "social.copy"
    CHAT = "chat"
    VIDEO_SCENES = "video.scenes"
    VIDEO_STORYBOARD = "video.storyboard"
    VIDEO_DIRECT = "video.direct"
    BRAND_TONE = "brand.tone"


@dataclass(frozen=True, slots=True)
class TaskSpec:
    kind: TaskKind
    consumes: frozenset[str]
    """Input fields the task reads; anything else is dropped before the call."""
    context_budget_tokens: int
    """Upper bound for the prompt (system + inputs) after trimming."""
    max_output_tokens: int
    structured: bool
    """True when callers must pass an output schema."""


def _spec(
    kind: TaskKind, consumes: set[str], budget: int, output: int, structured: bool = True
) -> TaskSpec:
    return TaskSpec(kind, frozenset(consumes), budget, output, structured)


# "brief": writers and the merger get their inputs as one prose brief (agents.prompts).
_WRITER_INPUTS = {
    "brief",
    "topic",
    "language",
    "outline",
    "research",
    "brand_voice",
    "brand_tone",
    "length_words",
    "audience",
}

TASKS: dict[TaskKind, TaskSpec] = {
    spec.kind: spec
    for spec in (
        _spec(TaskKind.RESEARCH_SUMMARIZE, {"topic", "language", "sources", "question"}, 6000, 900),
        *(
            _spec(kind, _WRITER_INPUTS, 6000, 1600, structured=False)
            for kind in (
                TaskKind.WRITE_DRAFT,
                TaskKind.WRITE_DRAFT_A,
                TaskKind.WRITE_DRAFT_B,
                TaskKind.WRITE_DRAFT_C,
            )
        ),
        # The editor and the merger see the research: faithfulness to the sources is one of
        # the rubric's criteria, and a merge must keep the [n] citations pointing at them.
        _spec(
            TaskKind.EDIT_JUDGE, {"topic", "drafts", "rubric", "language", "research"}, 7000, 700
        ),
        _spec(
            TaskKind.EDIT_MERGE,
            {"brief", "topic", "drafts", "language", "brand_voice", "brand_tone", "research"},
            7000,
            1800,
            structured=False,
        ),
        _spec(TaskKind.SEO_META, {"title", "article", "language", "keywords"}, 3000, 400),
        # language: the alt texts are for the article's readers; the prompts stay English.
        _spec(
            TaskKind.VISUAL_PROMPT, {"title", "summary", "brand", "count", "language"}, 2000, 500
        ),
        _spec(
            TaskKind.TRANSLATE,
            {"text", "source_language", "target_language"},
            4000,
            1600,
            structured=False,
        ),
        _spec(TaskKind.TOPICS_EXPAND, {"topic", "language", "count", "audience"}, 1000, 1200),
        _spec(TaskKind.TOPICS_LABEL, {"phrases", "keywords", "topic", "language"}, 1500, 120),
        _spec(TaskKind.EDITOR_COMMAND, {"command", "selection", "document", "brand"}, 3000, 800),
        # Brand learning (icop.brand.learning): excerpts and measured figures in, a voice out.
        _spec(TaskKind.BRAND_TONE, {"samples", "measures"}, 4000, 500),
        _spec(
            TaskKind.SOCIAL_COPY,
            {"title", "summary", "url", "platform", "language", "hashtags", "brand_voice"},
            2000,
            500,
        ),
        _spec(TaskKind.CHAT, {"prompt"}, 4000, 512, structured=False),
        _spec(
            TaskKind.VIDEO_SCENES,
            {"title", "text", "language", "target_seconds", "max_scenes"},
            3000,
            900,
        ),
        _spec(TaskKind.VIDEO_STORYBOARD, {"title", "scene", "brand"}, 1000, 400),
        _spec(TaskKind.VIDEO_DIRECT, {"scenes", "platform", "max_seconds"}, 1500, 200),
    )
}


def spec_for(kind: TaskKind | str) -> TaskSpec:
    return TASKS[TaskKind(kind)]


# Contests: routes whose calls compete in one judged contest per article. The key is the pool
# task, whose candidates the slots draw from in the ``best_judged`` routing mode and under whose
# name each tenant's record is kept; the slots are the parallel calls of one article.
CONTESTS: dict[TaskKind, tuple[TaskKind, ...]] = {
    TaskKind.WRITE_DRAFT: (TaskKind.WRITE_DRAFT_A, TaskKind.WRITE_DRAFT_B, TaskKind.WRITE_DRAFT_C),
}


@dataclass(frozen=True, slots=True)
class Seat:
    """A slot's place in its contest."""

    pool: TaskKind
    index: int
    slots: int


def seat_of(kind: TaskKind) -> Seat | None:
    for pool, slots in CONTESTS.items():
        if kind in slots:
            return Seat(pool, slots.index(kind), len(slots))
    return None
