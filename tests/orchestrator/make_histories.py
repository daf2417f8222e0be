"""Regenerates ``histories/*.json`` for the replay tests:
``python -m tests.orchestrator.make_histories``.

Run it only when a workflow changes on purpose (and version the change with ``workflow.patched``
first if old executions may still be running). The histories are committed: a replay test must
check today's code against what yesterday's code recorded, not against itself.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from icop.orchestrator.binaries import temporal_cli
from icop.orchestrator.diagnostics import PingActivities, PingInput, PingWorkflow
from icop.orchestrator.worker import deployment_config

HISTORIES = Path(__file__).parent / "histories"
TENANT = "3f1d2c4b-5a6e-4f70-8a9b-0c1d2e3f4a5b"


async def main() -> None:
    async with (
        await WorkflowEnvironment.start_local(
            dev_server_existing_path=str(temporal_cli()), data_converter=pydantic_data_converter
        ) as env,
        Worker(
            env.client,
            task_queue="histories",
            workflows=[PingWorkflow],
            activities=[PingActivities("history-worker").ping],
            deployment_config=deployment_config("histories"),
        ),
    ):
        # A timer and an activity: both command kinds PingWorkflow can emit are recorded.
        handle = await env.client.start_workflow(
            PingWorkflow.run,
            PingInput(tenant_id=TENANT, message="recorded", delay_s=1.0),
            id="ping-history",
            task_queue="histories",
        )
        await handle.result()
        history = await handle.fetch_history()
    HISTORIES.mkdir(exist_ok=True)
    (HISTORIES / "ping_workflow.json").write_text(history.to_json() + "\n")


if __name__ == "__main__":
    asyncio.run(main())
    sys.stdout.flush()
    # The SDK's runtime can crash while the interpreter tears down (sdk-python#300).
    os._exit(0)
