"""The video as a Temporal workflow.

Plan once; then every segment concurrently, each in its own loop: render (Temporal retries a
provider's transient failures with backoff; a segment whose provider needs a GPU runs on the
``gpu`` queue), review, and when the reviewer refuses it, regenerate *that segment alone* with
a new seed, up to ``job.max_attempts``. Every attempt's cost is kept per segment. Then the
edit. A segment still refused after its last attempt is used anyway and reported: a video with
one weak shot beats none.

Activities are called by name (``video.*``, ``activities.py``), so this module, which the
service imports to start the workflow, does not import the encoder."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from icop.orchestrator.queues import TaskQueue
    from icop.video.jobs import SegmentCall, StoredSegment, VideoJob, VideoOutcome

PLAN_TIMEOUT = timedelta(minutes=10)
SEGMENT_TIMEOUT = timedelta(minutes=15)
ASSEMBLE_TIMEOUT = timedelta(minutes=10)
RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=60),
    maximum_attempts=4,
)


@workflow.defn(name="VideoWorkflow")
class VideoWorkflow:
    def __init__(self) -> None:
        self._segments: dict[int, list[StoredSegment]] = {}

    @workflow.query(name="progress")
    def progress(self) -> dict[str, object]:
        return {
            str(index): [
                {"attempt": s.attempt, "ok": s.ok, "reasons": s.reasons, "cost_usd": s.cost_usd}
                for s in attempts
            ]
            for index, attempts in sorted(self._segments.items())
        }

    @workflow.run
    async def run(self, job: VideoJob) -> VideoOutcome:
        try:
            plan: str = await workflow.execute_activity(
                "video.plan",
                job,
                result_type=str,
                start_to_close_timeout=PLAN_TIMEOUT,
                retry_policy=RETRY,
            )
            count = len(_scenes(plan))
            finals = await asyncio.gather(*(self._segment(job, plan, i) for i in range(count)))
            outcome: VideoOutcome = await workflow.execute_activity(
                "video.assemble",
                args=[job, plan, [segment.key for segment in finals]],
                result_type=VideoOutcome,
                start_to_close_timeout=ASSEMBLE_TIMEOUT,
                retry_policy=RETRY,
            )
        except ActivityError as error:
            cause = error.cause
            detail = cause.message if isinstance(cause, ApplicationError) else str(cause or error)
            await workflow.execute_activity(
                "video.fail",
                args=[job, detail],
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=RETRY,
            )
            return VideoOutcome(
                job.video_id, None, None, 0.0, self._all(), [], self._cost(), detail
            )
        outcome.segments = self._all()
        outcome.cost_usd = self._cost()
        return outcome

    def _all(self) -> list[StoredSegment]:
        return [s for index in sorted(self._segments) for s in self._segments[index]]

    def _cost(self) -> float:
        return round(sum(s.cost_usd for s in self._all()), 4)

    async def _segment(self, job: VideoJob, plan: str, index: int) -> StoredSegment:
        attempts = self._segments.setdefault(index, [])
        for attempt in range(1, job.max_attempts + 1):
            stored: StoredSegment = await workflow.execute_activity(
                "video.render_segment",
                SegmentCall(job=job, plan=plan, index=index, attempt=attempt),
                result_type=StoredSegment,
                task_queue=_gpu_queue() if job.gpu_provider else None,
                start_to_close_timeout=SEGMENT_TIMEOUT,
                retry_policy=RETRY,
            )
            attempts.append(stored)
            if stored.ok:
                return stored
        return attempts[-1]


def _gpu_queue() -> str:
    """The ``gpu`` queue under the same prefix as the queue this workflow runs on
    (``TemporalSettings.queue_name``): the request that started it need not know Temporal."""
    own = workflow.info().task_queue
    return own.removesuffix(TaskQueue.IMAGES.value) + TaskQueue.GPU.value


def _scenes(plan: str) -> list[object]:
    scenes: list[object] = json.loads(plan)["scenes"]
    return scenes
