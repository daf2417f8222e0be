"""Prometheus metrics: one registry per process, served at ``/metrics`` by the API and by each
``icop worker`` process (``ICOP_WORKER_METRICS_PORT``).

Label values are bounded on purpose: routes are templates (``/api/v1/posts/{post_id}``, never
the id), model names come from the routing policy, platforms and outcomes from fixed sets.
Code elsewhere records through the small functions below rather than touching the metric
objects, so names and labels stay in one place.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from icop import __version__

logger = logging.getLogger(__name__)

__all__ = [
    "CONTENT_TYPE_LATEST",
    "REGISTRY",
    "exposition",
    "record_activity",
    "record_build_info",
    "record_circuit_change",
    "record_http_client_request",
    "record_http_request",
    "record_model_call",
    "record_monitor_check",
    "record_outbox_failure",
    "record_outbox_published",
    "record_publish",
    "record_quota_refusal",
    "record_quota_threshold",
    "record_quota_wait",
    "record_schedule_health",
    "record_task_queue_pollers",
    "record_workflow",
    "start_metrics_server",
    "watch_disk",
    "watch_pool",
]

# The process's default registry: it also carries the process_* and python_* collectors.
_REGISTRY: CollectorRegistry = REGISTRY

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
_ACTIVITY_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800)
# Quota waits run from a second (a 429's reset) to a day (Threads' 24 h window).
_QUOTA_BUCKETS = (1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 12 * 3600, 24 * 3600)

HTTP_REQUESTS = Counter(
    "icop_http_requests_total",
    "API requests by route template, method and status code.",
    ["method", "route", "status"],
    registry=_REGISTRY,
)
HTTP_LATENCY = Histogram(
    "icop_http_request_duration_seconds",
    "API request latency by route template, method and status code.",
    ["method", "route", "status"],
    buckets=_LATENCY_BUCKETS,
    registry=_REGISTRY,
)
HTTP_CLIENT_LATENCY = Histogram(
    "icop_http_client_request_duration_seconds",
    "Outgoing HTTP calls (platform APIs) by peer, method and status ('error': no answer).",
    ["peer", "method", "status"],
    buckets=_LATENCY_BUCKETS,
    registry=_REGISTRY,
)
WORKFLOWS = Counter(
    "icop_workflows_total",
    "Workflow runs that ended in this worker, by type, task queue and outcome.",
    ["workflow_type", "task_queue", "outcome"],
    registry=_REGISTRY,
)
ACTIVITIES = Counter(
    "icop_activities_total",
    "Activity attempts by type, task queue and outcome.",
    ["activity_type", "task_queue", "outcome"],
    registry=_REGISTRY,
)
ACTIVITY_LATENCY = Histogram(
    "icop_activity_duration_seconds",
    "Activity attempt duration by type and task queue.",
    ["activity_type", "task_queue"],
    buckets=_ACTIVITY_BUCKETS,
    registry=_REGISTRY,
)
MODEL_CALLS = Counter(
    "icop_model_calls_total",
    "Routed model calls by task, the provider and model that answered, and status.",
    ["task", "provider", "model", "status"],
    registry=_REGISTRY,
)
MODEL_TOKENS = Counter(
    "icop_model_tokens_total",
    "Model tokens by task, provider, model and kind (prompt or completion).",
    ["task", "provider", "model", "kind"],
    registry=_REGISTRY,
)
MODEL_COST = Counter(
    "icop_model_cost_usd_total",
    "Model spend in US dollars by task, provider and model.",
    ["task", "provider", "model"],
    registry=_REGISTRY,
)
PUBLISHES = Counter(
    "icop_publish_total",
    "Publish attempts by platform and outcome (published, failed, unconfirmed, ...).",
    ["platform", "outcome"],
    registry=_REGISTRY,
)
QUOTA_WAITS = Histogram(
    "icop_quota_wait_seconds",
    "How long a publish waited for a platform's quota window or rate-limit reset.",
    ["platform"],
    buckets=_QUOTA_BUCKETS,
    registry=_REGISTRY,
)
OUTBOX_PUBLISHED = Counter(
    "icop_outbox_published_total",
    "Outbox events the broker confirmed, by event type.",
    ["event_type"],
    registry=_REGISTRY,
)
OUTBOX_FAILURES = Counter(
    "icop_outbox_relay_failures_total",
    "Relay failures by reason (broker unreachable, message rejected, ...).",
    ["reason"],
    registry=_REGISTRY,
)
TASK_QUEUE_POLLERS = Gauge(
    "icop_task_queue_pollers",
    "Workers that polled the task queue recently, by queue and kind (workflow, activity), "
    "as Temporal describes it to the API's monitor.",
    ["task_queue", "kind"],
    registry=_REGISTRY,
)
CIRCUITS_OPEN = Gauge(
    "icop_model_circuits_open",
    "Model provider circuits not closed (open or probing) in this process, by provider and "
    "scope ('shared': the platform's own key; 'tenant': tenants' own keys, summed).",
    ["provider", "scope"],
    registry=_REGISTRY,
)
QUOTA_THRESHOLDS = Counter(
    "icop_quota_threshold_crossings_total",
    "A tenant's monthly usage crossed a share (0.8, 0.9) of its plan's quota, by metric.",
    ["metric", "threshold"],
    registry=_REGISTRY,
)
QUOTA_REFUSALS = Counter(
    "icop_quota_refusals_total",
    "Work refused because a tenant's monthly quota was exhausted, by metric.",
    ["metric"],
    registry=_REGISTRY,
)
SCHEDULES = Gauge(
    "icop_schedules",
    "Temporal schedules seen by the last check, by kind (pipeline, trend, ...).",
    ["kind"],
    registry=_REGISTRY,
)
SCHEDULES_MISSED = Gauge(
    "icop_schedule_missed_runs",
    "Firings the schedules of a kind skipped because they were past the catch-up window "
    "(Temporal's count over each schedule's life: an increase is a missed run).",
    ["kind"],
    registry=_REGISTRY,
)
SCHEDULES_OVERDUE = Gauge(
    "icop_schedules_overdue",
    "Active schedules whose next firing is overdue by more than the grace period.",
    ["kind"],
    registry=_REGISTRY,
)
MONITOR_CHECKS = Gauge(
    "icop_monitor_check_timestamp_seconds",
    "When the API's monitor last completed a check (task_queues, schedules), Unix time.",
    ["check"],
    registry=_REGISTRY,
)
BUILD = Info("icop_build", "The running ICOP version and build.", registry=_REGISTRY)


def record_build_info(process: str, build_id: str | None = None) -> None:
    BUILD.info(
        {"version": __version__, "build_id": build_id or f"icop-{__version__}", "process": process}
    )


def record_http_request(method: str, route: str, status: int, seconds: float) -> None:
    labels = (method, route, str(status))
    HTTP_REQUESTS.labels(*labels).inc()
    HTTP_LATENCY.labels(*labels).observe(seconds)


def record_http_client_request(peer: str, method: str, status: int | None, seconds: float) -> None:
    HTTP_CLIENT_LATENCY.labels(peer, method, str(status) if status else "error").observe(seconds)


def record_workflow(workflow_type: str, task_queue: str, outcome: str) -> None:
    WORKFLOWS.labels(workflow_type, task_queue, outcome).inc()


def record_activity(activity_type: str, task_queue: str, outcome: str, seconds: float) -> None:
    ACTIVITIES.labels(activity_type, task_queue, outcome).inc()
    ACTIVITY_LATENCY.labels(activity_type, task_queue).observe(seconds)


def record_model_call(
    *,
    task: str,
    status: str,
    provider: str | None,
    model: str | None,
    prompt_tokens: int,
    completion_tokens: int,
    cost_usd: Decimal,
) -> None:
    """One routed call (all its attempts together), as the ledger records it."""
    provider_label, model_label = provider or "none", model or "none"
    MODEL_CALLS.labels(task, provider_label, model_label, status).inc()
    if prompt_tokens:
        MODEL_TOKENS.labels(task, provider_label, model_label, "prompt").inc(prompt_tokens)
    if completion_tokens:
        MODEL_TOKENS.labels(task, provider_label, model_label, "completion").inc(completion_tokens)
    if cost_usd:
        MODEL_COST.labels(task, provider_label, model_label).inc(float(cost_usd))


def record_publish(platform: str, outcome: str) -> None:
    """A publish attempt's end: ``published``, ``failed``, ``unconfirmed``, ``rate_limited``…"""
    PUBLISHES.labels(platform, outcome).inc()


