"""Writing: the brief, the three writers' drafts, and the editor's or merger's article."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from icop.agents.schemas.common import (
    MAX_ARTICLE_CHARS,
    InputModel,
    Language,
    OutputModel,
    ProseOutput,
    fit,
)
from icop.agents.schemas.research import ResearchDigest
from icop.platforms import Platform

WriterId = Literal["writer_a", "writer_b", "writer_c"]
WRITERS: tuple[WriterId, ...] = ("writer_a", "writer_b", "writer_c")
Mode = Literal["compare", "merge"]


class WriterBrief(InputModel):
    """What a person (or the planning service) asks for."""

    topic: str = Field(min_length=1, max_length=500)
    sub_topic: str | None = Field(default=None, max_length=500)
    audience: str | None = Field(default=None, max_length=300)
    language: Language = "en"
    mode: Mode = "compare"
    length_words: int = Field(default=800, ge=100, le=4000)
    outline: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, max_length=12, description="Sections the article should cover."
    )
    keywords: list[Annotated[str, Field(max_length=60)]] = Field(
        default_factory=list, max_length=10
    )
    brand: str | None = Field(
        default=None, max_length=500, description="Brand name and look, for image prompts."
    )
    image_count: int = Field(default=2, ge=1, le=4)
    platforms: list[Platform] = Field(default_factory=lambda: list(Platform), max_length=4)
    article_url: str | None = Field(
        default=None, max_length=2000, description="Where the article will be published."
    )

    @property
    def subject(self) -> str:
        return self.sub_topic or self.topic


class WriterInput(InputModel):
    topic: str = Field(max_length=500)
    language: Language
    outline: list[Annotated[str, Field(max_length=200)]] = Field(max_length=12)
    research: ResearchDigest
    brand_voice: list[Annotated[str, Field(max_length=1500)]] = Field(
        max_length=5, description="Samples of the brand's own writing, closest first."
    )
    brand_tone: str | None = Field(
        default=None,
        max_length=1200,
        description="The brand kit's tone profile: formality, person, sentence length, "
        "phrases to use and to avoid.",
    )
    length_words: int = Field(ge=100, le=4000)
    audience: str | None = Field(default=None, max_length=300)


class DraftText(ProseOutput):
    """A writer's draft: Markdown prose citing sources as [n]."""


class DraftRecord(OutputModel):
    """One writer's draft as the article keeps it: who actually wrote it (after fallback),
    and how close it is to the brand voice."""

    writer: WriterId
    status: Literal["ok", "failed"] = "ok"
    text: str = Field(default="", max_length=MAX_ARTICLE_CHARS)
    provider: str | None = Field(default=None, max_length=40)
    model: str | None = Field(default=None, max_length=120)
    brand_voice_similarity: float | None = Field(default=None, ge=-1, le=1)
    citations: list[int] = Field(default_factory=list, max_length=50)
    error: str | None = Field(default=None, max_length=1000)


class DraftForReview(InputModel):
    id: WriterId
    text: str = Field(max_length=MAX_ARTICLE_CHARS)
    brand_voice_similarity: float | None = Field(
        default=None, description="Measured cosine similarity to the brand's samples."
    )


class RubricCriterion(InputModel):
    name: str = Field(max_length=40)
    description: str = Field(max_length=400)


class EditorInput(InputModel):
    topic: str = Field(max_length=500)
    language: Language
    drafts: list[DraftForReview] = Field(min_length=1, max_length=3)
    rubric: list[RubricCriterion] = Field(max_length=8)
    research: ResearchDigest


Score = Annotated[int, Field(ge=1, le=10)]


class RubricScores(OutputModel):
    structure: Score
    faithfulness: Score = Field(description="Claims match the numbered sources.")
    brand_voice: Score
    readability: Score

    @property
    def total(self) -> int:
        return self.structure + self.faithfulness + self.brand_voice + self.readability


class DraftScore(OutputModel):
    draft: WriterId
    scores: RubricScores
    note: Annotated[str, fit(300)] = Field(default="", max_length=300)


class EditorJudgement(OutputModel):
    """The editor's answer in compare mode: scores per draft, the pick and why. No article
    text: the graph keeps the chosen draft, and a polish (``ICOP_EDITOR_POLISH``) is a call of
    its own — a small model asked for both looped inside the JSON (ADR 0024)."""

    scores: list[DraftScore] = Field(min_length=1, max_length=3)
    chosen: WriterId
    rationale: Annotated[str, fit(1200)] = Field(max_length=1200)


class MergerInput(InputModel):
    topic: str = Field(max_length=500)
    language: Language
    drafts: list[DraftForReview] = Field(min_length=1, max_length=3)
    brand_voice: list[Annotated[str, Field(max_length=1500)]] = Field(max_length=5)
    brand_tone: str | None = Field(default=None, max_length=1200)
    research: ResearchDigest


class MergedText(ProseOutput):
    """The merger's article: the best parts of every draft, citations kept."""


class ArticleText(OutputModel):
    """The article the rest of the graph works on, whichever way it was produced."""

    text: str = Field(min_length=1, max_length=MAX_ARTICLE_CHARS)
    method: Mode
    chosen: WriterId | None = None
    rationale: str = Field(default="", max_length=1200)
    scores: dict[WriterId, RubricScores] = Field(default_factory=dict)
    notes: list[Annotated[str, Field(max_length=300)]] = Field(
        default_factory=list, max_length=10, description="What the graph corrected, and why."
    )

    @model_validator(mode="after")
    def _chosen_only_when_compared(self) -> ArticleText:
        if self.method == "merge" and self.chosen is not None:
            raise ValueError("a merged article has no chosen draft")
        return self


# Checkpoints stored before the rename name the brief "ArticleBrief", and LangGraph revives a
# model through its module's attribute of that name (icop.agents.checkpoint allows it). Only
# for those rows: new code says WriterBrief (the API's request is articles.schemas.ArticleCreate).
ArticleBrief = WriterBrief
