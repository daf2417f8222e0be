"""Workers: a registry says which workflows and activities run on which task queue; one
process runs a ``temporalio.worker.Worker`` per queue it was asked to serve.

The same code runs all queues inside ``icop up`` (embedded default) and one queue per process
with ``icop worker --queue NAME`` on other machines; only the list of queues differs. What each
service registers, over the process's clients, is composed in ``icop.runtime.workers``.

Activities may also come from an *activity provider*: an async context manager that opens
clients when the worker starts, yields the bound activity methods and closes the clients after
the worker has drained.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import os
import signal
import sys
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, NoReturn, TypeVar

from temporalio.client import Client, Interceptor
from temporalio.common import WorkerDeploymentVersion
from temporalio.worker import Worker, WorkerDeploymentConfig

from icop.errors import ConfigurationError
from icop.observability.tracing import flush_tracing
from icop.orchestrator.connection import LazyClient, TemporalSettings, connect
from icop.orchestrator.dev_server import ensure_server
from icop.orchestrator.diagnostics import PingActivities, PingWorkflow
from icop.orchestrator.queues import QUEUE_DEFAULTS, QueueDefaults, TaskQueue

logger = logging.getLogger(__name__)

Activity = Callable[..., Any]
T = TypeVar("T")

DEFAULT_GRACEFUL_SHUTDOWN = timedelta(seconds=20)


@dataclass(frozen=True)
class WorkerContext:
    """What an activity provider gets to build its clients from."""

    client: Client
    settings: TemporalSettings
    queue: TaskQueue


ActivityProvider = Callable[[WorkerContext], AbstractAsyncContextManager[Sequence[Activity]]]
Sidecar = Callable[[], AbstractAsyncContextManager[Any]]
Warmup = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class WorkerBundle:
    queue: TaskQueue
    workflows: tuple[type, ...] = ()
    activities: tuple[Activity, ...] = ()
    providers: tuple[ActivityProvider, ...] = ()
    source: str = ""


@dataclass
class WorkerRegistry:
    bundles: list[WorkerBundle] = field(default_factory=list)
    warmups: list[tuple[TaskQueue, Warmup]] = field(default_factory=list)
    """What a queue's activities load on first use (models, heavy imports), loaded in the
    background as soon as its worker polls: the first request then finds it warm."""

    def register_warmup(self, queue: TaskQueue, warmup: Warmup) -> None:
        self.warmups.append((TaskQueue(queue), warmup))

    async def warm_up(self, queues: Iterable[TaskQueue]) -> None:
        """Run the warm-ups of ``queues``, one after another (they are CPU work: together
        they would only contend for the cores). A failing one is logged; the activity that
        needs it loads it again, and fails there if it must."""
        served = {TaskQueue(queue) for queue in queues}
        for warmup in _unique(w for queue, w in self.warmups if queue in served):
            try:
                await warmup()
            except Exception:
                logger.warning("worker warm-up %r failed", warmup, exc_info=True)

    def register(
        self,
        queue: TaskQueue,
        *,
        workflows: Iterable[type] = (),
        activities: Iterable[Activity] = (),
        activity_provider: ActivityProvider | None = None,
        source: str = "",
    ) -> None:
        bundle = WorkerBundle(
            queue=TaskQueue(queue),
            workflows=tuple(workflows),
            activities=tuple(activities),
            providers=(activity_provider,) if activity_provider else (),
            source=source,
        )
        if not (bundle.workflows or bundle.activities or bundle.providers):
            raise ConfigurationError(f"{source or 'a service'} registered nothing on {queue}")
        self.bundles.append(bundle)

    def register_everywhere(self, **kwargs: Any) -> None:
        for queue in TaskQueue:
            self.register(queue, **kwargs)

    def queues(self) -> list[TaskQueue]:
        return [queue for queue in TaskQueue if any(b.queue == queue for b in self.bundles)]

    def workflows(self, queue: TaskQueue) -> list[type]:
        return _unique(w for b in self.bundles if b.queue == queue for w in b.workflows)

    def activities(self, queue: TaskQueue) -> list[Activity]:
        return _unique(a for b in self.bundles if b.queue == queue for a in b.activities)

    def providers(self, queue: TaskQueue) -> list[ActivityProvider]:
        return _unique(p for b in self.bundles if b.queue == queue for p in b.providers)


def _unique(items: Iterable[T]) -> list[T]:
    # Two services may register one shared workflow; the SDK rejects duplicate names, so keep
    # one of each (bound methods of one instance compare equal).
    seen: list[T] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def register_diagnostics(registry: WorkerRegistry) -> None:
    registry.register_everywhere(
        workflows=[PingWorkflow], activities=[PingActivities().ping], source="diagnostics"
    )


def diagnostics_registry() -> WorkerRegistry:
    """A registry with the ping workflow on every queue (``icop.orchestrator.diagnostics``);
    the services add theirs (``icop.runtime.workers.service_registry``)."""
    registry = WorkerRegistry()
    register_diagnostics(registry)
    return registry


async def run_workers(
    client: Client,
    queues: Sequence[TaskQueue],
    registry: WorkerRegistry,
    stop_event: asyncio.Event,
    *,
    settings: TemporalSettings | None = None,
    limits: Mapping[TaskQueue, QueueDefaults] = QUEUE_DEFAULTS,
    graceful_shutdown: timedelta = DEFAULT_GRACEFUL_SHUTDOWN,
) -> None:
    """Serve ``queues`` until ``stop_event`` is set, the task is cancelled or a worker fails.

    Shutdown is graceful: pollers stop, running activities get ``graceful_shutdown`` to finish
    before they are cancelled, and only then are the activity providers' clients closed. A
    worker's fatal error stops the others and is raised.
    """
    settings = settings or TemporalSettings()
    async with AsyncExitStack() as stack:
        workers = [
            await _build_worker(stack, client, settings, queue, registry, limits, graceful_shutdown)
            for queue in _unique(TaskQueue(q) for q in queues)
        ]
        runs = [asyncio.create_task(w.run(), name=f"worker:{w.task_queue}") for w in workers]
        stop = asyncio.create_task(stop_event.wait(), name="workers:stop")
        logger.info("workers polling %s", ", ".join(w.task_queue for w in workers))
        warm = asyncio.create_task(registry.warm_up(queues), name="workers:warm-up")
        try:
            await asyncio.wait([*runs, stop], return_when=asyncio.FIRST_COMPLETED)
        finally:
            # Reached on stop, on a worker's failure and on cancellation alike.
            stop.cancel()
            warm.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await warm
            await asyncio.gather(*(w.shutdown() for w in workers))
            outcomes = await asyncio.gather(*runs, return_exceptions=True)
        failures = [o for o in outcomes if isinstance(o, Exception)]
        if failures:
            raise failures[0]


async def _build_worker(
    stack: AsyncExitStack,
    client: Client,
    settings: TemporalSettings,
    queue: TaskQueue,
    registry: WorkerRegistry,
    limits: Mapping[TaskQueue, QueueDefaults],
    graceful_shutdown: timedelta,
) -> Worker:
    activities = registry.activities(queue)
    context = WorkerContext(client=client, settings=settings, queue=queue)
    for provider in registry.providers(queue):
        activities.extend(await stack.enter_async_context(provider(context)))
    workflows = registry.workflows(queue)
    if not (workflows or activities):
        raise ConfigurationError(f"nothing is registered on task queue {queue}")
    limit = limits[queue]
    executor = None
    if any(not inspect.iscoroutinefunction(activity) for activity in activities):
        # The SDK runs synchronous activities only in an executor we hand it; size it to the
        # queue's concurrency so that the limit means the same for both kinds.
        executor = stack.enter_context(
            ThreadPoolExecutor(limit.max_concurrent_activities, thread_name_prefix=f"act-{queue}")
        )
    return Worker(
        client,
        task_queue=settings.queue_name(queue),
        workflows=workflows,
        activities=activities,
        activity_executor=executor,
        max_concurrent_activities=limit.max_concurrent_activities,
        # A queue's limit holds for the activities its workflows run locally too (publishing).
        max_concurrent_local_activities=limit.max_concurrent_activities,
        max_concurrent_workflow_tasks=limit.max_concurrent_workflow_tasks,
        graceful_shutdown_timeout=graceful_shutdown,
        deployment_config=deployment_config(settings.build_id),
    )


def deployment_config(build_id: str) -> WorkerDeploymentConfig:
    """Pass this to every ``Worker`` (tests' too).

    Naming the build ourselves skips the SDK's default: hashing the bytecode of every loaded
    module, ~4 s in a process that also holds the API (1,000+ modules). Versioning stays off:
    workflows are kept replay-compatible instead (the replay tests), so any worker may pick up
    any execution.
    """
    return WorkerDeploymentConfig(
        version=WorkerDeploymentVersion(deployment_name="icop", build_id=build_id),
        use_worker_versioning=False,
    )


@contextlib.asynccontextmanager
async def running_workers(
    client: Client,
    queues: Sequence[TaskQueue],
    registry: WorkerRegistry | None = None,
    *,
    settings: TemporalSettings | None = None,
    graceful_shutdown: timedelta = DEFAULT_GRACEFUL_SHUTDOWN,
) -> AsyncIterator[asyncio.Task[None]]:
    """Workers in the background of the current event loop, for an app's lifespan (``icop
    up``) and tests; leaving the block shuts them down gracefully."""
    stop = asyncio.Event()
    task = asyncio.create_task(
        run_workers(
            client,
            queues,
            registry or diagnostics_registry(),
            stop,
            settings=settings,
            graceful_shutdown=graceful_shutdown,
        ),
        name="icop-workers",
    )
    try:
        yield task
    finally:
        stop.set()
        await task


async def serve(
    settings: TemporalSettings,
    queues: Sequence[TaskQueue] | None = None,
    *,
    registry: WorkerRegistry | None = None,
    stop_event: asyncio.Event | None = None,
    interceptors: Sequence[Interceptor] = (),
    handle_signals: bool = True,
    sidecars: Sequence[Sidecar] = (),
    client: LazyClient | None = None,
) -> None:
    """``icop worker``: serve ``queues`` (all when omitted) until SIGINT/SIGTERM.

    With embedded settings it reuses the dev server of ``ICOP_HOME`` or starts it (and leaves
    it running for the other processes; ``icop down`` stops it). ``sidecars`` are background
    services of the same process (the outbox relay), entered before the workers start and
    left after they drained. ``client``: the process's own lazily connected client, when it
    has one (its activities start workflows), so that one connection serves both.
    """
    await ensure_server(settings)
    connected = (
        await client() if client is not None else await connect(settings, interceptors=interceptors)
    )
    stop = stop_event or asyncio.Event()
    async with AsyncExitStack() as stack:
        for sidecar in sidecars:
            await stack.enter_async_context(sidecar())
        with _stop_on_signals(stop) if handle_signals else contextlib.nullcontext():
            await run_workers(
                connected,
                list(queues or TaskQueue),
                registry or diagnostics_registry(),
                stop,
                settings=settings,
            )


def run_worker_process(
    settings: TemporalSettings,
    queues: Sequence[TaskQueue],
    sidecars: Sequence[Sidecar] = (),
    *,
    registry: WorkerRegistry | None = None,
    client: LazyClient | None = None,
) -> NoReturn:
    """The body of ``icop worker --queue NAME``: serve until SIGINT/SIGTERM, then leave the
    process with ``os._exit``.

    A plain return is not safe: the SDK's Rust core still holds threads that call into Python
    while the interpreter finalizes, which aborts the process (``Fatal Python error:
    PyGILState_Release``, sdk-python#300) and turns a clean stop into exit status 134. So the
    exit status is decided here, output is flushed, and finalization is skipped.
    """
    status = 0
    try:
        asyncio.run(serve(settings, queues, registry=registry, sidecars=sidecars, client=client))
    except KeyboardInterrupt:
        status = 130
    except Exception:
        logger.exception("worker stopped on an error")
        status = 1
    finally:
        flush_tracing()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(status)


@contextlib.contextmanager
def _stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError):
            # Not the main thread (or not Unix): the caller's stop_event is the only way.
            break
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
