"""Regenerates ``histories/publish_post_workflow_local.json`` for the publish workflow's replay
test: ``python -m tests.syndication.workflow.make_histories``. (``publish_post_workflow.json``
was recorded by the workflow before ADR 0040, with a regular activity: keep it, it is what
executions started before the change replay against.)

Run it only when the workflow changes on purpose (version the change with
``workflow.patched`` first if old executions may still be running). The recorded post is due
in two seconds, is rescheduled and then published now by signal, waits out a quota window
once, and is published.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from temporalio import activity
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from icop.orchestrator.binaries import temporal_cli
from icop.orchestrator.worker import deployment_config
from icop.syndication.activities import PostRef, PublishInput, PublishResult
from icop.syndication.workflows import PublishPostWorkflow

HISTORIES = Path(__file__).parent / "histories"
TENANT = "3f1d2c4b-5a6e-4f70-8a9b-0c1d2e3f4a5b"
POST = "7c6d5e4f-3a2b-4c1d-8e9f-0a1b2c3d4e5f"
calls: list[str] = []


@activity.defn(name="syndication.publish")
async def publish(ref: PostRef) -> PublishResult:
    calls.append("publish")
    if len(calls) == 1:
        later = datetime.now(UTC) + timedelta(seconds=1)
        return PublishResult(status="waiting", wait_until=later.isoformat())
    return PublishResult(status="published")


@activity.defn(name="syndication.cancel")
async def cancel(ref: PostRef) -> bool:
    return False


async def main() -> None:
    async with (
        await WorkflowEnvironment.start_local(
            dev_server_existing_path=str(temporal_cli()), data_converter=pydantic_data_converter
        ) as env,
        Worker(
            env.client,
            task_queue="histories",
            workflows=[PublishPostWorkflow],
            activities=[publish, cancel],
            deployment_config=deployment_config("histories"),
        ),
    ):
        due = datetime.now(UTC) + timedelta(seconds=30)
        handle = await env.client.start_workflow(
            PublishPostWorkflow.run,
            PublishInput(tenant_id=TENANT, post_id=POST, scheduled_at=due.isoformat()),
            id=f"post-{POST}",
            task_queue="histories",
        )
        await handle.signal(PublishPostWorkflow.reschedule, due.isoformat())
        await handle.signal(PublishPostWorkflow.publish_now)
        await handle.result()
        history = await handle.fetch_history()
    HISTORIES.mkdir(exist_ok=True)
    (HISTORIES / "publish_post_workflow_local.json").write_text(history.to_json() + "\n")


if __name__ == "__main__":
    asyncio.run(main())
    sys.stdout.flush()
    # The SDK's runtime can crash while the interpreter tears down (sdk-python#300).
    os._exit(0)
