from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import Field

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
    decided_by: UUID | None
    decided_at: datetime | None
    drafts: list[DraftOut] = Field(default_factory=list)


class ArticleAccepted(ResponseModel):
    id: UUID
    status: ArticleStatus
    workflow_id: str


class DecisionRequest(RequestModel):
    reason: str | None = Field(default=None, max_length=1000)
