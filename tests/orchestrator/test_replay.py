"""Today's workflow code against histories that earlier code recorded (``make_histories.py``).
A change that would break running executions fails here before it is deployed."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from icop.orchestrator.diagnostics import PingWorkflow
from tests.orchestrator.sample_workflows import ChangedPingWorkflow

# Servers that stop answering must fail the test, not hang the run.
pytestmark = pytest.mark.timeout(120)

HISTORIES = Path(__file__).parent / "histories"


def saved(name: str) -> WorkflowHistory:
    return WorkflowHistory.from_json(name, (HISTORIES / f"{name}.json").read_text())


def test_saved_history_has_the_timer_and_the_activity() -> None:
    kinds = {event.event_type for event in saved("ping_workflow").events}
    from temporalio.api.enums.v1 import EventType

    assert EventType.EVENT_TYPE_TIMER_FIRED in kinds
    assert EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED in kinds
    assert EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED in kinds


async def test_ping_workflow_replays() -> None:
    replayer = Replayer(
        workflows=[PingWorkflow], data_converter=pydantic_data_converter, build_id="replay"
    )
    result = await replayer.replay_workflow(saved("ping_workflow"))
    assert result.replay_failure is None


async def test_an_incompatible_change_is_caught() -> None:
    replayer = Replayer(
        workflows=[ChangedPingWorkflow], data_converter=pydantic_data_converter, build_id="replay"
    )
    with pytest.raises(NondeterminismError):
        await replayer.replay_workflow(saved("ping_workflow"))
