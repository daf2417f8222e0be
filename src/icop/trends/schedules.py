"""A tenant's TrendPipeline as a Temporal Schedule (modelled on ``icop.planning.schedules``):
nightly at 02:00 by default, read in the tenant's time zone; ``sync`` makes Temporal match the
tenant's trend configuration, so calling it again after any change is always right."""

from __future__ import annotations

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
from icop.orchestrator.connection import TemporalSettings
from icop.orchestrator.queues import TaskQueue
from icop.trends.activities import TrendRunInput
from icop.trends.workflows import TrendRunWorkflow


def schedule_id(tenant_id: UUID) -> str:
    return f"trends-{tenant_id}"


def run_workflow_id(tenant_id: UUID) -> str:
    """Temporal appends the scheduled time for a schedule's runs; manual runs add a suffix."""
    return f"trend-run-{tenant_id}"


def _schedule(
    tenant_id: UUID, cron: str, paused: bool, temporal: TemporalSettings, time_zone: str
) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            TrendRunWorkflow.run,
            TrendRunInput(tenant_id=str(tenant_id), trigger="schedule"),
            id=run_workflow_id(tenant_id),
            task_queue=temporal.queue_name(TaskQueue.PLANNING),
        ),
        spec=ScheduleSpec(cron_expressions=[cron], time_zone_name=time_zone),
        # A night's run still going when the next is due: skip, never two at once.
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
        state=ScheduleState(paused=paused, note="paused from ICOP" if paused else None),
    )


async def sync(
    client: Client,
    temporal: TemporalSettings,
    tenant_id: UUID,
    *,
    cron: str,
    paused: bool,
    time_zone: str,
) -> None:
    handle = client.get_schedule_handle(schedule_id(tenant_id))
    desired = _schedule(tenant_id, cron, paused, temporal, time_zone)

    def replace(_: ScheduleUpdateInput) -> ScheduleUpdate:
        return ScheduleUpdate(schedule=desired)

    try:
        try:
            await handle.update(replace)
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            try:
                await client.create_schedule(schedule_id(tenant_id), desired)
            except ScheduleAlreadyRunningError:
                await handle.update(replace)
    except RPCError as error:
        if error.status == RPCStatusCode.INVALID_ARGUMENT:
            raise ValidationFailed(f"the schedule was refused: {error.message}") from error
        raise ServiceUnavailable(
            f"the workflow engine refused the schedule: {error.message}"
        ) from error
