from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Path, Query, Response, status
from fastapi.responses import PlainTextResponse

from icop.articles import service, versions
from icop.articles.schemas import (
    ArticleAccepted,
    ArticleCreate,
    ArticleGraphOut,
    ArticleOut,
    ArticleSummary,
    ContentSaved,
    ContentUpdate,
    DecisionRequest,
    VersionOut,
    VersionSummary,
)
from icop.auth.dependencies import CurrentPrincipal, TenantSession, require_role
from icop.db.keyset import NEXT_CURSOR_HEADER, Cursor
from icop.gateway.dependencies import Limit, Offset, PageCursor, SettingsDep
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
    response: Response,
    limit: Limit = 50,
    offset: Offset = 0,
    status: ArticleStatus | None = Query(default=None),
    cursor: PageCursor = None,
) -> list[ArticleSummary]:
    """Newest first. A full page carries ``X-Next-Cursor``: pass it back as ``cursor`` for the
    next one (keyset pagination; ``offset`` still works for small lists)."""
    articles = await service.list_articles(
        session,
        limit=limit,
        offset=offset,
        status=status,
        after=Cursor.decode(cursor) if cursor else None,
    )
    if len(articles) == limit:
        response.headers[NEXT_CURSOR_HEADER] = Cursor(
            articles[-1].created_at, articles[-1].id
        ).encode()
    return [ArticleSummary.model_validate(a) for a in articles]


@router.get("/{article_id}", response_model=ArticleOut)
async def get_article(article_id: UUID, session: TenantSession) -> ArticleOut:
    """Status, current step, drafts with their scores and models, and the final article."""
    return await service.get(session, article_id)


@router.get("/{article_id}/graph", response_model=ArticleGraphOut)
async def get_article_graph(article_id: UUID, session: TenantSession) -> ArticleGraphOut:
    """The agent graph as a Mermaid flowchart with each node's status, duration and cost as
    recorded while the article ran; the slowest node is marked. Follow a run's
    ``…/runs/{run_id}/events`` to know when to read it again."""
    return await service.graph(session, article_id)


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


@router.put(
    "/{article_id}/content",
    response_model=ContentSaved,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(409, 412, 428),
)
async def update_content(
    article_id: UUID,
    body: ContentUpdate,
    response: Response,
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> ContentSaved:
    """Save an edit of the Markdown and/or the SEO fields as a new version. Name the version
    you edited (``If-Match: "v<n>"`` → 412 when stale, or ``base_version`` → 409): nothing is
    overwritten. The publishability gate's deterministic checks run on the text and come
    back as findings; a ready article is not saved with blocking findings (422)."""
    saved = await versions.save(session, settings, principal, article_id, body, if_match=if_match)
    response.headers["ETag"] = versions.etag(saved.version.number)
    return saved


@router.get("/{article_id}/versions", response_model=list[VersionSummary])
async def list_versions(
    article_id: UUID, response: Response, session: TenantSession
) -> list[VersionSummary]:
    """The article's versions, newest first; version 1 is what the agents wrote. The ETag is
    the current version's: send it back as ``If-Match`` when you save."""
    listed = await versions.list_versions(session, article_id)
    if listed:
        response.headers["ETag"] = versions.etag(listed[0].number)
    return listed


@router.get("/{article_id}/versions/{number}", response_model=VersionOut)
async def get_version(
    article_id: UUID, number: Annotated[int, Path(ge=1)], session: TenantSession
) -> VersionOut:
    """One version with its findings and a unified diff against the version before it."""
    return await versions.get_version(session, article_id, number)


@router.post(
    "/{article_id}/versions/{number}/restore",
    response_model=ContentSaved,
    status_code=status.HTTP_201_CREATED,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(409, 412),
)
async def restore_version(
    article_id: UUID,
    number: Annotated[int, Path(ge=1)],
    response: Response,
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> ContentSaved:
    """A new version with version ``number``'s text and SEO fields (history is kept)."""
    saved = await versions.restore(
        session, settings, principal, article_id, number, if_match=if_match
    )
    response.headers["ETag"] = versions.etag(saved.version.number)
    return saved
