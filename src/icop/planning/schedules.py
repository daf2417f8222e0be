"""A pipeline's ``schedule_cron`` as a Temporal Schedule (replaces Celery Beat, PRODUCT.md §3).

The schedule is derived state: ``sync`` makes Temporal match the pipeline row (create, update,
pause, resume, delete), so calling it again after any change or failure is always right. The
cron is read in the tenant's time zone (``tenants.time_zone``): Temporal computes the firings
by that zone's clock, daylight-saving changes included.
"""

from __future__ import annotations

import re
from uuid import UUID

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleState,
    ScheduleUpdate,
    ScheduleUpdateInput,
)
from temporalio.service import RPCError, RPCStatusCode

from icop.errors import ServiceUnavailable, ValidationFailed
from icop.models import ContentPipeline
from icop.orchestrator.connection import TemporalSettings
from icop.orchestrator.queues import TaskQueue
from icop.planning.activities import PipelineRunInput
from icop.planning.workflows import PipelineRunWorkflow

# Five fields (minute hour day-of-month month day-of-week) or a Temporal/robfig shorthand.
_CRON_FIELD = r"[0-9A-Za-z*/,\-?LW#]+"
_CRON = re.compile(rf"^\s*{_CRON_FIELD}(\s+{_CRON_FIELD}){{4}}\s*$")
_SHORTHANDS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}


def schedule_id(pipeline_id: UUID) -> str:
    return f"pipeline-{pipeline_id}"


def check_cron(expression: str) -> str:
    """A clear error here rather than Temporal's gRPC message later."""
    text = " ".join(expression.split())
    if text in _SHORTHANDS or text.startswith("@every ") or _CRON.match(text):
        return text
    raise ValidationFailed(
        f"schedule_cron {expression!r} is not a cron expression: use five fields "
        "'minute hour day-of-month month day-of-week' (e.g. '0 9 * * 1-5') or @daily / @hourly"
    )


def _schedule(pipeline: ContentPipeline, temporal: TemporalSettings, time_zone: str) -> Schedule:
    assert pipeline.schedule_cron
    return Schedule(
        action=ScheduleActionStartWorkflow(
            PipelineRunWorkflow.run,
            PipelineRunInput(
                tenant_id=str(pipeline.tenant_id), pipeline_id=str(pipeline.id), trigger="schedule"
            ),
            # Temporal appends the scheduled time, so every firing is its own run.
            id=f"pipeline-run-{pipeline.id}",
            task_queue=temporal.queue_name(TaskQueue.PLANNING),
        ),
        spec=ScheduleSpec(cron_expressions=[pipeline.schedule_cron], time_zone_name=time_zone),
        # A run still going when the next one is due: skip, do not stack runs of one plan.
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
        state=ScheduleState(
            paused=pipeline.schedule_paused,
            note="paused from ICOP" if pipeline.schedule_paused else None,
        ),
    )


async def sync(
    client: Client, temporal: TemporalSettings, pipeline: ContentPipeline, time_zone: str
) -> None:
    """``time_zone``: the tenant's IANA zone, which the cron expression is read in."""
    handle = client.get_schedule_handle(schedule_id(pipeline.id))
    try:
        if not pipeline.schedule_cron:
            await _delete_quietly(client, pipeline.id)
            return
        desired = _schedule(pipeline, temporal, time_zone)

        def replace(_: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(schedule=desired)

        try:
            await handle.update(replace)
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            try:
                await client.create_schedule(schedule_id(pipeline.id), desired)
            except ScheduleAlreadyRunningError:
                await handle.update(replace)
    except RPCError as error:
        if error.status == RPCStatusCode.INVALID_ARGUMENT:
            raise ValidationFailed(f"the schedule was refused: {error.message}") from error
        raise ServiceUnavailable(
            f"the workflow engine refused the schedule: {error.message}"
        ) from error


async def delete(client: Client, pipeline_id: UUID) -> None:
    try:
        await _delete_quietly(client, pipeline_id)
    except RPCError as error:
        raise ServiceUnavailable(f"could not delete the schedule: {error.message}") from error


async def _delete_quietly(client: Client, pipeline_id: UUID) -> None:
    try:
        await client.get_schedule_handle(schedule_id(pipeline_id)).delete()
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