def record_quota_wait(platform: str, seconds: float) -> None:
    """A publish delayed by a quota window or a rate-limit reset, once per wait."""
    QUOTA_WAITS.labels(platform).observe(max(seconds, 0.0))


def record_outbox_published(event_type: str, count: int = 1) -> None:
    OUTBOX_PUBLISHED.labels(event_type).inc(count)


def record_outbox_failure(reason: str) -> None:
    OUTBOX_FAILURES.labels(reason).inc()


def record_task_queue_pollers(task_queue: str, kind: str, pollers: int) -> None:
    TASK_QUEUE_POLLERS.labels(task_queue, kind).set(pollers)


def record_monitor_check(check: str, at: float) -> None:
    MONITOR_CHECKS.labels(check).set(at)


def record_circuit_change(provider: str, is_open: bool, *, shared: bool) -> None:
    """A provider's circuit opened (``is_open``) or closed again."""
    gauge = CIRCUITS_OPEN.labels(provider, "shared" if shared else "tenant")
    if is_open:
        gauge.inc()
    else:
        gauge.dec()


def record_quota_threshold(metric: str, threshold: str) -> None:
    QUOTA_THRESHOLDS.labels(metric, threshold).inc()


def record_quota_refusal(metric: str) -> None:
    QUOTA_REFUSALS.labels(metric).inc()


