from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import Field, StringConstraints, field_validator, model_validator

from icop.models import ArticleImage, ArticleStatus, SocialCopy
from icop.schemas import Money, RequestModel, ResponseModel

ArticleMode = Literal["compare", "merge"]


class ArticleCreate(RequestModel):
    topic: str = Field(min_length=3, max_length=500)
    sub_topic: str | None = Field(default=None, max_length=500)
    audience: str | None = Field(default=None, max_length=300)
    language: str = Field(
        default="en", min_length=2, max_length=16, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"
    )
    mode: ArticleMode = "compare"
    length_words: int = Field(default=800, ge=150, le=4000)
    approval_required: bool = False
    video: bool = Field(
        default=False,
        description="Also make a short vertical video (the local renderer, 30 s, Instagram "
        "first) once the article is written, without delaying it; GET /api/v1/videos lists it "
        "with this article's id.",
    )


class DraftOut(ResponseModel):
    id: UUID
    writer: str
    provider: str | None
    model: str | None
    text: str
    scores: dict[str, Any]
    brand_voice_similarity: float | None
    selected: bool


class ArticleSummary(ResponseModel):
    id: UUID
    topic: str
    sub_topic: str | None
    language: str
    mode: ArticleMode
    status: ArticleStatus
    current_step: str | None
    title: str | None
    cost_usd: Money
    created_at: datetime
    updated_at: datetime


class ArticleOut(ArticleSummary):
    audience: str | None
    length_words: int
    approval_required: bool
    video_requested: bool
    workflow_id: str | None
    final_markdown: str | None
    final_markdown_url: str | None
    thumbnail_url: str | None
    selection_rationale: str | None
    seo: dict[str, Any]
    citations: list[dict[str, Any]]
    image_prompts: list[dict[str, Any]]
    images: list[ArticleImage]
    social: dict[str, SocialCopy]
    quality: dict[str, Any] = Field(
        default_factory=dict,
        description="The publishability gate's report: attempts, passed, findings "
        "(code, action: removed | repaired | blocking, detail).",
    )
    error: str | None
    brand_kit_version: int | None = Field(
        default=None, description="The brand kit version the article was written with."
    )
    decided_by: UUID | None
    decided_at: datetime | None
    drafts: list[DraftOut] = Field(default_factory=list)


class ArticleAccepted(ResponseModel):
    id: UUID
    status: ArticleStatus
    workflow_id: str


class DecisionRequest(RequestModel):
    reason: str | None = Field(default=None, max_length=1000)


class GraphNodeOut(ResponseModel):
    name: str
    status: str = Field(description="pending | running | finished | stopped | failed | skipped")
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: int | None
    runs: int = Field(description="How often the node ran (writers rerun after a blocked gate).")
    cost_usd: Money
    slowest: bool


class ArticleGraphOut(ResponseModel):
    article_id: UUID
    status: ArticleStatus
    mermaid: str = Field(description="A Mermaid flowchart: a class per status, the slowest bold.")
    nodes: list[GraphNodeOut]
    slowest: str | None


Keyword = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Hashtag = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[^\s#]+$"),
]


class SeoFields(RequestModel):
    """The SEO fields as a person sets them; the limits are the SEO agent's (SeoMeta: the
    lengths search results cut at), checked rather than cut: a person sees why."""

    title: str = Field(min_length=1, max_length=60)
    meta_description: str = Field(min_length=1, max_length=160)
    slug: str = Field(min_length=1, max_length=80, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    keywords: list[Keyword] = Field(default_factory=list, max_length=10)
    hashtags: list[Hashtag] = Field(
        default_factory=list, max_length=10, description="Without '#' (a leading one is dropped)."
    )

    @field_validator("hashtags", mode="before")
    @classmethod
    def _without_hash(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [v.strip().removeprefix("#") if isinstance(v, str) else v for v in value]
        return value

    @field_validator("keywords", "hashtags")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for item in value:
            if item.casefold() in seen:
                raise ValueError(f"{item!r} is listed twice")
            seen.add(item.casefold())
        return value


class ContentUpdate(RequestModel):
    markdown: str | None = Field(
        default=None,
        min_length=1,
        max_length=200_000,
        description="The whole document as ``GET …/markdown`` gives it (front matter and the "
        "source list included), or its body alone. Front matter is rebuilt from the SEO fields. "
        "Left out (with ``seo``): the text of the version edited, only the SEO fields change.",
    )
    seo: SeoFields | None = Field(
        default=None, description="Replaces the SEO fields; left out, they stay as they are."
    )
    summary: str | None = Field(
        default=None, max_length=300, description="What changed, for the version history."
    )
    base_version: int | None = Field(
        default=None,
        ge=1,
        description='The version this edit started from (or send ``If-Match: "v<n>"``): '
        "a stale one is refused, nothing is overwritten.",
    )

    @model_validator(mode="after")
    def _something(self) -> ContentUpdate:
        if self.markdown is None and self.seo is None:
            raise ValueError("send the markdown, the SEO fields, or both")
        return self


class FindingOut(ResponseModel):
    code: str
    action: str = Field(description="blocking | noted (an edit is never rewritten by code)")
    detail: str


class VersionSummary(ResponseModel):
    number: int
    source: str = Field(description="graph (what the agents wrote) | edit | restore")
    summary: str | None
    restored_from: int | None
    author_id: UUID | None
    created_at: datetime


class VersionOut(VersionSummary):
    markdown: str
    seo: dict[str, Any]
    findings: list[FindingOut]
    diff: str = Field(description="Unified diff from the previous version (or from nothing).")
    seo_changes: dict[str, Any] = Field(
        description="SEO fields that differ from the previous version: {field: [before, after]}."
    )


class ContentSaved(ResponseModel):
    article_id: UUID
    status: ArticleStatus
    version: VersionOut
