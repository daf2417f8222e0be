"""Workflows the orchestrator tests need besides PingWorkflow. A module of its own, with few
imports, because the workflow sandbox re-imports it for every run (a test module would drag
pytest and its plugins into every sandbox)."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel, Field

    from icop.orchestrator.diagnostics import PingActivities, PingInput, PingResult

QUICK = timedelta(seconds=10)
NO_RETRY = RetryPolicy(maximum_attempts=1)


class Brief(BaseModel):
    """A Pydantic workflow input: the pydantic data converter must carry it both ways."""

    tenant_id: str
    topic: str = Field(min_length=1)
    keywords: list[str] = []


class Outline(BaseModel):
    tenant_id: str
    title: str
    sections: list[str]


@workflow.defn(name="OutlineWorkflow")
class OutlineWorkflow:
    @workflow.run
    async def run(self, brief: Brief) -> Outline:
        return Outline(
            tenant_id=brief.tenant_id,
            title=brief.topic.title(),
            sections=[f"About {keyword}" for keyword in brief.keywords],
        )


@dataclass(frozen=True)
class FanOutInput:
    tenant_id: str
    jobs: int
    job_s: float


@dataclass
class ConcurrencyProbe:
    """Counts how many ``job`` activities run at once in this process."""

    running: int = 0
    peak: int = 0
    finished: int = 0
    completed: int = 0
    """Jobs that ran to the end (not cancelled)."""
    started: asyncio.Event = field(default_factory=asyncio.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @activity.defn(name="job")
    async def job(self, seconds: float) -> int:
        with self._lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        self.started.set()
        try:
            await asyncio.sleep(seconds)
            with self._lock:
                self.completed += 1
        finally:
            with self._lock:
                self.running -= 1
                self.finished += 1
        return activity.info().attempt


@workflow.defn(name="FanOutWorkflow")
class FanOutWorkflow:
    @workflow.run
    async def run(self, request: FanOutInput) -> int:
        results = await asyncio.gather(
            *(
                workflow.execute_activity_method(
                    ConcurrencyProbe.job,
                    request.job_s,
                    start_to_close_timeout=QUICK,
                    retry_policy=NO_RETRY,
                )
                for _ in range(request.jobs)
            )
        )
        return len(results)


@activity.defn(name="blocking_echo")
def blocking_echo(text: str) -> str:
    """A synchronous activity: the worker must give it a thread pool."""
    return f"{text} from {threading.current_thread().name}"


@workflow.defn(name="BlockingEchoWorkflow")
class BlockingEchoWorkflow:
    @workflow.run
    async def run(self, text: str) -> str:
        return await workflow.execute_activity(
            blocking_echo, text, start_to_close_timeout=QUICK, retry_policy=NO_RETRY
        )


@workflow.defn(name="PingWorkflow")
class ChangedPingWorkflow:
    """PingWorkflow as a careless edit would leave it: the timer is gone. Replaying a saved
    history of the real one against this must fail with a nondeterminism error."""

    @workflow.run
    async def run(self, request: PingInput) -> PingResult:
        reply = await workflow.execute_activity_method(
            PingActivities.ping, request, start_to_close_timeout=QUICK
        )
        return PingResult(
            tenant_id=request.tenant_id,
            workflow_id=workflow.info().workflow_id,
            started_at=workflow.now(),
            reply=reply,
        )


@activity.defn(name="busy_once")
async def busy_once(text: str) -> str:
    """Fails its first attempt with one of our own (expected) errors, then answers."""
    from icop.errors import ServiceUnavailable

    if activity.info().attempt == 1:
        raise ServiceUnavailable("the model is busy")
    return text


@workflow.defn(name="RetriedWorkflow")
class RetriedWorkflow:
    @workflow.run
    async def run(self, text: str) -> str:
        result: str = await workflow.execute_activity(
            busy_once,
            text,
            start_to_close_timeout=QUICK,
            retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=100)),
        )
        return result
