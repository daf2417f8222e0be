"""Prometheus metrics: one registry per process, served at ``/metrics`` by the API and by each
``icop worker`` process (``ICOP_WORKER_METRICS_PORT``).

Label values are bounded on purpose: routes are templates (``/api/v1/posts/{post_id}``, never
the id), model names come from the routing policy, platforms and outcomes from fixed sets.
Code elsewhere records through the small functions below rather than touching the metric
objects, so names and labels stay in one place.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    Info,
    generate_latest,
    start_http_server,
)

from icop import __version__

logger = logging.getLogger(__name__)

__all__ = [
    "CONTENT_TYPE_LATEST",
    "REGISTRY",
    "exposition",
    "record_activity",
    "record_build_info",
    "record_http_client_request",
    "record_http_request",
    "record_model_call",
    "record_outbox_failure",
    "record_outbox_published",
    "record_publish",
    "record_quota_wait",
    "record_workflow",
    "start_metrics_server",
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
