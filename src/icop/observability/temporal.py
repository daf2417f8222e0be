"""Temporal interceptors: tracing (the SDK's OpenTelemetry interceptor), our metrics, and how
an activity's expected failures are reported.

Both are client interceptors that are also worker interceptors, so the one list that
``icop.orchestrator.connection.connect`` passes to ``Client.connect`` covers the client (spans
for starting workflows, carrying the caller's context in headers) and every worker built from
that client (workflow and activity spans, completions, latency).

Workflow code runs in the sandbox and replays; the workflow side therefore records through an
extern function (called outside the sandbox, like the tracing interceptor's own) and never
while replaying, so a run is counted once per worker that finished it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import temporalio.activity
import temporalio.client
import temporalio.exceptions
import temporalio.worker
import temporalio.workflow
from temporalio.contrib.opentelemetry import TracingInterceptor

from icop.errors import ICOPError
from icop.observability.metrics import record_activity, record_workflow

logger = logging.getLogger(__name__)

_EXTERN = "__icop_metrics_workflow_outcome"


def _outcome(error: BaseException | None) -> str:
    if error is None:
        return "completed"
    if isinstance(error, temporalio.workflow.ContinueAsNewError):
        return "continued_as_new"
    if isinstance(error, asyncio.CancelledError | temporalio.exceptions.CancelledError):
        return "cancelled"
    if isinstance(error, temporalio.activity._CompleteAsyncError):
        return "async"
    return "failed"


class _ActivityMetrics(temporalio.worker.ActivityInboundInterceptor):
    async def execute_activity(self, input: temporalio.worker.ExecuteActivityInput) -> Any:
        info = temporalio.activity.info()
        started = time.perf_counter()
        error: BaseException | None = None
        try:
            return await super().execute_activity(input)
        except BaseException as raised:
            error = raised
            raise
        finally:
            record_activity(
                info.activity_type, info.task_queue, _outcome(error), time.perf_counter() - started
            )


class _WorkflowMetrics(temporalio.worker.WorkflowInboundInterceptor):
    async def execute_workflow(self, input: temporalio.worker.ExecuteWorkflowInput) -> Any:
        error: BaseException | None = None
        try:
            return await super().execute_workflow(input)
        except BaseException as raised:
            error = raised
            raise
        finally:
            if not temporalio.workflow.unsafe.is_replaying():
                info = temporalio.workflow.info()
                extern: Callable[[str, str, str], None] = temporalio.workflow.extern_functions()[
                    _EXTERN
                ]
                extern(info.workflow_type, info.task_queue, _outcome(error))


class MetricsInterceptor(temporalio.client.Interceptor, temporalio.worker.Interceptor):
    """Counts workflow runs and activity attempts by type, queue and outcome; times
    activities."""

    def intercept_activity(
        self, next: temporalio.worker.ActivityInboundInterceptor
    ) -> temporalio.worker.ActivityInboundInterceptor:
        return _ActivityMetrics(next)

    def workflow_interceptor_class(
        self, input: temporalio.worker.WorkflowInterceptorClassInput
    ) -> type[temporalio.worker.WorkflowInboundInterceptor]:
        input.unsafe_extern_functions[_EXTERN] = record_workflow
        return _WorkflowMetrics


class _ExpectedFailures(temporalio.worker.ActivityInboundInterceptor):
    async def execute_activity(self, input: temporalio.worker.ExecuteActivityInput) -> Any:
        try:
            return await super().execute_activity(input)
        except ICOPError as error:
            info = temporalio.activity.info()
            logger.warning(
                "%s (attempt %d) failed: %s: %s",
                info.activity_type,
                info.attempt,
                type(error).__name__,
                error.detail,
            )
            # What the SDK would send for this exception (same type, retried), but benign:
            # it then logs no traceback of its own.
            raise temporalio.exceptions.ApplicationError(
                error.detail,
                type=type(error).__name__,
                category=temporalio.exceptions.ApplicationErrorCategory.BENIGN,
            ) from error


class ExpectedFailuresInterceptor(temporalio.client.Interceptor, temporalio.worker.Interceptor):
    """Our own errors (``ICOPError``: a model that could not answer, a provider's refusal …)
    are expected failures: the workflow retries or handles them, so the terminal gets one
    line, not the SDK's traceback. Anything else keeps its traceback: it may be a bug."""

    def intercept_activity(
        self, next: temporalio.worker.ActivityInboundInterceptor
    ) -> temporalio.worker.ActivityInboundInterceptor:
        return _ExpectedFailures(next)


def temporal_interceptors() -> Sequence[temporalio.client.Interceptor]:
    """What every Temporal client of ICOP carries (and so every worker built from one)."""
    return (TracingInterceptor(), MetricsInterceptor(), ExpectedFailuresInterceptor())
