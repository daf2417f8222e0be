from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Query, status
from fastapi.responses import PlainTextResponse

from icop.articles import service
from icop.articles.schemas import (
    ArticleAccepted,
    ArticleCreate,
    ArticleOut,
    ArticleSummary,
    DecisionRequest,
)
from icop.auth.dependencies import CurrentPrincipal, TenantSession, require_role
from icop.gateway.dependencies import Limit, Offset, SettingsDep
from icop.gateway.problems import problem_responses
from icop.models import ArticleStatus, Role
from icop.orchestrator.dependencies import TemporalDep

router = APIRouter(
    prefix="/articles", tags=["articles"], responses=problem_responses(401, 403, 404, 429)
)


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ArticleAccepted,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(402, 503),
)
async def create_article(
    body: ArticleCreate,
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
    temporal: TemporalDep,
) -> ArticleAccepted:
    """Accept a brief; the article is researched, written and illustrated by a durable
    workflow. Poll `GET /articles/{id}` for its status and current step."""
    return await service.create(session, settings, temporal, principal, body)


@router.get("", response_model=list[ArticleSummary])
async def list_articles(
    session: TenantSession,
    limit: Limit = 50,
    offset: Offset = 0,
    status: ArticleStatus | None = Query(default=None),
) -> list[ArticleSummary]:
    return [
        ArticleSummary.model_validate(a)
        for a in await service.list_articles(session, limit=limit, offset=offset, status=status)
    ]


@router.get("/{article_id}", response_model=ArticleOut)
async def get_article(article_id: UUID, session: TenantSession) -> ArticleOut:
    """Status, current step, drafts with their scores and models, and the final article."""
    return await service.get(session, article_id)


@router.get(
    "/{article_id}/markdown",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/markdown": {}}}, **problem_responses(409)},
)
async def get_markdown(article_id: UUID, session: TenantSession) -> PlainTextResponse:
    return PlainTextResponse(
        await service.markdown(session, article_id), media_type="text/markdown; charset=utf-8"
    )


@router.post(
    "/{article_id}/approve",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(409, 503),
)
async def approve_article(
    article_id: UUID,
    principal: CurrentPrincipal,
    session: TenantSession,
    temporal: TemporalDep,
    body: DecisionRequest | None = None,
) -> None:
    await service.decide(
        session,
        temporal,
        principal,
        article_id,
        approved=True,
        reason=body.reason if body else None,
    )


@router.post(
    "/{article_id}/reject",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(409, 503),
)
async def reject_article(
    article_id: UUID,
    principal: CurrentPrincipal,
    session: TenantSession,
    temporal: TemporalDep,
    body: DecisionRequest | None = None,
) -> None:
    await service.decide(
        session,
        temporal,
        principal,
        article_id,
        approved=False,
        reason=body.reason if body else None,
    )
