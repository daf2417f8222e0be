"""The TrendPipeline workflow (Temporal, ``planning`` queue): start → collect from every
source at once → clean → embed → ingest → cluster → finish.

Each source's collect activity has that source's own retry policy (``SourcePlan``, from the
source's ``RetryPolicySpec``); a source that still fails after its attempts is recorded in the
run's ``source_errors`` and the others go on (the run ends ``partial``). The later steps work
on what the run has in the database, so a retried step repeats no work that was committed.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from icop.trends.activities import (
        CollectInput,
        FinishInput,
        RunStep,
        SourcePlan,
        TrendActivities,
        TrendRunInput,
    )

STEP_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
    maximum_attempts=5,
    non_retryable_error_types=["ValidationFailed", "NotFound"],
)
STEP_TIMEOUT = timedelta(minutes=20)
"""Embedding a night's items on CPU is the slow step: a few thousand items take minutes."""


def source_retry(source: SourcePlan) -> RetryPolicy:
    return RetryPolicy(
        initial_interval=timedelta(seconds=source.initial_interval_s),
        backoff_coefficient=source.backoff_coefficient,
        maximum_interval=timedelta(seconds=source.maximum_interval_s),
        maximum_attempts=source.maximum_attempts,
        non_retryable_error_types=["SourceRefused", "ValidationFailed"],
    )


def _message(error: ActivityError) -> str:
    """The activity's own error message (its ApplicationError), not Temporal's wrapper."""
    cause = error.cause
    return str(getattr(cause, "message", None) or cause or error)


@workflow.defn(name="TrendRunWorkflow")
class TrendRunWorkflow:
    @workflow.run
    async def run(self, request: TrendRunInput) -> str:
        started = await workflow.execute_activity_method(
            TrendActivities.start_run,
            request,
            start_to_close_timeout=timedelta(minutes=2),
            retry_policy=STEP_RETRY,
        )
        step = RunStep(tenant_id=request.tenant_id, run_id=started.run_id)
        outcomes = await asyncio.gather(
            *(
                workflow.execute_activity_method(
                    TrendActivities.collect,
                    CollectInput(request.tenant_id, started.run_id, source.index),
                    start_to_close_timeout=timedelta(seconds=source.timeout_s),
                    retry_policy=source_retry(source),
                )
                for source in started.sources
            ),
            return_exceptions=True,
        )
        source_errors: dict[str, str] = {}
        for source, outcome in zip(started.sources, outcomes, strict=True):
            if isinstance(outcome, ActivityError):
                source_errors[source.name] = _message(outcome)[:500]
            elif isinstance(outcome, BaseException):
                raise outcome
        error: str | None = None
        try:
            for method in (
                TrendActivities.clean,
                TrendActivities.embed,
                TrendActivities.ingest,
                TrendActivities.cluster,
            ):
                await workflow.execute_activity_method(
                    method,
                    step,
                    start_to_close_timeout=STEP_TIMEOUT,
                    retry_policy=STEP_RETRY,
                )
        except ActivityError as failure:
            error = _message(failure)[:1000]
        return await workflow.execute_activity_method(
            TrendActivities.finish,
            FinishInput(request.tenant_id, started.run_id, source_errors, error),
            start_to_close_timeout=timedelta(minutes=1),
            retry_policy=STEP_RETRY,
        )
