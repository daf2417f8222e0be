"""Temporal carries the trace from the client into workflows and activities, and the worker
counts workflow runs and activity attempts by type, queue and outcome."""

from __future__ import annotations

import logging
import uuid

import pytest
from prometheus_client import REGISTRY
from temporalio.client import Client

from icop.observability import tracing
from icop.orchestrator import diagnostics
from icop.orchestrator.connection import TemporalSettings
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import WorkerRegistry, running_workers
from tests.observability.spans import capture
from tests.orchestrator.sample_workflows import RetriedWorkflow, busy_once


def _count(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_trace_and_metrics_flow_through_a_workflow(
    temporal_client: Client, temporal_settings: TemporalSettings
) -> None:
    spans = capture()
    queue = temporal_settings.queue_name(TaskQueue.AGENTS)
    async with running_workers(temporal_client, [TaskQueue.AGENTS], settings=temporal_settings):
        with tracing.tracer().start_as_current_span("caller") as caller:
            await diagnostics.ping_queue(temporal_client, temporal_settings, TaskQueue.AGENTS)
    trace_id = caller.get_span_context().trace_id
    names = {span.name for span in spans.get_finished_spans() if span.context.trace_id == trace_id}
    assert {"StartWorkflow:PingWorkflow", "RunWorkflow:PingWorkflow"} <= names
    assert any(name.startswith("RunActivity:") for name in names), names
    assert (
        _count(
            "icop_workflows_total",
            workflow_type="PingWorkflow",
            task_queue=queue,
            outcome="completed",
        )
        == 1
    )
    activities = [
        sample
        for metric in REGISTRY.collect()
        if metric.name == "icop_activities"
        for sample in metric.samples
        if sample.labels.get("task_queue") == queue and sample.name == "icop_activities_total"
    ]
    assert activities and all(s.labels["outcome"] == "completed" for s in activities)
    assert (
        _count(
            "icop_activity_duration_seconds_count",
            task_queue=queue,
            activity_type=activities[0].labels["activity_type"],
        )
        >= 1
    )


async def test_an_expected_failure_is_one_line_and_is_retried(
    temporal_client: Client, temporal_settings: TemporalSettings, caplog: pytest.LogCaptureFixture
) -> None:
    """A retried attempt that failed with one of our errors (a busy model) logs one line and
    no traceback; the retry answers."""
    registry = WorkerRegistry()
    registry.register(TaskQueue.AGENTS, workflows=[RetriedWorkflow], activities=[busy_once])
    caplog.set_level(logging.WARNING)
    async with running_workers(
        temporal_client, [TaskQueue.AGENTS], registry, settings=temporal_settings
    ):
        result = await temporal_client.execute_workflow(
            RetriedWorkflow.run,
            "hello",
            id=f"retried-{uuid.uuid4()}",
            task_queue=temporal_settings.queue_name(TaskQueue.AGENTS),
        )
    assert result == "hello"
    lines = [r for r in caplog.records if "busy_once" in r.getMessage()]
    assert [r.getMessage() for r in lines] == [
        "busy_once (attempt 1) failed: ServiceUnavailable: the model is busy"
    ]
    assert not [r for r in caplog.records if r.exc_info and r.levelno >= logging.WARNING]
