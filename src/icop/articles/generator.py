"""``GraphArticleGenerator``: the article workflow's ``ArticleGenerator`` on top of the agent
graph, plus adapters from the real research and brand-voice services to the graph's protocols
(``icop.agents.protocols``; the images are ``icop.articles.images``).

A graph that ends ``failed`` (no writer produced a draft after the router's own fallbacks and
retries) raises ``ArticleGenerationFailed``: its thread is finished, so running the activity
again would only read the same final checkpoint. Anything else that raises (a search outage,
the database) propagates, and Temporal's retry resumes the thread after its last finished
node.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any
from uuid import UUID

from langgraph.types import Durability
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.agents.checkpoint import PostgresCheckpointSaver
from icop.agents.graph import ArticleGraph, build_graph, run_article, start_state
from icop.agents.protocols import (
    BrandVoice,
    GraphDeps,
    ImageMaker,
    ProgressEvent,
    Researcher,
)
from icop.agents.review import usable
from icop.agents.runtime.base import AgentRuntime
from icop.agents.schemas import Source, WriterBrief
from icop.agents.state import ArticleState, total_cost_usd
from icop.articles.generation import (
    Brief,
    DraftRecord,
    GenerationFailed,
    GenerationResult,
    ProgressCallback,
    StepProgress,
)
from icop.brand import kit as brand_kits
from icop.brand.service import BrandVoiceService
from icop.config import ResearchClaims
from icop.db.session import unit_of_work
from icop.llm.contests.record import Contest, JudgedDraft
from icop.llm.tasks import TaskKind
from icop.models.article import ArticleImage, SocialCopy
from icop.research.schemas import CitedSource
from icop.research.service import ResearchService


class ArticleGenerationFailed(GenerationFailed):
    """The graph finished without an article (every writer failed)."""


# -- adapters ---------------------------------------------------------------------------------
def to_graph_source(source: CitedSource) -> Source:
    return Source(
        number=source.number,
        title=(source.title.strip() or source.url or f"Source {source.number}")[:300],
        url=source.url[:2000] if source.url else None,
        snippet=(source.text or source.snippet)[:4000],
        origin="knowledge" if source.document_id is not None else "web",
        published=source.published_at[:40] if source.published_at else None,
        score=source.score,
    )


class ResearchAdapter:
    """The research service as the graph's ``Researcher``. ``no_sources`` is an empty list;
    no provider answering raises (``ResearchUnavailable``), so the activity is retried."""

    def __init__(self, service: ResearchService, max_sources: int | None = None) -> None:
        self.service = service
        self.max_sources = max_sources

    async def research(self, tenant_id: UUID, topic: str, language: str) -> list[Source]:
        result = await self.service.research(
            topic, tenant_id, max_sources=self.max_sources, language=language
        )
        if not result.found:
            return []
        return [to_graph_source(source) for source in result.sources]


class BrandVoiceAdapter:
    """The brand service's ``BrandVoiceService`` (examples with scores) as the graph's (texts)."""

    def __init__(self, service: BrandVoiceService) -> None:
        self.service = service

    async def retrieve(
        self, tenant_id: UUID, topic: str, language: str, limit: int = 3
    ) -> list[str]:
        examples = await self.service.retrieve(tenant_id, topic, limit)
        return [example.text for example in examples]

    async def similarity(self, tenant_id: UUID, text: str) -> float | None:
        return await self.service.similarity(tenant_id, text)

    async def tone(self, tenant_id: UUID) -> str | None:
        return await self.service.tone(tenant_id)


# -- the generator ----------------------------------------------------------------------------
class GraphArticleGenerator:
    """Runs the article graph for one article: thread id = article id, checkpoints in the
    tenant's ``PostgresCheckpointSaver``; each node's start and end becomes ``progress(…)``."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        runtime: AgentRuntime,
        researcher: Researcher,
        brand_voice: BrandVoice,
        images: ImageMaker,
        durability: Durability = "async",
        research_claims: ResearchClaims = "sources",
        editor_polish: bool = False,
    ) -> None:
        self.sessionmaker = sessionmaker
        # "async": a checkpoint is written while the next step's model call runs instead of
        # before it starts (measured: ~0.2 s of an article's 0.2 s overhead, benchmarks/
        # orchestration.py); a crash may then repeat one more step.
        self.durability: Durability = durability
        self._listeners: dict[str, ProgressCallback] = {}
        self._reporting = asyncio.Lock()
        self.graph: ArticleGraph = build_graph(
            GraphDeps(
                runtime=runtime,
                researcher=researcher,
                brand_voice=brand_voice,
                images=images,
                progress=self._dispatch,
                research_claims=research_claims,
                editor_polish=editor_polish,
            )
        )

    async def _dispatch(self, event: ProgressEvent) -> None:
        listener = self._listeners.get(event.article_id)
        if listener is None:
            return
        # Parallel branches (the writers) start together: one report at a time keeps the
        # stored current_step the last one reported, and one article's writes in order.
        async with self._reporting:
            await listener(
                StepProgress(event.step, event.state, event.at, event.detail, event.cost_usd)
            )

    async def generate(
        self, *, tenant_id: UUID, article_id: UUID, brief: Brief, progress: ProgressCallback
    ) -> GenerationResult:
        key = str(article_id)
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            # The visual director gets the kit's colours and fonts in words (the renderer
            # gets the kit itself, through the image jobs' BrandSpec).
            look = await brand_kits.look_for(session, tenant_id)
        start = start_state(
            tenant_id=tenant_id,
            article_id=key,
            brief=WriterBrief(
                topic=brief.topic,
                sub_topic=brief.sub_topic,
                audience=brief.audience,
                language=brief.language,
                mode=brief.mode,
                length_words=brief.length_words,
                article_url=brief.url,
                brand=look,
            ),
        )
        self._listeners[key] = progress
        try:
            state = await run_article(
                self.graph,
                start,
                checkpointer=PostgresCheckpointSaver(self.sessionmaker, tenant_id),
                durability=self.durability,
            )
        finally:
            self._listeners.pop(key, None)
        return to_result(state)