def record_schedule_health(kind: str, *, schedules: int, missed: int, overdue: int) -> None:
    SCHEDULES.labels(kind).set(schedules)
    SCHEDULES_MISSED.labels(kind).set(missed)
    SCHEDULES_OVERDUE.labels(kind).set(overdue)


class _DiskCollector(Collector):
    """Free and total bytes of the filesystems holding ICOP's data, read at scrape time."""

    def __init__(self) -> None:
        self.paths: dict[str, Path] = {}
        self.lock = threading.Lock()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        free = GaugeMetricFamily(
            "icop_disk_free_bytes", "Bytes free for ICOP's data, by use.", labels=["use"]
        )
        size = GaugeMetricFamily(
            "icop_disk_size_bytes", "Size of the filesystem holding ICOP's data.", labels=["use"]
        )
        with self.lock:
            paths = dict(self.paths)
        for use, path in sorted(paths.items()):
            try:
                usage = shutil.disk_usage(path)
            except OSError:
                continue  # not there (yet): absent rather than a made-up number
            free.add_metric([use], usage.free)
            size.add_metric([use], usage.total)
        yield free
        yield size


PoolReading = Callable[[], tuple[int, int]]
"""(connections checked out, connections the pool may open at most)."""


class _PoolCollector(Collector):
    """The database connection pools of this process, read at scrape time."""

    def __init__(self) -> None:
        self.pools: dict[str, PoolReading] = {}
        self.lock = threading.Lock()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        used = GaugeMetricFamily(
            "icop_db_pool_checked_out",
            "Database connections in use, by pool.",
            labels=["pool"],
        )
        limit = GaugeMetricFamily(
            "icop_db_pool_limit",
            "Connections the pool may hold at most (pool size plus overflow), by pool.",
            labels=["pool"],
        )
        with self.lock:
            pools = dict(self.pools)
        for name, read in sorted(pools.items()):
            checked_out, most = read()
            used.add_metric([name], checked_out)
            limit.add_metric([name], most)
        yield used
        yield limit


_DISKS = _DiskCollector()
_POOLS = _PoolCollector()
_REGISTRY.register(_DISKS)
_REGISTRY.register(_POOLS)


def watch_disk(use: str, path: Path) -> None:
    """Export the free space of the filesystem holding ``path`` as ``use`` (data, storage)."""
    with _DISKS.lock:
        _DISKS.paths[use] = path


def watch_pool(name: str, read: PoolReading) -> None:
    """Export a connection pool's use; a second pool of the same name replaces the first."""
    with _POOLS.lock:
        _POOLS.pools[name] = read


def exposition() -> bytes:
    """The registry in Prometheus' text format (``GET /metrics``)."""
    return generate_latest(_REGISTRY)


def start_metrics_server(port: int, host: str = "127.0.0.1") -> bool:
    """``/metrics`` on its own port for a worker process; port 0 disables it."""
    if port <= 0:
        return False
    start_http_server(port, addr=host, registry=_REGISTRY)
    logger.info("metrics at http://%s:%d/metrics", host, port)
    return True
