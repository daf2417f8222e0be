"""Today's pipeline run workflow against a history that earlier code recorded (before workflows
started after their commit; ``make_histories.py``): a change that would break runs in progress
fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from icop.planning.workflows import PipelineRunWorkflow

pytestmark = pytest.mark.timeout(120)
HISTORY = Path(__file__).parent / "histories" / "pipeline_run_workflow.json"


def saved() -> WorkflowHistory:
    return WorkflowHistory.from_json("run-history", HISTORY.read_text())


def test_history_records_a_child_article_a_failed_row_and_the_write_back() -> None:
    kinds = [event.event_type for event in saved().events]
    assert kinds.count(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED) == 1
    assert kinds.count(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED) == 1
    assert kinds.count(EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED) == 1  # the second row
    assert kinds[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED


async def test_pipeline_run_workflow_replays() -> None:
    replayer = Replayer(
        workflows=[PipelineRunWorkflow],
        data_converter=pydantic_data_converter,
        build_id="replay",
    )
    result = await replayer.replay_workflow(saved())
    assert result.replay_failure is None
