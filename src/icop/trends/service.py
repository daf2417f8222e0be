"""The trends API's work: the tenant's configuration (and its schedule), runs started now,
the latest run's named trends, and the suggestions a user promotes to a plan."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.config import Settings
from icop.errors import Conflict, ValidationFailed
from icop.models import SuggestionStatus, TrendConfig, TrendRun
from icop.orchestrator.connection import LazyClient, require
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.starts import StartRequest, start_after_commit
from icop.planning import schedules as planning_schedules
from icop.planning import service as planning
from icop.planning.repository import ImportedPlanRepository, PipelineRepository
from icop.planning.schemas import PlanImport, PlanImportRow
from icop.tenants.repository import TenantRepository
from icop.trends import schedules
from icop.trends.activities import TrendRunInput
from icop.trends.repository import (
    SuggestionRepository,
    TrendConfigRepository,
    TrendItemRepository,
    TrendRepository,
    TrendRunRepository,
)
from icop.trends.schemas import (
    SuggestionOut,
    TrendConfigOut,
    TrendConfigUpdate,
    TrendItemOut,
    TrendOut,
    TrendRunOut,
    TrendSources,
    TrendsOut,
)
from icop.trends.sources.factory import default_sources
from icop.trends.workflows import TrendRunWorkflow


async def _time_zone(session: AsyncSession, tenant_id: UUID) -> str:
    return await TenantRepository(session).time_zone(tenant_id) or "UTC"


async def ensure_config(
    session: AsyncSession, settings: Settings, temporal: LazyClient | None, tenant_id: UUID
) -> TrendConfig:
    """The tenant's configuration, made (with its nightly schedule) the first time trends are
    touched."""
    repository = TrendConfigRepository(session)
    config = await repository.get()
    if config is not None:
        return config
    config = await repository.add(
        TrendConfig(tenant_id=tenant_id, schedule_cron=settings.trends_schedule_cron)
    )
    await _sync(session, temporal, config)
    return config


async def _sync(session: AsyncSession, temporal: LazyClient | None, config: TrendConfig) -> None:
    if temporal is None:
        return  # no engine in this process (tests of the API alone): the next edit syncs
    client = await require(temporal)()
    await schedules.sync(
        client,
        temporal.settings,
        config.tenant_id,
        cron=config.schedule_cron,
        paused=config.schedule_paused,
        time_zone=await _time_zone(session, config.tenant_id),
    )


async def follow_time_zone(
    session: AsyncSession, temporal: LazyClient | None, principal: Principal, time_zone: str
) -> int:
    """The tenant's trend schedule moves to its new zone's clock (02:00 stays 02:00 where the
    team is), in the zone change's unit of work, like the pipelines' schedules."""
    config = await TrendConfigRepository(session).get()
    if config is None or temporal is None:
        return 0
    client = await temporal()
    await schedules.sync(
        client,
        temporal.settings,
        config.tenant_id,
        cron=config.schedule_cron,
        paused=config.schedule_paused,
        time_zone=time_zone,
    )
    return 1


async def config_out(
    session: AsyncSession, settings: Settings, config: TrendConfig
) -> TrendConfigOut:
    sources = (
        TrendSources.model_validate(config.sources) if config.sources else default_sources(settings)
    )
    return TrendConfigOut(
        sources=sources,
        topics=list(config.topics),
        languages=list(config.languages),
        schedule_cron=config.schedule_cron,
        schedule_paused=config.schedule_paused,
        time_zone=await _time_zone(session, config.tenant_id),
        emulated=not config.sources and settings.emulator_url is not None,
    )


async def update_config(
    session: AsyncSession,
    settings: Settings,
    temporal: LazyClient | None,
    principal: Principal,
    body: TrendConfigUpdate,
) -> TrendConfig:
    config = await ensure_config(session, settings, temporal, principal.tenant_id)
    changed = body.model_dump(exclude_unset=True)
    if body.sources is not None:
        config.sources = body.sources.model_dump(mode="json", exclude_none=True)
    if body.topics is not None:
        config.topics = list(dict.fromkeys(topic.strip() for topic in body.topics))
    if body.languages is not None:
        config.languages = sorted(set(body.languages))
    if body.schedule_cron is not None:
        config.schedule_cron = planning_schedules.check_cron(body.schedule_cron)
    if body.schedule_paused is not None:
        config.schedule_paused = body.schedule_paused
    await session.flush()
    if "schedule_cron" in changed or "schedule_paused" in changed:
        await _sync(session, temporal, config)
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="trends.config_updated",
        target_type="trend_config",
        target_id=config.id,
        details={"fields": sorted(changed)},
    )
    return config


async def start_run(
    session: AsyncSession, settings: Settings, temporal: LazyClient | None, principal: Principal
) -> TrendRun:
    await ensure_config(session, settings, temporal, principal.tenant_id)
    runs = TrendRunRepository(session)
    latest = await runs.latest(finished=False)
    if latest is not None and latest.status.active:
        raise Conflict(f"trend run {latest.id} is still {latest.status}")
    run_id = uuid4()
    run = await runs.add(
        TrendRun(
            id=run_id,
            tenant_id=principal.tenant_id,
            trigger="manual",
            workflow_id=f"{schedules.run_workflow_id(principal.tenant_id)}-manual-{run_id}",
            created_by=principal.actor_id,
        )
    )
    await start_after_commit(
        session,
        require(temporal),
        principal.tenant_id,
        StartRequest(
            TrendRunWorkflow,
            run.workflow_id,
            TaskQueue.PLANNING,
            TrendRunInput(tenant_id=str(principal.tenant_id), run_id=str(run_id), trigger="manual"),
        ),
    )
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="trends.run_started",
        target_type="trend_run",
        target_id=run_id,
        details={},
    )
    return run


def run_out(run: TrendRun) -> TrendRunOut:
    return TrendRunOut.model_validate(run)


async def get_run(session: AsyncSession, run_id: UUID) -> TrendRun:
    return await TrendRunRepository(session).must_get(run_id)


async def list_runs(session: AsyncSession, *, limit: int, offset: int) -> Sequence[TrendRun]:
    return await TrendRunRepository(session).list(limit=limit, offset=offset)


async def trends(session: AsyncSession, run_id: UUID | None, *, items_per_trend: int) -> TrendsOut:
    """A run's named trends (the latest finished run's by default), best first, each with its
    best items."""
    runs = TrendRunRepository(session)
    run = await runs.must_get(run_id) if run_id else await runs.latest(finished=True)
    if run is None:
        return TrendsOut(run=None, trends=[])
    found = await TrendRepository(session).for_run(run.id)
    items = await TrendItemRepository(session).for_trends([trend.id for trend in found])
    by_trend: dict[UUID, list[TrendItemOut]] = {}
    for item in items:
        bucket = by_trend.setdefault(item.trend_id, [])  # type: ignore[arg-type]
        if len(bucket) < items_per_trend:
            bucket.append(TrendItemOut.model_validate(item))
    return TrendsOut(
        run=run_out(run),
        trends=[
            TrendOut(
                id=trend.id,
                run_id=trend.run_id,
                label=trend.label,
                keywords=list(trend.keywords),
                size=trend.size,
                score=trend.score,
                sources=list(trend.sources),
                first_seen_at=trend.first_seen_at,
                items=by_trend.get(trend.id, []),
            )
            for trend in found
        ],
    )


async def suggestions(
    session: AsyncSession, *, status: SuggestionStatus | None, limit: int, offset: int
) -> list[SuggestionOut]:
    rows = await SuggestionRepository(session).list(
        status=str(status) if status else None, limit=limit, offset=offset
    )
    return [
        SuggestionOut(
            id=row.id,
            trend_id=row.trend_id,
            trend_label=label,
            topic=row.topic,
            matched_topic=row.matched_topic,
            similarity=row.similarity,
            score=row.score,
            status=row.status,
            pipeline_id=row.pipeline_id,
            row_number=row.row_number,
            created_at=row.created_at,
        )
        for row, label in rows
    ]


async def promote(
    session: AsyncSession,
    principal: Principal,
    suggestion_id: UUID,
    pipeline_id: UUID,
    topic: str | None,
) -> SuggestionOut:
    """One action: the suggestion becomes a plan row (appended to the pipeline's rows) and is
    marked promoted. Pipelines whose plan lives in a sheet or file are refused by the import
    (their plan is edited where it lives)."""
    repository = SuggestionRepository(session)
    suggestion = await repository.must_get(suggestion_id, lock=True)
    if suggestion.status != SuggestionStatus.OPEN:
        raise Conflict(f"this suggestion is already {suggestion.status}")
    if await PipelineRepository(session).get(pipeline_id) is None:
        # The pipeline is named in the body, not the path: a bad reference is invalid input.
        raise ValidationFailed(f"pipeline_id: there is no pipeline {pipeline_id}")
    row_topic = (topic or suggestion.topic).strip()
    await planning.import_plan(
        session,
        principal,
        pipeline_id,
        json_body=PlanImport(
            rows=[PlanImportRow(topic=row_topic)],
            replace=False,
        ),
    )
    row_number = await ImportedPlanRepository(session).last_row_number(pipeline_id)
    suggestion.status = SuggestionStatus.PROMOTED
    suggestion.topic = row_topic
    suggestion.pipeline_id = pipeline_id
    suggestion.row_number = row_number
    suggestion.promoted_by = principal.actor_id
    suggestion.promoted_at = datetime.now(UTC)
    await session.flush()
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="trends.suggestion_promoted",
        target_type="trend_suggestion",
        target_id=suggestion.id,
        details={"pipeline_id": str(pipeline_id), "row_number": row_number},
    )
    trend = await TrendRepository(session).must_get(suggestion.trend_id)
    return SuggestionOut(
        id=suggestion.id,
        trend_id=suggestion.trend_id,
        trend_label=trend.label,
        topic=suggestion.topic,
        matched_topic=suggestion.matched_topic,
        similarity=suggestion.similarity,
        score=suggestion.score,
        status=suggestion.status,
        pipeline_id=suggestion.pipeline_id,
        row_number=suggestion.row_number,
        created_at=suggestion.created_at,
    )


async def dismiss(session: AsyncSession, principal: Principal, suggestion_id: UUID) -> None:
    suggestion = await SuggestionRepository(session).must_get(suggestion_id, lock=True)
    if suggestion.status != SuggestionStatus.OPEN:
        raise Conflict(f"this suggestion is already {suggestion.status}")
    suggestion.status = SuggestionStatus.DISMISSED
    await session.flush()
