from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query, status

from icop.auth.dependencies import (
    CurrentPrincipal,
    DetachedPrincipal,
    TenantSession,
    require_role,
)
from icop.gateway.dependencies import Limit, Offset
from icop.gateway.problems import problem_responses
from icop.llm import service
from icop.llm.dependencies import LLMDep
from icop.llm.schemas import (
    ArticleEstimateOut,
    ArticleEstimateRequest,
    CallOut,
    ChatRequest,
    ChatResponse,
    LeaderboardRow,
    LlmUsageOut,
    RouteOverride,
    TaskEstimateOut,
    TaskEstimateRequest,
    TaskRouteOut,
)
from icop.llm.tasks import TaskKind
from icop.models import Role

router = APIRouter(prefix="/llm", tags=["models"], responses=problem_responses(401, 403, 429))


@router.post(
    "/chat",
    response_model=ChatResponse,
    responses=problem_responses(503),
    dependencies=[require_role(Role.EDITOR, detached=True)],
)
async def chat(body: ChatRequest, principal: DetachedPrincipal, llm: LLMDep) -> ChatResponse:
    """Ask the routed model a question (task ``chat``); the answer says which model replied
    and why others were skipped."""
    return await service.chat(llm, principal, body)


@router.get("/calls", response_model=list[CallOut])
async def list_calls(
    session: TenantSession,
    limit: Limit = 50,
    offset: Offset = 0,
    task: TaskKind | None = Query(default=None),
) -> list[CallOut]:
    """The usage and cost ledger, newest first."""
    return [
        CallOut.model_validate(c)
        for c in await service.calls(session, limit=limit, offset=offset, task=task)
    ]


@router.get("/usage", response_model=LlmUsageOut)
async def usage(
    principal: CurrentPrincipal, session: TenantSession, days: int = Query(default=30, ge=1, le=366)
) -> LlmUsageOut:
    """Calls, tokens and cost per day, provider, model and task; this month's spend, budget
    and linear forecast."""
    return await service.usage(session, principal, days)


@router.get("/leaderboard", response_model=list[LeaderboardRow], responses=problem_responses(422))
async def leaderboard(
    session: TenantSession,
    task: TaskKind | None = Query(default=None, description="A judged task (write.draft)."),
    since: datetime | None = Query(
        default=None, description="Only contests judged from then on (ISO 8601; UTC if naive)."
    ),
) -> list[LeaderboardRow]:
    """The tenant's judged contests per task and model: how often each model's drafts met
    another model's and won, and the judge's mean scores. The ``best_judged`` routing mode
    learns from the same record."""
    return await service.leaderboard(session, task=task, since=since)


@router.get("/routing", response_model=list[TaskRouteOut])
async def get_routing(principal: CurrentPrincipal, llm: LLMDep) -> list[TaskRouteOut]:
    """The tenant's effective routing: candidates per task, configured or not, with prices."""
    return await service.routes(llm, principal)


@router.put(
    "/routing/{task}",
    response_model=TaskRouteOut,
    dependencies=[require_role(Role.ADMIN)],
    responses=problem_responses(422),
)
async def put_routing(
    task: TaskKind,
    body: RouteOverride,
    principal: CurrentPrincipal,
    session: TenantSession,
    llm: LLMDep,
) -> TaskRouteOut:
    """Replace the candidate list of one task for this tenant."""
    return await service.put_route(session, llm, principal, task, body)


@router.delete(
    "/routing/{task}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[require_role(Role.ADMIN)],
    responses=problem_responses(404),
)
async def delete_routing(
    task: TaskKind, principal: CurrentPrincipal, session: TenantSession, llm: LLMDep
) -> None:
    """Go back to the platform's policy for one task."""
    await service.delete_route(session, llm, principal, task)


@router.post("/estimate", response_model=TaskEstimateOut)
async def estimate(
    body: TaskEstimateRequest, principal: CurrentPrincipal, llm: LLMDep
) -> TaskEstimateOut:
    """What a call (or many) of one task would cost on each candidate."""
    return await service.estimate_task(llm, principal, body)


@router.post("/estimate/article", response_model=ArticleEstimateOut)
async def estimate_article(
    body: ArticleEstimateRequest,
    principal: CurrentPrincipal,
    session: TenantSession,
    llm: LLMDep,
) -> ArticleEstimateOut:
    """What articles of a given shape would cost on the tenant's routes, with alternatives
    per model and whether it fits this month's remaining budget."""
    return await service.estimate_article(session, llm, principal, body)
