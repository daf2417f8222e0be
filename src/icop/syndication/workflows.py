"""The publish workflow (Temporal): one per post, id ``post-{post_id}``.

It sleeps until the post is due, publishes through one activity, and sleeps again while the
quota ledger (or a platform's reset time, or an outage) says "not yet". Signals move it: cancel,
reschedule (a new due time), publish now. Activities live in ``activities.py``; this module
imports nothing else that touches I/O (the workflow sandbox re-imports it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from icop.models.syndication import PostStatus
    from icop.syndication.activities import (
        PostRef,
        PublishActivities,
        PublishInput,
        PublishResult,
    )
    from icop.syndication.runs import Pause

PUBLISH_TIMEOUT = timedelta(minutes=10)
PUBLISH_HEARTBEAT = timedelta(seconds=60)
# Safe because the activity reconciles open attempts before it sends anything; errors the
# platform returns never reach this policy (the activity turns them into a PublishResult).
PUBLISH_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
    maximum_attempts=8,
    non_retryable_error_types=["AccountNeedsReconnect"],
)
BOOKKEEPING_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_attempts=20)
# Executions started before ADR 0040 keep their (regular) activity on replay; new ones publish
# through a local activity: the worker that runs the workflow task runs the publish too, so a
# post costs the server one workflow task and a marker instead of an activity task and a
# second workflow task (the activity is safe to repeat either way: the ledger).
LOCAL_PUBLISH = "local-publish-activity"
# The workflow's clock and the activity's can differ a little; a wait ends a moment late, never
# early (the activity checks the ledger again anyway).
WAKE_SLACK = timedelta(milliseconds=250)


@dataclass
class PostFinished:
    post_id: str
    status: str
    reason: str | None = None


def workflow_id(post_id: str) -> str:
    return f"post-{post_id}"


@workflow.defn(name="PublishPostWorkflow")
class PublishPostWorkflow:
    def __init__(self) -> None:
        self._due: datetime | None = None
        self._cancelled = False
        self._now_requested = False
        self._changed = False
        self._state: str = PostStatus.SCHEDULED

    @workflow.signal
    def cancel(self) -> None:
        self._cancelled = True

    @workflow.signal
    def reschedule(self, scheduled_at: str) -> None:
        self._due = datetime.fromisoformat(scheduled_at)
        self._changed = True

    @workflow.signal
    def publish_now(self) -> None:
        self._now_requested = True

    @workflow.query
    def state(self) -> str:
        return self._state

    @workflow.run
    async def run(self, request: PublishInput) -> PostFinished:
        ref = PostRef(tenant_id=request.tenant_id, post_id=request.post_id)
        if self._due is None:
            self._due = datetime.fromisoformat(request.scheduled_at)
        while True:
            await self._wait_until_due()
            if self._cancelled:
                if await self._cancel(ref):
                    self._state = PostStatus.CANCELLED
                    return PostFinished(request.post_id, PostStatus.CANCELLED)
                self._cancelled = False  # it went out before the signal: nothing to cancel
            self._state = PostStatus.PUBLISHING
            self._now_requested = False
            result = await self._publish(ref)
            if result.status in (Pause.QUOTA, Pause.OUTAGE) and result.wait_until:
                waiting = result.status == Pause.QUOTA
                self._state = PostStatus.WAITING_QUOTA if waiting else PostStatus.SCHEDULED
                self._due = datetime.fromisoformat(result.wait_until) + WAKE_SLACK
                continue
            self._state = result.status
            return PostFinished(request.post_id, result.status, result.reason)

    async def _publish(self, ref: PostRef) -> PublishResult:
        result: PublishResult
        if workflow.patched(LOCAL_PUBLISH):
            # No heartbeat: a worker that dies mid-publish fails its workflow task, whose
            # timeout hands the execution (and this activity) to another worker.
            result = await workflow.execute_local_activity_method(
                PublishActivities.publish,
                ref,
                start_to_close_timeout=PUBLISH_TIMEOUT,
                retry_policy=PUBLISH_RETRY,
            )
        else:
            result = await workflow.execute_activity_method(
                PublishActivities.publish,
                ref,
                start_to_close_timeout=PUBLISH_TIMEOUT,
                heartbeat_timeout=PUBLISH_HEARTBEAT,
                retry_policy=PUBLISH_RETRY,
            )
        return result

    async def _wait_until_due(self) -> None:
        while not (self._cancelled or self._now_requested):
            assert self._due is not None
            remaining = self._due - workflow.now()
            if remaining <= timedelta(0):
                return
            self._changed = False
            try:
                await workflow.wait_condition(
                    lambda: self._cancelled or self._now_requested or self._changed,
                    timeout=remaining,
                )
            except TimeoutError:
                return

    async def _cancel(self, ref: PostRef) -> bool:
        cancelled: bool = await workflow.execute_activity_method(
            PublishActivities.cancel,
            ref,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=BOOKKEEPING_RETRY,
        )
        return cancelled
