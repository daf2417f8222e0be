"""The pipeline run workflow (Temporal, ``planning`` queue).

read the plan → for each row marked ready: sub-topics → write them back → one child article
workflow per sub-topic (bounded concurrency) → write back status, article links and cost as each
row finishes. A bad row gets its own error written back and the run goes on.

Re-running never duplicates: sub-topics are stored per (pipeline, topic) and reused, article ids
are derived from them, and the child workflow id is ``article-{id}``.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import (
    ActivityError,
    ApplicationError,
    ChildWorkflowError,
    WorkflowAlreadyStartedError,
)
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from icop.articles.workflows import ARTICLE_WRITTEN, ArticleWorkflow
    from icop.models.planning import RunStatus
    from icop.planning.activities import (
        ArticleSlot,
        PipelineRunInput,
        PlanningActivities,
        PublishRequest,
        RowOutcome,
        RowWork,
        RunPlan,
        RunRef,
    )

SHEET_IO_TIMEOUT = timedelta(minutes=5)
SUBTOPICS_TIMEOUT = timedelta(minutes=30)
SHEET_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=2),
    # Write-back must not be lost: a sheet that is down for a while is waited out.
    maximum_attempts=30,
    non_retryable_error_types=[
        "PipelineNotFound",
        "SheetNotFound",
        "SheetPermissionDenied",
        "SheetRangeInvalid",
        "SheetAuthFailed",
    ],
)
SUBTOPICS_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5),
    maximum_interval=timedelta(minutes=2),
    maximum_attempts=5,
    non_retryable_error_types=[
        "QuotaExceeded",
        "ValidationFailed",
        "TooFewCandidates",
        "SubtopicRequestInvalid",
    ],
)
# The sheet watcher (decisions typed into the plan, posts' status written back) lasts as long
# as the run: its articles may wait days for approval. It beats every few seconds.
SHEET_WATCH_TIMEOUT = timedelta(days=30)
SHEET_WATCH_HEARTBEAT = timedelta(minutes=2)
SHEET_CONTROL = "sheet-control-panel"
# Sub-topic generation is model-heavy: one row at a time per run keeps the model for writers.
SUBTOPIC_CONCURRENCY = 1


@workflow.defn(name="PipelineRunWorkflow")
class PipelineRunWorkflow:
    def __init__(self) -> None:
        self._rows_done = 0
        self._rows_total = 0
        self._written: set[str] = set()

    @workflow.signal(name=ARTICLE_WRITTEN)
    def article_written(self, article_id: str) -> None:
        """A child article is written and waits for a person's decision."""
        self._written.add(article_id)

    @workflow.query
    def progress(self) -> tuple[int, int]:
        return self._rows_done, self._rows_total

    @workflow.run
    async def run(self, request: PipelineRunInput) -> RunStatus:
        plan: RunPlan = await workflow.execute_activity_method(
            PlanningActivities.start_run,
            request,
            start_to_close_timeout=SHEET_IO_TIMEOUT,
            retry_policy=SHEET_RETRY,
        )
        run = RunRef(request.tenant_id, request.pipeline_id, plan.run_id)
        self._rows_total = len(plan.rows)
        articles = asyncio.Semaphore(plan.max_concurrent_articles)
        subtopics = asyncio.Semaphore(SUBTOPIC_CONCURRENCY)
        # Runs recorded before the sheet became a control panel replay without the watcher.
        watcher = (
            asyncio.ensure_future(
                workflow.execute_activity_method(
                    PlanningActivities.watch_sheet,
                    run,
                    start_to_close_timeout=SHEET_WATCH_TIMEOUT,
                    heartbeat_timeout=SHEET_WATCH_HEARTBEAT,
                    retry_policy=SHEET_RETRY,
                )
            )
            if workflow.patched(SHEET_CONTROL)
            else None
        )
        try:
            await asyncio.gather(*(self._row(run, work, articles, subtopics) for work in plan.rows))
        except asyncio.CancelledError:
            if watcher is not None:
                watcher.cancel()
            await self._finish(run, cancelled=True)
            raise
        status = await self._finish(run, cancelled=False)
        if watcher is not None:
            # Posts still on their way keep reaching the sheet; a sheet that stopped answering
            # has had its errors reported by the rows already.
            with contextlib.suppress(ActivityError):
                await watcher
        return status

    async def _finish(self, run: RunRef, *, cancelled: bool) -> RunStatus:
        status: RunStatus = await workflow.execute_activity_method(
            PlanningActivities.finish_run,
            args=[run, cancelled],
            start_to_close_timeout=SHEET_IO_TIMEOUT,
            retry_policy=SHEET_RETRY,
        )
        return status

    async def _row(
        self,
        run: RunRef,
        work: RowWork,
        articles: asyncio.Semaphore,
        subtopics: asyncio.Semaphore,
    ) -> None:
        try:
            async with subtopics:
                slots: list[ArticleSlot] = await workflow.execute_activity_method(
                    PlanningActivities.prepare_row,
                    args=[run, work],
                    start_to_close_timeout=SUBTOPICS_TIMEOUT,
                    heartbeat_timeout=timedelta(minutes=2),
                    retry_policy=SUBTOPICS_RETRY,
                )
            await asyncio.gather(*(self._article(run, slot, work, articles) for slot in slots))
            outcome = RowOutcome(row_number=work.row_number)
        except ActivityError as error:
            outcome = RowOutcome(row_number=work.row_number, error=_reason(error))
        await workflow.execute_activity_method(
            PlanningActivities.finish_row,
            args=[run, outcome],
            start_to_close_timeout=SHEET_IO_TIMEOUT,
            retry_policy=SHEET_RETRY,
        )
        self._rows_done += 1

    async def _article(
        self, run: RunRef, slot: ArticleSlot, work: RowWork, articles: asyncio.Semaphore
    ) -> None:
        if not slot.finished:
            await self._write_article(slot, articles)
        if work.platforms:
            await workflow.execute_activity_method(
                PlanningActivities.publish_article,
                PublishRequest(run.tenant_id, slot.article_id, work.platforms),
                start_to_close_timeout=SHEET_IO_TIMEOUT,
                retry_policy=SHEET_RETRY,
            )

    async def _write_article(self, slot: ArticleSlot, articles: asyncio.Semaphore) -> None:
        async with articles:
            try:
                child = await workflow.start_child_workflow(
                    ArticleWorkflow.run,
                    slot.article_input,
                    id=slot.workflow_id,
                    task_queue=slot.task_queue,
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                    # An article outlives a cancelled run: it was paid for and is nearly done.
                    parent_close_policy=ParentClosePolicy.ABANDON,
                )
            except WorkflowAlreadyStartedError:
                await self._await_existing(slot)
                return
            # A slot is for writing. An article that is written and waits for a person's
            # decision gives it back (its workflow signals this one), so two articles awaiting
            # approval do not stop the rest of the plan from being written.
            await workflow.wait_condition(lambda: child.done() or slot.article_id in self._written)
        # A failed article's own status (failed, no_sources …) is what the row reports.
        with contextlib.suppress(ChildWorkflowError):
            await child

    async def _await_existing(self, slot: ArticleSlot) -> None:
        """The article's workflow was started by an earlier run (still going or finished):
        wait for its row to reach a final status instead of starting it again."""
        await workflow.execute_activity_method(
            PlanningActivities.await_article,
            slot,
            start_to_close_timeout=timedelta(hours=3),
            heartbeat_timeout=timedelta(minutes=2),
            retry_policy=RetryPolicy(maximum_attempts=3),
        )


def _reason(error: ActivityError) -> str:
    cause = error.cause
    if isinstance(cause, ApplicationError) and cause.message:
        return cause.message
    return str(cause or error)
