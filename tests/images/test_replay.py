"""Today's image workflow against a history that earlier code recorded
(``make_histories.py``): a change that would break running image jobs fails here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from icop.images.workflows import ImageGenerationWorkflow

pytestmark = pytest.mark.timeout(120)
HISTORY = Path(__file__).parent / "histories" / "image_generation_workflow.json"


def saved() -> WorkflowHistory:
    return WorkflowHistory.from_json("image-history", HISTORY.read_text())


def test_history_records_the_gpu_fallback() -> None:
    events = saved().events
    kinds = [event.event_type for event in events]
    assert kinds.count(EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED) == 1  # comfyui, final
    assert kinds.count(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) == 3
    scheduled = [
        e.activity_task_scheduled_event_attributes
        for e in events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]
    assert [s.task_queue.name for s in scheduled] == [
        "histories",
        "histories-gpu",
        "histories",
        "histories",
    ]
    completed = next(
        e for e in events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED
    )
    payload = completed.workflow_execution_completed_event_attributes.result.payloads[0]
    result = json.loads(payload.data)
    assert result["status"] == "ready"
    assert [(a["provider"], a["outcome"]) for a in result["attempts"]] == [
        ("comfyui", "unavailable"),
        ("local", "ok"),
    ]


async def test_image_workflow_replays() -> None:
    replayer = Replayer(
        workflows=[ImageGenerationWorkflow],
        data_converter=pydantic_data_converter,
        build_id="replay",
    )
    result = await replayer.replay_workflow(saved())
    assert result.replay_failure is None
