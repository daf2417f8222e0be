"""The article workflow (Temporal): generate durably, then wait for a human decision if the
brief asks for one. Activities live in ``activities.py``; this module imports nothing else
that touches I/O (the workflow sandbox re-imports it)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, FailureError

with workflow.unsafe.imports_passed_through():
    from icop.articles.activities import (
        ArticleActivities,
        ArticleWorkflowInput,
        GenerationOutcome,
        StatusChange,
    )
    from icop.models.article import ArticleStatus

GENERATE_TIMEOUT = timedelta(hours=2)
GENERATE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=2),
    maximum_attempts=6,
    non_retryable_error_types=["ArticleNotFound"],
)
STATUS_STORED_BY_GENERATE = "status-stored-by-generate"
FAILURE_STORED = "failure-stored"
SLOT_GIVEN_BACK = "slot-given-back-while-awaiting-approval"
ARTICLE_WRITTEN = "article_written"
"""The signal a pipeline run's workflow takes from its child article once it is written and
waits for a decision: the run's writing slot is free again."""
BOOKKEEPING_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_attempts=20)


@dataclass
class Decision:
    approved: bool
    user_id: str | None = None
    reason: str | None = None


@dataclass
class ArticleResult:
    article_id: str
    status: ArticleStatus


@workflow.defn(name="ArticleWorkflow")
class ArticleWorkflow:
    def __init__(self) -> None:
        self._decision: Decision | None = None
        self._status = ArticleStatus.QUEUED

    @workflow.signal
    def decide(self, decision: Decision) -> None:
        if self._decision is None:
            self._decision = decision

    @workflow.query
    def status(self) -> ArticleStatus:
        return self._status

    @workflow.run
    async def run(self, request: ArticleWorkflowInput) -> ArticleResult:
        self._status = ArticleStatus.RUNNING
        try:
            outcome: GenerationOutcome = await workflow.execute_activity_method(
                ArticleActivities.generate,
                request,
                start_to_close_timeout=GENERATE_TIMEOUT,
                # A dead worker is noticed within this; the retry resumes from the graph's
                # last checkpoint.
                heartbeat_timeout=timedelta(seconds=request.heartbeat_timeout_s),
                retry_policy=GENERATE_RETRY,
            )
        except ActivityError as error:
            # Out of attempts: the article must not stay "running" (a pipeline row reports
            # its article's status).
            if workflow.patched(FAILURE_STORED):
                self._status = ArticleStatus.FAILED
                reason = str(error.cause or error)[:2000]
                await self._set(request, self._status, reason=reason)
            raise
        # The activity stores the status it ends in (ready, awaiting_approval, failed,
        # no_sources) with the article itself; executions begun before it did still set it.
        stored = workflow.patched(STATUS_STORED_BY_GENERATE)
        if outcome.status != "ok" or not outcome.approval_required:
            self._status = (
                ArticleStatus.READY if outcome.status == "ok" else ArticleStatus(outcome.status)
            )
            if not stored:
                await self._set(request, self._status)
            return ArticleResult(request.article_id, self._status)

        self._status = ArticleStatus.AWAITING_APPROVAL
        if not stored:
            await self._set(request, self._status)
        await self._give_back_the_slot(request)
        timeout = timedelta(seconds=request.approval_timeout_s)
        try:
            await workflow.wait_condition(lambda: self._decision is not None, timeout=timeout)
        except TimeoutError:
            self._decision = Decision(
                approved=request.approve_on_timeout, reason=f"no decision within {timeout}"
            )
        decision = self._decision
        assert decision is not None
        self._status = ArticleStatus.READY if decision.approved else ArticleStatus.REJECTED
        await self._set(request, self._status, decision.user_id, decision.reason)
        return ArticleResult(request.article_id, self._status)

    async def _give_back_the_slot(self, request: ArticleWorkflowInput) -> None:
        parent = workflow.info().parent
        if parent is None or not workflow.patched(SLOT_GIVEN_BACK):
            return
        # A run that ended (cancelled) refuses the signal: nobody waits for the slot.
        with contextlib.suppress(FailureError):
            await workflow.get_external_workflow_handle(
                parent.workflow_id, run_id=parent.run_id
            ).signal(ARTICLE_WRITTEN, request.article_id)

    async def _set(
        self,
        request: ArticleWorkflowInput,
        status: ArticleStatus,
        user_id: str | None = None,
        reason: str | None = None,
    ) -> None:
        await workflow.execute_activity_method(
            ArticleActivities.set_status,
            StatusChange(
                tenant_id=request.tenant_id,
                article_id=request.article_id,
                status=status,
                user_id=user_id,
                reason=reason,
            ),
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=BOOKKEEPING_RETRY,
        )
