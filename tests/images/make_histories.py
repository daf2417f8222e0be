"""Regenerates ``histories/*.json`` for the image workflow's replay test:
``python -m tests.images.make_histories``.

Run it only when the workflow changes on purpose (version the change with
``workflow.patched`` first if old executions may still be running). The recorded job falls
back: ComfyUI runs out of GPU memory twice on the ``gpu`` queue, then fails for good, and
the local renderer makes the image.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from temporalio import activity
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from icop.images.jobs import ImageJob, JobOutcome, ProviderCall, RetryTuning, StoredImage
from icop.images.workflows import ImageGenerationWorkflow
from icop.orchestrator.binaries import temporal_cli
from icop.orchestrator.worker import deployment_config

HISTORIES = Path(__file__).parent / "histories"
TENANT = "3f1d2c4b-5a6e-4f70-8a9b-0c1d2e3f4a5b"
IMAGE = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
SHA = "ab" * 32


@activity.defn(name="images.mark_running")
async def mark_running(job: ImageJob) -> None:
    return None


@activity.defn(name="images.generate")
async def generate(call: ProviderCall) -> StoredImage:
    if call.provider == "comfyui":
        if activity.info().attempt < 3:
            raise ApplicationError("GPU out of memory", type="out_of_memory")
        raise ApplicationError("checkpoint missing", type="unavailable", non_retryable=True)
    return StoredImage(
        provider="local",
        model="pillow-card",
        key=f"{TENANT}/ab/{SHA}.jpg",
        url="http://127.0.0.1:8000/api/v1/media/x",
        size=1000,
        sha256=SHA,
        width=1080,
        height=1350,
        content_type="image/jpeg",
        seed=5,
    )


@activity.defn(name="images.record_outcome")
async def record_outcome(outcome: JobOutcome) -> None:
    return None


async def main() -> None:
    async with await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_cli()), data_converter=pydantic_data_converter
    ) as env:
        config = deployment_config("histories")
        async with (
            Worker(
                env.client,
                task_queue="histories",
                workflows=[ImageGenerationWorkflow],
                activities=[mark_running, generate, record_outcome],
                deployment_config=config,
            ),
            Worker(
                env.client,
                task_queue="histories-gpu",
                activities=[generate],
                deployment_config=config,
            ),
        ):
            job = ImageJob(
                tenant_id=TENANT,
                image_id=IMAGE,
                prompt="a lighthouse",
                preset="portrait",
                seed=5,
                chain=["comfyui", "local"],
                gpu_task_queue="histories-gpu",
                gpu_providers=["comfyui"],
                retry=RetryTuning(gpu_initial_s=0.2, gpu_maximum_s=0.4, gpu_attempts=5),
            )
            handle = await env.client.start_workflow(
                ImageGenerationWorkflow.run, job, id="image-history", task_queue="histories"
            )
            await handle.result()
            history = await handle.fetch_history()
    HISTORIES.mkdir(exist_ok=True)
    (HISTORIES / "image_generation_workflow.json").write_text(history.to_json() + "\n")


if __name__ == "__main__":
    asyncio.run(main())
    sys.stdout.flush()
    # The SDK's runtime can crash while the interpreter tears down (sdk-python#300).
    os._exit(0)
