"""Today's publish workflow against histories that earlier code recorded (``make_histories.py``):
one from before workflows started after their commit and before the publish became a local
activity (ADR 0040: a regular activity), one from after. A change that would break posts
already scheduled fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from icop.syndication.workflows import PublishPostWorkflow

pytestmark = pytest.mark.timeout(120)
HISTORIES = Path(__file__).parent / "histories"
HISTORY = HISTORIES / "publish_post_workflow.json"
LOCAL_HISTORY = HISTORIES / "publish_post_workflow_local.json"


def saved(path: Path = HISTORY) -> WorkflowHistory:
    return WorkflowHistory.from_json("post-history", path.read_text())


def test_history_records_signals_a_quota_wait_and_the_publish() -> None:
    kinds = [event.event_type for event in saved().events]
    assert kinds.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) == 2
    assert kinds.count(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) == 2  # waiting, published
    assert EventType.EVENT_TYPE_TIMER_STARTED in kinds
    assert kinds[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED


def test_local_history_publishes_without_activity_tasks() -> None:
    kinds = [event.event_type for event in saved(LOCAL_HISTORY).events]
    assert kinds.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) == 2
    assert EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED not in kinds
    # The patch marker, then one marker per publish (waiting, published).
    assert kinds.count(EventType.EVENT_TYPE_MARKER_RECORDED) == 3
    assert kinds[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED


@pytest.mark.parametrize("path", [HISTORY, LOCAL_HISTORY], ids=["activity", "local-activity"])
async def test_publish_workflow_replays(path: Path) -> None:
    replayer = Replayer(
        workflows=[PublishPostWorkflow],
        data_converter=pydantic_data_converter,
        build_id="replay",
    )
    result = await replayer.replay_workflow(saved(path))
    assert result.replay_failure is None
