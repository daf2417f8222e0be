"""Articles: accept a brief (start its durable workflow), read progress and results, decide."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from icop.articles import graph_view
from icop.articles.activities import ArticleWorkflowInput
from icop.articles.repository import ArticleRepository
from icop.articles.schemas import (
    ArticleAccepted,
    ArticleCreate,
    ArticleGraphOut,
    ArticleOut,
    DraftOut,
    GraphNodeOut,
)
from icop.articles.workflows import ArticleWorkflow, Decision
from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.brand import versions as brand_versions
from icop.config import Settings
from icop.db.keyset import Cursor
from icop.errors import Conflict
from icop.events.repository import EventRepository
from icop.models import ArticleStatus, GeneratedArticle
from icop.orchestrator.connection import LazyClient, require
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.starts import StartRequest, start_after_commit
from icop.quotas import service as quotas
from icop.quotas.plans import Metric


def workflow_id(article_id: UUID) -> str:
    # Deterministic: re-submitting the same article can never start a second workflow.
    return f"article-{article_id}"


async def register(
    session: AsyncSession,
    principal: Principal,
    brief: ArticleCreate,
    *,
    article_id: UUID | None = None,
    pipeline_id: UUID | None = None,
) -> GeneratedArticle:
    """Store an accepted brief (quota, audit) without starting its workflow: ``create`` starts
    it from the request, a pipeline run starts it as a child workflow."""
    await quotas.consume(session, principal.tenant_id, Metric.ARTICLES)
    article_id = article_id or uuid4()
    article = await ArticleRepository(session).add(
        GeneratedArticle(
            id=article_id,
            tenant_id=principal.tenant_id,
            pipeline_id=pipeline_id,
            topic=brief.topic,
            sub_topic=brief.sub_topic,
            audience=brief.audience,
            language=brief.language,
            mode=brief.mode,
            length_words=brief.length_words,
            approval_required=brief.approval_required,
            video_requested=brief.video,
            status=ArticleStatus.QUEUED,
            workflow_id=workflow_id(article_id),
            created_by=principal.user_id,
            # Read in the same transaction as the article is registered: the workflow that
            # writes it starts after this commit and reads the kit then (ADR 0030).
            brand_kit_version=await brand_versions.current_number(session, principal.tenant_id),
        )
    )
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="article.requested",
        target_type="article",
        target_id=article_id,
        details={"topic": brief.topic, "mode": brief.mode, "video": brief.video},
    )
    return article


def workflow_input(settings: Settings, tenant_id: UUID, article_id: UUID) -> ArticleWorkflowInput:
    return ArticleWorkflowInput(
        tenant_id=str(tenant_id),
        article_id=str(article_id),
        approval_timeout_s=settings.article_approval_timeout_s,
        approve_on_timeout=settings.article_approve_on_timeout,
        heartbeat_timeout_s=settings.article_heartbeat_timeout_s,
    )


async def create(
    session: AsyncSession,
    settings: Settings,
    temporal: LazyClient | None,
    principal: Principal,
    brief: ArticleCreate,
) -> ArticleAccepted:
    article = await register(session, principal, brief)
    await start_after_commit(
        session,
        require(temporal),
        principal.tenant_id,
        StartRequest(
            ArticleWorkflow,
            workflow_id(article.id),
            TaskQueue.AGENTS,
            workflow_input(settings, principal.tenant_id, article.id),
        ),
    )
    return ArticleAccepted(
        id=article.id, status=article.status, workflow_id=workflow_id(article.id)
    )


async def get(session: AsyncSession, article_id: UUID) -> ArticleOut:
    repository = ArticleRepository(session)
    article = await repository.must_get(article_id)
    out = ArticleOut.model_validate(article)
    out.drafts = [DraftOut.model_validate(d) for d in await repository.drafts(article_id)]
    return out


async def graph(session: AsyncSession, article_id: UUID) -> ArticleGraphOut:
    article = await ArticleRepository(session).must_get(article_id)
    nodes = graph_view.node_views(await EventRepository(session).steps(article_id), article.status)
    slowest = next((node.name for node in nodes if node.slowest), None)
    return ArticleGraphOut(
        article_id=article.id,
        status=article.status,
        mermaid=graph_view.mermaid(nodes),
        nodes=[
            GraphNodeOut(
                name=node.name,
                status=node.status,
                started_at=node.started_at,
                finished_at=node.finished_at,
                duration_ms=node.duration_ms,
                runs=node.runs,
                cost_usd=node.cost_usd,
                slowest=node.slowest,
            )
            for node in nodes
        ],
        slowest=slowest,
    )


async def markdown(session: AsyncSession, article_id: UUID) -> str:
    article = await ArticleRepository(session).must_get(article_id)
    if article.final_markdown is None:
        raise Conflict(f"the article is {article.status}; it has no markdown yet")
    return article.final_markdown


async def list_articles(
    session: AsyncSession,
    *,
    limit: int,
    offset: int,
    status: ArticleStatus | None,
    after: Cursor | None = None,
) -> Sequence[GeneratedArticle]:
    return await ArticleRepository(session).list_recent(
        limit=limit, offset=offset, status=status, after=after
    )


async def decide(
    session: AsyncSession,
    temporal: LazyClient | Callable[[], Awaitable[Client]] | None,
    principal: Principal,
    article_id: UUID,
    *,
    approved: bool,
    reason: str | None,
    origin: Mapping[str, Any] | None = None,
) -> None:
    """Approve or reject an article that awaits a decision: the API's endpoints and the plan
    sheet's decision column both come here (``origin`` says where a sheet decision was typed,
    for the audit trail)."""
    article = await ArticleRepository(session).must_get(article_id)
    if article.status != ArticleStatus.AWAITING_APPROVAL:
        raise Conflict(f"the article is {article.status}, not awaiting approval")
    client = await (temporal if temporal is not None else require(None))()
    handle = client.get_workflow_handle(article.workflow_id or workflow_id(article_id))
    await handle.signal(
        ArticleWorkflow.decide,
        Decision(
            approved=approved,
            reason=reason,
            user_id=str(principal.user_id) if principal.user_id else None,
        ),
    )
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="article.approved" if approved else "article.rejected",
        target_type="article",
        target_id=article_id,
        details={**({"reason": reason} if reason else {}), **(origin or {})},
    )
