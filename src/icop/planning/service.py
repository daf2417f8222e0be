"""Content pipelines: CRUD with their schedules, runs with per-row progress, bulk import."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.config import Settings
from icop.errors import BadRequest, Conflict, NotFound, ValidationFailed
from icop.models import ContentPipeline, ImportedPlanRow, PipelineRun
from icop.orchestrator.connection import LazyClient, require
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.starts import StartRequest, start_after_commit
from icop.planning import schedules
from icop.planning.activities import PipelineRunInput
from icop.planning.repository import (
    ImportedPlanRepository,
    PipelineRepository,
    RunRepository,
    SubTopicRepository,
)
from icop.planning.schemas import (
    PipelineCreate,
    PipelineOut,
    PipelineUpdate,
    PlanImport,
    PlanImported,
    RunArticleOut,
    RunOut,
    RunRowOut,
)
from icop.planning.sheets.a1 import column_index, column_letter, parse_a1
from icop.planning.sheets.layout import ColumnMapping, PlanDefaults, parse_plan
from icop.planning.workflows import PipelineRunWorkflow
from icop.tenants.repository import TenantRepository

MAX_IMPORT_BYTES = 2_000_000


def _check_file(settings: Settings, path: str) -> str:
    """A local plan file must exist and be a CSV or XLSX; relative paths are taken from the
    working directory of the API/worker, so store the absolute path."""
    resolved = Path(path).expanduser().resolve()
    if resolved.suffix.lower() not in (".csv", ".xlsx"):
        raise ValidationFailed(f"{path}: a local plan must be a .csv or .xlsx file")
    if not resolved.is_file():
        raise ValidationFailed(f"{path}: no such file on the machine that runs ICOP")
    return str(resolved)


async def create(
    session: AsyncSession,
    settings: Settings,
    temporal: LazyClient | None,
    principal: Principal,
    body: PipelineCreate,
) -> PipelineOut:
    repository = PipelineRepository(session)
    if await repository.by_name(body.name) is not None:
        raise Conflict(f"a pipeline named {body.name!r} already exists")
    _check_range(body.sheet_range)
    pipeline = await repository.add(
        ContentPipeline(
            tenant_id=principal.tenant_id,
            name=body.name,
            source_type=body.source_type,
            google_sheet_id=body.google_sheet_id,
            file_path=(
                _check_file(settings, body.file_path) if body.file_path is not None else None
            ),
            sheet_range=body.sheet_range,
            credential_id=body.credential_id,
            column_mapping=body.column_mapping.model_dump(mode="json"),
            defaults=body.defaults.model_dump(mode="json"),
            schedule_cron=schedules.check_cron(body.schedule_cron) if body.schedule_cron else None,
            max_concurrent_articles=body.max_concurrent_articles,
            created_by=principal.actor_id,
        )
    )
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="pipeline.created",
        target_type="pipeline",
        target_id=pipeline.id,
        details={"source_type": body.source_type, "schedule_cron": pipeline.schedule_cron},
    )
    if pipeline.schedule_cron:
        client = await require(temporal)()
        assert temporal is not None
        await schedules.sync(
            client, temporal.settings, pipeline, await _time_zone(session, principal)
        )
    return PipelineOut.model_validate(pipeline)


async def _time_zone(session: AsyncSession, principal: Principal) -> str:
    """The tenant's zone, which its schedules' cron expressions are read in."""
    zone = await TenantRepository(session).time_zone(principal.tenant_id)
    if zone is None:
        raise NotFound("tenant not found")
    return zone


async def follow_time_zone(
    session: AsyncSession, temporal: LazyClient | None, principal: Principal, time_zone: str
) -> int:
    """Move every scheduled pipeline of the tenant to ``time_zone``'s clock: a cron of
    '0 9 * * *' keeps meaning nine in the morning where the team is. Runs in the zone change's
    unit of work, before its commit: if the engine refuses one, the change rolls back; the
    schedules moved before it already run by the new zone, and since a sync always makes the
    engine match the rows, saving the zone again (or any schedule edit) settles them."""
    scheduled = await PipelineRepository(session).scheduled()
    if not scheduled:
        return 0
    client = await require(temporal)()
    assert temporal is not None
    for pipeline in scheduled:
        await schedules.sync(client, temporal.settings, pipeline, time_zone)
    return len(scheduled)


def _check_range(sheet_range: str) -> None:
    parse_a1(sheet_range)  # raises SheetRangeInvalid (422) with the reason


async def get_pipeline(session: AsyncSession, pipeline_id: UUID) -> ContentPipeline:
    return await PipelineRepository(session).must_get(pipeline_id)


async def list_pipelines(
    session: AsyncSession, *, limit: int, offset: int
) -> Sequence[ContentPipeline]:
    return await PipelineRepository(session).list(limit=limit, offset=offset)


async def update(
    session: AsyncSession,
    temporal: LazyClient | None,
    principal: Principal,
    pipeline_id: UUID,
    body: PipelineUpdate,
) -> PipelineOut:
    pipeline = await get_pipeline(session, pipeline_id)
    values: dict[str, Any] = {}
    fields = body.model_fields_set
    if "name" in fields and body.name is not None and body.name != pipeline.name:
        if await PipelineRepository(session).by_name(body.name) is not None:
            raise Conflict(f"a pipeline named {body.name!r} already exists")
        values["name"] = body.name
    if "sheet_range" in fields and body.sheet_range is not None:
        _check_range(body.sheet_range)
        values["sheet_range"] = body.sheet_range
    if "credential_id" in fields:
        values["credential_id"] = body.credential_id
    if "column_mapping" in fields and body.column_mapping is not None:
        values["column_mapping"] = body.column_mapping.model_dump(mode="json")
    if "defaults" in fields and body.defaults is not None:
        values["defaults"] = body.defaults.model_dump(mode="json")
    if "max_concurrent_articles" in fields and body.max_concurrent_articles is not None:
        values["max_concurrent_articles"] = body.max_concurrent_articles
    schedule_changed = False
    if "schedule_cron" in fields:
        cron = schedules.check_cron(body.schedule_cron) if body.schedule_cron else None
        schedule_changed = cron != pipeline.schedule_cron
        values["schedule_cron"] = cron
    if "schedule_paused" in fields and body.schedule_paused is not None:
        schedule_changed = schedule_changed or body.schedule_paused != pipeline.schedule_paused
        values["schedule_paused"] = body.schedule_paused
    await PipelineRepository(session).update(pipeline.id, **values)
    await session.refresh(pipeline)
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="pipeline.updated",
        target_type="pipeline",
        target_id=pipeline.id,
        details={"fields": sorted(values)},
    )
    if schedule_changed:
        client = await require(temporal)()
        assert temporal is not None
        await schedules.sync(
            client, temporal.settings, pipeline, await _time_zone(session, principal)
        )
    return PipelineOut.model_validate(pipeline)


async def delete(
    session: AsyncSession, temporal: LazyClient | None, principal: Principal, pipeline_id: UUID
) -> None:
    pipeline = await get_pipeline(session, pipeline_id)
    if await RunRepository(session).active(pipeline_id) is not None:
        raise Conflict("a run of this pipeline is in progress; wait for it or cancel it first")
    if pipeline.schedule_cron:
        await schedules.delete(await require(temporal)(), pipeline.id)
    await PipelineRepository(session).delete(pipeline)
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="pipeline.deleted",
        target_type="pipeline",
        target_id=pipeline_id,
        details={"name": pipeline.name},
    )


def run_workflow_id(pipeline_id: UUID, run_id: UUID) -> str:
    return f"pipeline-run-{pipeline_id}-{run_id}"


async def start_run(
    session: AsyncSession, temporal: LazyClient | None, principal: Principal, pipeline_id: UUID
) -> RunOut:
    pipeline = await get_pipeline(session, pipeline_id)
    runs = RunRepository(session)
    if (active := await runs.active(pipeline_id)) is not None:
        raise Conflict(f"run {active.id} of this pipeline is still {active.status}")
    run_id = uuid4()
    try:
        run = await runs.add(
            PipelineRun(
                id=run_id,
                tenant_id=principal.tenant_id,
                pipeline_id=pipeline.id,
                trigger="manual",
                workflow_id=run_workflow_id(pipeline.id, run_id),
                created_by=principal.actor_id,
            )
        )
    except IntegrityError as error:
        raise Conflict("this run already exists") from error
    await start_after_commit(
        session,
        require(temporal),
        principal.tenant_id,
        StartRequest(
            PipelineRunWorkflow,
            run.workflow_id,
            TaskQueue.PLANNING,
            PipelineRunInput(
                tenant_id=str(principal.tenant_id),
                pipeline_id=str(pipeline.id),
                run_id=str(run_id),
                trigger="manual",
            ),
        ),
    )
    return RunOut.model_validate(run)


async def list_runs(
    session: AsyncSession, pipeline_id: UUID, *, limit: int, offset: int
) -> list[RunOut]:
    await get_pipeline(session, pipeline_id)
    return [
        RunOut.model_validate(run)
        for run in await RunRepository(session).list(pipeline_id, limit=limit, offset=offset)
    ]


async def get_run(session: AsyncSession, pipeline_id: UUID, run_id: UUID) -> RunOut:
    runs = RunRepository(session)
    run = await runs.get(run_id)
    if run is None or run.pipeline_id != pipeline_id:
        raise NotFound("run not found")
    out = RunOut.model_validate(run)
    rows = await runs.rows(run_id)
    keys = {row.options.get("topic_key") for row in rows if row.options.get("topic_key")}
    by_key: dict[str, list[RunArticleOut]] = {}
    for sub_topic, article in await SubTopicRepository(session).with_articles(
        pipeline_id, sorted(k for k in keys if k)
    ):
        by_key.setdefault(sub_topic.topic_key, []).append(
            RunArticleOut(
                sub_topic=sub_topic.label,
                article_id=sub_topic.article_id,
                status=article.status if article else None,
                current_step=article.current_step if article else None,
                markdown_url=article.final_markdown_url if article else None,
            )
        )
    out.rows = []
    for row in rows:
        item = RunRowOut.model_validate(row)
        item.articles = by_key.get(row.options.get("topic_key") or "", [])
        out.rows.append(item)
    return out


def _rows_from_csv(text: str, mapping: ColumnMapping) -> list[dict[str, str]]:
    """A CSV in the sheet's layout: a header row, then one plan row per line, columns by
    position (A, B, C …) exactly like the local sheet file."""
    reader = csv.reader(io.StringIO(text))
    lines = [line for line in reader]
    if not lines:
        raise BadRequest("the CSV is empty")
    return [
        {column_letter(index + 1): value for index, value in enumerate(line) if value != ""}
        for line in lines[1:]
    ]


def _rows_from_json(body: PlanImport, mapping: ColumnMapping) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for item in body.rows:
        cells: dict[str, str] = {}
        for field_name, value in item.model_dump(exclude_none=True).items():
            column = getattr(mapping, field_name, None)
            if column is None:
                raise ValidationFailed(
                    f"the pipeline's column mapping has no column for {field_name!r}; "
                    "set it in column_mapping or leave the field out"
                )
            cells[str(column)] = str(value)
        rows.append(cells)
    return rows


async def import_plan(
    session: AsyncSession,
    principal: Principal,
    pipeline_id: UUID,
    *,
    json_body: PlanImport | None = None,
    csv_text: str | None = None,
    replace: bool = True,
) -> PlanImported:
    pipeline = await get_pipeline(session, pipeline_id)
    if pipeline.source_type != "import":
        raise Conflict(
            f"this pipeline reads its plan from its {pipeline.source_type.replace('_', ' ')}; "
            "bulk import is for pipelines created with source_type 'import'"
        )
    mapping = ColumnMapping.model_validate(pipeline.column_mapping)
    if json_body is not None:
        cells = _rows_from_json(json_body, mapping)
        replace = json_body.replace
    elif csv_text is not None:
        cells = _rows_from_csv(csv_text, mapping)
    else:
        raise BadRequest("send JSON rows or a text/csv body")
    first = parse_a1(pipeline.sheet_range).first_row
    repository = ImportedPlanRepository(session)
    if not replace:
        last = await repository.last_row_number(pipeline_id)
        first = max(first, (last or first - 1) + 1)
    rows = [
        ImportedPlanRow(
            tenant_id=principal.tenant_id,
            pipeline_id=pipeline_id,
            row_number=first + index,
            cells=row,
        )
        for index, row in enumerate(cells)
    ]
    if replace:
        await repository.replace(principal.tenant_id, pipeline_id, rows)
    else:
        await repository.add_all(rows)
    # Checked now so the caller sees problems at once; bad rows stay and get their error
    # written back by the run, exactly like a sheet.
    values = _as_values(cells)
    _, errors = parse_plan(
        values,
        first_row=first,
        mapping=mapping,
        defaults=PlanDefaults.model_validate(pipeline.defaults),
    )
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="pipeline.plan_imported",
        target_type="pipeline",
        target_id=pipeline_id,
        details={"rows": len(rows), "replace": replace},
    )
    return PlanImported(
        rows=len(rows),
        errors=[{"row_number": e.row_number, "message": e.message} for e in errors],
    )


def _as_values(rows: Sequence[dict[str, str]]) -> list[list[str]]:
    width = max((column_index(c) for row in rows for c in row), default=0)
    values = []
    for row in rows:
        line = [""] * width
        for column, value in row.items():
            line[column_index(column) - 1] = value
        values.append(line)
    return values
