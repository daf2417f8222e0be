"""Today's publish workflow against a history that earlier code recorded (before workflows
started after their commit; ``make_histories.py``): a change that would break posts already
scheduled fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from icop.syndication.workflows import PublishPostWorkflow

pytestmark = pytest.mark.timeout(120)
HISTORY = Path(__file__).parent / "histories" / "publish_post_workflow.json"


def saved() -> WorkflowHistory:
    return WorkflowHistory.from_json("post-history", HISTORY.read_text())


def test_history_records_signals_a_quota_wait_and_the_publish() -> None:
    kinds = [event.event_type for event in saved().events]
    assert kinds.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) == 2
    assert kinds.count(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) == 2  # waiting, published
    assert EventType.EVENT_TYPE_TIMER_STARTED in kinds
    assert kinds[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED


async def test_publish_workflow_replays() -> None:
    replayer = Replayer(
        workflows=[PublishPostWorkflow],
        data_converter=pydantic_data_converter,
        build_id="replay",
    )
    result = await replayer.replay_workflow(saved())
    assert result.replay_failure is None