def to_result(state: ArticleState) -> GenerationResult:
    status = state.get("status")
    cost = Decimal(str(total_cost_usd(state)))
    if status == "no_sources":
        return GenerationResult(
            status="no_sources", message=state.get("stop_reason"), cost_usd=cost
        )
    if status == "needs_review":
        article = state.get("article")
        return GenerationResult(
            status="needs_review",
            message=state.get("stop_reason"),
            markdown=article.text if article else None,
            drafts=drafts(state),
            selection_rationale=article.rationale or None if article else None,
            cost_usd=cost,
            quality=quality_of(state),
        )
    if status != "done":
        raise ArticleGenerationFailed(
            state.get("stop_reason") or f"the article graph ended with status {status!r}"
        )
    article, seo, document = state["article"], state["seo"], state["markdown"]
    visual = state.get("visual")
    return GenerationResult(
        status="ok",
        title=seo.title,
        markdown=document.markdown,
        seo=seo.model_dump(mode="json"),
        citations=[citation.model_dump(mode="json") for citation in document.citations],
        image_prompts=[p.model_dump(mode="json") for p in visual.images] if visual else [],
        images=[
            ArticleImage.model_validate(image, from_attributes=True)
            for image in state.get("images", [])
        ],
        social={
            name: SocialCopy.model_validate(post, from_attributes=True)
            for name, post in state.get("social", {}).items()
        },
        drafts=drafts(state),
        selection_rationale=article.rationale or None,
        cost_usd=cost,
        quality=quality_of(state),
        contest=contest(state),
    )


def contest(state: ArticleState) -> Contest | None:
    """The writers' contest: every draft the editor was shown, with the scores it gave and its
    pick. None when there was no judgement to learn from: a merged article, an editor that did
    not answer (the graph picked a draft itself and gave no scores), a single draft."""
    article = state.get("article")
    if article is None or article.method != "compare" or not article.scores:
        return None
    shown = [d for d in usable(state.get("drafts", {})).values() if d.provider and d.model]
    if len(shown) < 2 or article.chosen not in {d.writer for d in shown}:
        return None
    judge = next((u for u in reversed(state.get("usage", [])) if u.agent == "editor"), None)
    return Contest(
        task=TaskKind.WRITE_DRAFT,
        drafts=[
            JudgedDraft(
                slot=d.writer,
                provider=d.provider or "",
                model=d.model or "",
                won=d.writer == article.chosen,
                scores=(
                    article.scores[d.writer].model_dump(mode="json")
                    if d.writer in article.scores
                    else None
                ),
            )
            for d in shown
        ],
        judge_provider=judge.provider if judge else None,
        judge_model=judge.model if judge else None,
    )


def quality_of(state: ArticleState) -> dict[str, Any]:
    """The gate's last report and what the later stages repaired, as the article stores it."""
    report = state.get("gate")
    findings = [*(report.findings if report else []), *state.get("findings", [])]
    return {
        "attempts": report.attempt if report else 0,
        "passed": bool(report and report.passed),
        "findings": [finding.model_dump(mode="json") for finding in findings[:200]],
    }


def drafts(state: ArticleState) -> list[DraftRecord]:
    article = state.get("article")
    records: list[DraftRecord] = []
    for writer, draft in sorted(state.get("drafts", {}).items()):
        scores: dict[str, Any] = {}
        rubric = article.scores.get(draft.writer) if article else None
        if rubric is not None:
            scores = {**rubric.model_dump(mode="json"), "total": rubric.total}
        if draft.status != "ok":
            scores["error"] = draft.error
        if draft.citations:
            scores["citations"] = list(draft.citations)
        records.append(
            DraftRecord(
                writer=writer,
                provider=draft.provider,
                model=draft.model,
                text=draft.text,
                scores=scores,
                brand_voice_similarity=draft.brand_voice_similarity,
                selected=article is not None and article.chosen == draft.writer,
            )
        )
    return records
