"""The article graph's state: every intermediate result, so a checkpoint holds the whole story
of an article (drafts, who wrote them, scores, SEO, prompts, images, social copy, cost)."""

from __future__ import annotations

import operator
from typing import Annotated, Literal, TypedDict, TypeVar

from icop.agents.schemas import (
    AgentUsage,
    ArticleText,
    DraftRecord,
    Finding,
    GateReport,
    ImageAsset,
    MarkdownDocument,
    ResearchDigest,
    SeoMeta,
    SocialPost,
    Source,
    VisualPlan,
    WriterBrief,
)
from icop.platforms import Platform

GraphStatus = Literal["running", "no_sources", "failed", "needs_review", "done"]
"""``no_sources``, ``failed`` and ``needs_review`` end the graph early with ``stop_reason`` saying
why; the article statuses (models.article.ArticleStatus) include all three."""


V = TypeVar("V")


def merge_by_key(left: dict[str, V], right: dict[str, V]) -> dict[str, V]:
    """Reducer for results keyed by writer or platform: parallel branches each add theirs."""
    return {**left, **right}


class GraphInput(TypedDict):
    """What starts a run (see graph.start_state)."""

    article_id: str
    tenant_id: str
    brief: WriterBrief
    trace_id: str


class ArticleState(GraphInput, total=False):
    status: GraphStatus
    stop_reason: str
    sources: list[Source]
    research: ResearchDigest
    brand_voice: list[str]
    brand_tone: str
    drafts: Annotated[dict[str, DraftRecord], merge_by_key]
    article: ArticleText
    gate: GateReport
    findings: Annotated[list[Finding], operator.add]
    """What the stages after the gate repaired (keywords, hashtags, alt texts)."""
    seo: SeoMeta
    visual: VisualPlan
    images: list[ImageAsset]
    markdown: MarkdownDocument
    social: Annotated[dict[str, SocialPost], merge_by_key]
    usage: Annotated[list[AgentUsage], operator.add]


class SocialTask(TypedDict):
    """What one social-copy branch gets (a LangGraph ``Send``): only what it needs, since
    each branch's input is stored in the checkpoint."""

    article_id: str
    tenant_id: str
    trace_id: str
    platform: Platform
    language: str
    title: str
    summary: str
    url: str | None
    hashtags: list[str]
    brand_voice: list[str]
    images: list[ImageAsset]


def total_cost_usd(state: ArticleState) -> float:
    return round(sum(usage.cost_usd for usage in state.get("usage", [])), 6)
