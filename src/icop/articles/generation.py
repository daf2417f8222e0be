"""What the article workflow needs from the agent graph: one call that turns a brief into an
article, resumable by thread id, reporting progress per step."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, Protocol
from uuid import UUID

from icop.errors import ICOPError
from icop.llm.contests.record import Contest
from icop.models.article import ArticleImage, SocialCopy


@dataclass(frozen=True)
class StepProgress:
    """One graph node starting or ending: ``state`` is started, finished, failed or stopped."""

    step: str
    state: str
    at: datetime
    detail: str | None = None
    cost_usd: float = 0.0


ProgressCallback = Callable[[StepProgress], Awaitable[None]]


@dataclass(frozen=True)
class Brief:
    topic: str
    sub_topic: str | None
    audience: str | None
    language: str
    mode: Literal["compare", "merge"]
    length_words: int
    url: str | None = None
    """Where the article can be read: its posts link to it."""


@dataclass(frozen=True)
class DraftRecord:
    writer: str
    provider: str | None
    model: str | None
    text: str
    scores: dict[str, Any] = field(default_factory=dict)
    brand_voice_similarity: float | None = None
    selected: bool = False


@dataclass(frozen=True)
class GenerationResult:
    status: Literal["ok", "no_sources", "needs_review"]
    title: str | None = None
    markdown: str | None = None
    seo: dict[str, Any] = field(default_factory=dict)
    citations: list[dict[str, Any]] = field(default_factory=list)
    image_prompts: list[dict[str, Any]] = field(default_factory=list)
    images: list[ArticleImage] = field(default_factory=list)
    social: dict[str, SocialCopy] = field(default_factory=dict)
    drafts: list[DraftRecord] = field(default_factory=list)
    selection_rationale: str | None = None
    cost_usd: Decimal = Decimal(0)
    message: str | None = None
    quality: dict[str, Any] = field(default_factory=dict)
    """The publishability gate's report: attempts and findings."""
    contest: Contest | None = None
    """The writers' judged contest (compare mode, reviewed by the editor), else None."""


class GenerationFailed(ICOPError):
    """The generator finished without an article, for good (e.g. every writer failed after
    the router's own fallbacks): the activity records it instead of being retried."""

    code = "article_generation_failed"
    title = "Article generation failed"


class ArticleGenerator(Protocol):
    async def generate(
        self, *, tenant_id: UUID, article_id: UUID, brief: Brief, progress: ProgressCallback
    ) -> GenerationResult:
        """Run (or resume, same ``article_id``) the agent graph for one article."""
        ...
