"""Regenerates ``histories/pipeline_run_workflow.json`` for the pipeline run workflow's replay
test: ``python -m tests.planning.make_histories``.

Run it only when the workflow changes on purpose (version the change with
``workflow.patched`` first if old executions may still be running). The recorded run has two
rows: the first gets two sub-topics (one article written by a child workflow, one found
finished by an earlier run) and is published to X; the second's sub-topics fail for good, so
its error is written back and the run goes on.
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

from icop.articles.activities import ArticleWorkflowInput
from icop.orchestrator.binaries import temporal_cli
from icop.orchestrator.worker import deployment_config
from icop.planning.activities import (
    ArticleSlot,
    PipelineRunInput,
    PublishRequest,
    RowOutcome,
    RowWork,
    RunPlan,
    RunRef,
)
from icop.planning.workflows import PipelineRunWorkflow
from tests.planning.stub_workflows import StubArticleWorkflow

HISTORIES = Path(__file__).parent / "histories"
TENANT = "3f1d2c4b-5a6e-4f70-8a9b-0c1d2e3f4a5b"
PIPELINE = "5e4f3a2b-1c0d-4e9f-8a7b-6c5d4e3f2a1b"
RUN = "2b1c0d9e-8f7a-4b6c-9d5e-4f3a2b1c0d9e"
ARTICLES = ("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e")


@activity.defn(name="planning.start_run")
async def start_run(request: PipelineRunInput) -> RunPlan:
    rows = [
        RowWork(2, "Balcony gardening", "compare", "en", None, 2, False, ["x"], 300),
        RowWork(3, "Rainwater", "compare", "en", None, 2, False, [], 300),
    ]
    return RunPlan(run_id=RUN, rows=rows, max_concurrent_articles=2)


@activity.defn(name="planning.prepare_row")
async def prepare_row(run: RunRef, work: RowWork) -> list[ArticleSlot]:
    if work.row_number == 3:
        raise ApplicationError("the model proposed fewer than two angles", type="TooFewCandidates")
    return [
        ArticleSlot(
            tenant_id=TENANT,
            article_id=article,
            workflow_id=f"article-{article}",
            task_queue="histories-agents",
            article_input=ArticleWorkflowInput(tenant_id=TENANT, article_id=article),
            finished=index == 1,
        )
        for index, article in enumerate(ARTICLES)
    ]


@activity.defn(name="planning.await_article")
async def await_article(slot: ArticleSlot) -> str:
    return "ready"


@activity.defn(name="planning.publish_article")
async def publish_article(request: PublishRequest) -> list[str]:
    return []


@activity.defn(name="planning.finish_row")
async def finish_row(run: RunRef, outcome: RowOutcome) -> str:
    return "error" if outcome.error else "done"


@activity.defn(name="planning.finish_run")
async def finish_run(run: RunRef, cancelled: bool) -> str:
    return "partial"


async def main() -> None:
    async with await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_cli()), data_converter=pydantic_data_converter
    ) as env:
        config = deployment_config("histories")
        async with (
            Worker(
                env.client,
                task_queue="histories",
                workflows=[PipelineRunWorkflow],
                activities=[
                    start_run,
                    prepare_row,
                    await_article,
                    publish_article,
                    finish_row,
                    finish_run,
                ],
                deployment_config=config,
            ),
            Worker(
                env.client,
                task_queue="histories-agents",
                workflows=[StubArticleWorkflow],
                deployment_config=config,
            ),
        ):
            handle = await env.client.start_workflow(
                PipelineRunWorkflow.run,
                PipelineRunInput(tenant_id=TENANT, pipeline_id=PIPELINE, run_id=RUN),
                id=f"pipeline-run-{PIPELINE}-{RUN}",
                task_queue="histories",
            )
            await handle.result()
            history = await handle.fetch_history()
    HISTORIES.mkdir(exist_ok=True)
    (HISTORIES / "pipeline_run_workflow.json").write_text(history.to_json() + "\n")


if __name__ == "__main__":
    asyncio.run(main())
    sys.stdout.flush()
    # The SDK's runtime can crash while the interpreter tears down (sdk-python#300).
    os._exit(0)
