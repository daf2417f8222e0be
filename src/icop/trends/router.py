"""The trends API: the nightly run's named trends, runs started now, the configuration and
schedule, and the suggestions a user promotes to a plan with one action."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from icop.auth.dependencies import CurrentPrincipal, TenantSession, require_role
from icop.gateway.dependencies import Limit, Offset, SettingsDep
from icop.gateway.problems import problem_responses
from icop.models import Role, SuggestionStatus
from icop.orchestrator.dependencies import TemporalDep
from icop.trends import service
from icop.trends.schemas import (
    PromoteRequest,
    SuggestionOut,
    TrendConfigOut,
    TrendConfigUpdate,
    TrendRunOut,
    TrendsOut,
)

router = APIRouter(
    prefix="/trends", tags=["trends"], responses=problem_responses(401, 403, 404, 429)
)


@router.get("", response_model=TrendsOut)
async def list_trends(
    session: TenantSession,
    run_id: Annotated[
        UUID | None, Query(description="A run (default: the latest finished).")
    ] = None,
    items: Annotated[int, Query(ge=0, le=50, description="Items per trend.")] = 5,
) -> TrendsOut:
    """The named trends of a run, best first: keywords, score, sources, when first seen, and
    their evidence items (each also a knowledge document research can cite)."""
    return await service.trends(session, run_id, items_per_trend=items)


@router.post(
    "/run",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=TrendRunOut,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(409, 503),
)
async def start_run(
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
    temporal: TemporalDep,
) -> TrendRunOut:
    """Run the TrendPipeline now (besides its nightly schedule). Follow it with
    `GET /trends/runs/{trend_run_id}`."""
    return service.run_out(await service.start_run(session, settings, temporal, principal))


@router.get("/runs", response_model=list[TrendRunOut])
async def list_runs(
    session: TenantSession, limit: Limit = 50, offset: Offset = 0
) -> list[TrendRunOut]:
    return [
        service.run_out(run) for run in await service.list_runs(session, limit=limit, offset=offset)
    ]


@router.get("/runs/{trend_run_id}", response_model=TrendRunOut)
async def get_run(trend_run_id: UUID, session: TenantSession) -> TrendRunOut:
    """A run's step, what it collected per source, what it dropped by reason, and the sources
    that failed after their retries."""
    return service.run_out(await service.get_run(session, trend_run_id))


@router.get("/config", response_model=TrendConfigOut, dependencies=[require_role(Role.EDITOR)])
async def get_config(
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
    temporal: TemporalDep,
) -> TrendConfigOut:
    config = await service.ensure_config(session, settings, temporal, principal.tenant_id)
    return await service.config_out(session, settings, config)


@router.put(
    "/config",
    response_model=TrendConfigOut,
    dependencies=[require_role(Role.ADMIN)],
    responses=problem_responses(422, 503),
)
async def update_config(
    body: TrendConfigUpdate,
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
    temporal: TemporalDep,
) -> TrendConfigOut:
    """Sources (feeds, Instagram hashtags, Pinterest and YouTube regions, with vault
    credentials), topics, kept languages and the schedule (cron in the tenant's time zone)."""
    config = await service.update_config(session, settings, temporal, principal, body)
    return await service.config_out(session, settings, config)


@router.get("/suggestions", response_model=list[SuggestionOut])
async def list_suggestions(
    session: TenantSession,
    status_filter: Annotated[SuggestionStatus | None, Query(alias="status")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[SuggestionOut]:
    """Plan rows proposed from the trends that match the tenant's topics."""
    return await service.suggestions(session, status=status_filter, limit=limit, offset=offset)


@router.post(
    "/suggestions/{suggestion_id}/promote",
    response_model=SuggestionOut,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(409, 422),
)
async def promote_suggestion(
    suggestion_id: UUID, body: PromoteRequest, principal: CurrentPrincipal, session: TenantSession
) -> SuggestionOut:
    """Add the suggested row to a pipeline's plan (a pipeline of imported rows)."""
    return await service.promote(session, principal, suggestion_id, body.pipeline_id, body.topic)


@router.post(
    "/suggestions/{suggestion_id}/dismiss",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(409),
)
async def dismiss_suggestion(
    suggestion_id: UUID, principal: CurrentPrincipal, session: TenantSession
) -> None:
    await service.dismiss(session, principal, suggestion_id)
