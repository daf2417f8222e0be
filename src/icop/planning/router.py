from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, File, Header, Query, Request, Response, UploadFile, status
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import ValidationError

from icop.auth.dependencies import (
    CurrentPrincipal,
    DetachedPrincipal,
    TenantSession,
    require_role,
)
from icop.errors import BadRequest, PayloadTooLarge, ValidationFailed
from icop.events import stream as live_stream
from icop.events.dependencies import EventHubDep
from icop.events.schemas import RunEventOut
from icop.gateway.dependencies import Limit, Offset, SessionmakerDep, SettingsDep
from icop.gateway.docs import inline_schema
from icop.gateway.problems import problem_responses
from icop.models import PipelineRun, Role
from icop.orchestrator.dependencies import TemporalDep
from icop.planning import live, preview, service
from icop.planning.schemas import (
    PipelineCreate,
    PipelineOut,
    PipelineUpdate,
    PlanImport,
    PlanImported,
    PlanPreview,
    RunOut,
)

router = APIRouter(
    prefix="/pipelines", tags=["pipelines"], responses=problem_responses(401, 403, 404, 429)
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PipelineOut,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(409, 422, 503),
)
async def create_pipeline(
    body: PipelineCreate,
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
    temporal: TemporalDep,
) -> PipelineOut:
    """A content plan (Google Sheet, local CSV/XLSX file, or imported rows) with the defaults
    for its articles and an optional cron schedule."""
    return await service.create(session, settings, temporal, principal, body)


@router.post(
    "/preview",
    response_model=PlanPreview,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(413, 422),
)
async def preview_plan(
    file: Annotated[UploadFile, File(description="The plan: a .csv (UTF-8) or .xlsx file.")],
) -> PlanPreview:
    """A dry run of an uploaded plan (multipart): its rows as the import reads them, each bad
    row with its reason, and the column mapping and range its header describes. Nothing is
    saved; create the pipeline and import the rows once they look right."""
    data = await file.read(preview.MAX_PREVIEW_BYTES + 1)
    return await preview.preview(file.filename, data)


@router.get("", response_model=list[PipelineOut])
async def list_pipelines(
    session: TenantSession, limit: Limit = 50, offset: Offset = 0
) -> list[PipelineOut]:
    return [
        PipelineOut.model_validate(p)
        for p in await service.list_pipelines(session, limit=limit, offset=offset)
    ]


@router.get("/{pipeline_id}", response_model=PipelineOut)
async def get_pipeline(pipeline_id: UUID, session: TenantSession) -> PipelineOut:
    return PipelineOut.model_validate(await service.get_pipeline(session, pipeline_id))


@router.patch(
    "/{pipeline_id}",
    response_model=PipelineOut,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(409, 422, 503),
)
async def update_pipeline(
    pipeline_id: UUID,
    body: PipelineUpdate,
    principal: CurrentPrincipal,
    session: TenantSession,
    temporal: TemporalDep,
) -> PipelineOut:
    """Change the plan's settings; `schedule_cron` ("" removes it) and `schedule_paused`
    update the Temporal schedule."""
    return await service.update(session, temporal, principal, pipeline_id, body)


@router.delete(
    "/{pipeline_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(409, 503),
)
async def delete_pipeline(
    pipeline_id: UUID,
    principal: CurrentPrincipal,
    session: TenantSession,
    temporal: TemporalDep,
) -> Response:
    """Delete the pipeline and its schedule (its articles stay)."""
    await service.delete(session, temporal, principal, pipeline_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{pipeline_id}/runs",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RunOut,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(409, 503),
)
async def start_run(
    pipeline_id: UUID,
    principal: CurrentPrincipal,
    session: TenantSession,
    temporal: TemporalDep,
) -> RunOut:
    """Run the plan now. Follow it with `GET /pipelines/{id}/runs/{run_id}`."""
    return await service.start_run(session, temporal, principal, pipeline_id)


@router.get("/{pipeline_id}/runs", response_model=list[RunOut])
async def list_runs(
    pipeline_id: UUID, session: TenantSession, limit: Limit = 50, offset: Offset = 0
) -> list[RunOut]:
    return await service.list_runs(session, pipeline_id, limit=limit, offset=offset)


@router.get("/{pipeline_id}/runs/{run_id}", response_model=RunOut)
async def get_run(pipeline_id: UUID, run_id: UUID, session: TenantSession) -> RunOut:
    """The run with per-row progress: status, step, sub-topics' articles and cost."""
    return await service.get_run(session, pipeline_id, run_id)


async def _run_to_follow(
    pipeline_id: UUID,
    run_id: UUID,
    principal: DetachedPrincipal,
    sessionmaker: SessionmakerDep,
) -> PipelineRun:
    return await live.visible_run(sessionmaker, principal.tenant_id, pipeline_id, run_id)


@router.get(
    "/{pipeline_id}/runs/{run_id}/events",
    response_class=EventSourceResponse,
    responses={200: {"model": RunEventOut}},
)
async def follow_run(
    run: Annotated[PipelineRun, Depends(_run_to_follow)],
    sessionmaker: SessionmakerDep,
    hub: EventHubDep,
    settings: SettingsDep,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
    after: Annotated[int | None, Query(ge=0, description="Replay after this event id.")] = None,
) -> AsyncIterator[ServerSentEvent]:
    """The run's live view as server-sent events, one per change as it commits: ``run`` and
    ``row`` status changes, ``article`` status changes and ``step`` events (a graph node
    started or ended, with its times and cost) of the run's articles. Each event's ``id``
    resumes the stream (``Last-Event-ID``, or ``?after=``); a ``: heartbeat`` comment comes
    while nothing happens; an ``end`` event closes it once the run has finished."""
    cursor = live_stream.parse_last_event_id(last_event_id) if after is None else after
    async for event in live.run_events(
        sessionmaker, hub, run, cursor=cursor, heartbeat_s=settings.events_heartbeat_s
    ):
        yield event


@router.post(
    "/{pipeline_id}/plan",
    response_model=PlanImported,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(400, 409, 413, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": inline_schema(PlanImport)},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
async def import_plan(
    pipeline_id: UUID, request: Request, principal: CurrentPrincipal, session: TenantSession
) -> PlanImported:
    """Bulk import of plan rows for a pipeline without a sheet: JSON rows, or a CSV in the
    sheet's layout (header row, then Topic, Status, … by column). `?append=true` keeps the
    existing rows."""
    await service.get_pipeline(session, pipeline_id)  # 404 before anything about the body
    append = request.query_params.get("append", "false").lower() in ("1", "true", "yes")
    body = await request.body()
    if len(body) > service.MAX_IMPORT_BYTES:
        raise PayloadTooLarge(f"a plan import is at most {service.MAX_IMPORT_BYTES} bytes")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "text/csv":
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise BadRequest("the CSV must be UTF-8") from error
        return await service.import_plan(
            session, principal, pipeline_id, csv_text=text, replace=not append
        )
    if kind not in ("application/json", ""):
        raise BadRequest(f"send application/json or text/csv, not {kind}")
    try:
        parsed = PlanImport.model_validate_json(body)
    except ValidationError as error:
        raise ValidationFailed(
            "invalid plan rows", errors=error.errors(include_url=False, include_input=False)
        ) from error
    return await service.import_plan(session, principal, pipeline_id, json_body=parsed)
