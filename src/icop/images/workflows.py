"""The image job as a Temporal workflow on the ``images`` queue.

One activity per provider, in the chain's order: Temporal retries each with backoff (longer
for GPU work, which runs on the ``gpu`` queue whose worker takes one job at a time), and when a
provider's retries are spent or its failure is final, the workflow moves to the next one. The
chain ends with the local renderer, so a job is never lost: at worst it gets a branded card.
Every attempt is recorded on the image row.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, TimeoutError

with workflow.unsafe.imports_passed_through():
    from icop.images.activities import ImageActivities
    from icop.images.jobs import ImageJob, JobOutcome, ProviderCall, StoredImage
    from icop.models.image import ImageStatus

ROW_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=1.5,
    maximum_interval=timedelta(seconds=10),
    maximum_attempts=10,
)
PROVIDER_TIMEOUT = timedelta(minutes=5)
GPU_TIMEOUT = timedelta(minutes=15)
# Activities heartbeat every few seconds while they wait on a provider: a worker that died
# mid-job is noticed in a minute, not after the whole timeout.
HEARTBEAT = timedelta(seconds=60)


@workflow.defn(name="ImageGenerationWorkflow")
class ImageGenerationWorkflow:
    def __init__(self) -> None:
        self._attempts: list[dict[str, Any]] = []
        self._current: str | None = None

    @workflow.query(name="progress")
    def progress(self) -> dict[str, Any]:
        return {"provider": self._current, "attempts": list(self._attempts)}

    @workflow.run
    async def run(self, job: ImageJob) -> JobOutcome:
        await workflow.execute_activity_method(
            ImageActivities.mark_running,
            job,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=ROW_RETRY,
        )
        stored: StoredImage | None = None
        for name in job.chain:
            self._current = name
            gpu = name in job.gpu_providers
            tuning = job.retry
            try:
                stored = await workflow.execute_activity_method(
                    ImageActivities.generate_image,
                    ProviderCall(job=job, provider=name),
                    task_queue=job.gpu_task_queue if gpu else None,
                    start_to_close_timeout=GPU_TIMEOUT if gpu else PROVIDER_TIMEOUT,
                    heartbeat_timeout=HEARTBEAT,
                    retry_policy=RetryPolicy(
                        initial_interval=timedelta(
                            seconds=tuning.gpu_initial_s if gpu else tuning.initial_s
                        ),
                        backoff_coefficient=2.0,
                        maximum_interval=timedelta(
                            seconds=tuning.gpu_maximum_s if gpu else tuning.maximum_s
                        ),
                        maximum_attempts=tuning.gpu_attempts if gpu else tuning.attempts,
                    ),
                )
            except ActivityError as error:
                self._attempts.append(_failed_attempt(name, error))
                continue
            self._attempts.append({"provider": name, "outcome": "ok", "detail": None})
            break
        self._current = None
        outcome = JobOutcome(
            tenant_id=job.tenant_id,
            image_id=job.image_id,
            status=ImageStatus.READY if stored else ImageStatus.FAILED,
            image=stored,
            attempts=list(self._attempts),
            error=None if stored else _summary(self._attempts),
        )
        await workflow.execute_activity_method(
            ImageActivities.record_outcome,
            outcome,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=ROW_RETRY,
        )
        return outcome


def _failed_attempt(provider: str, error: ActivityError) -> dict[str, Any]:
    cause = error.cause
    if isinstance(cause, ApplicationError):
        return {"provider": provider, "outcome": cause.type or "error", "detail": cause.message}
    if isinstance(cause, TimeoutError):
        return {"provider": provider, "outcome": "timeout", "detail": str(cause.type)}
    return {"provider": provider, "outcome": "error", "detail": str(cause or error)}


def _summary(attempts: list[dict[str, Any]]) -> str:
    parts = [f"{a['provider']}: {a.get('detail') or a['outcome']}" for a in attempts]
    return "every image provider failed: " + "; ".join(parts) if parts else "no providers"
