"""OpenTelemetry tracing: set up once per process, exported over OTLP/HTTP only when asked.

With ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) set, spans
go to that collector (Jaeger accepts OTLP on :4318); otherwise no SDK provider is installed,
so every span below is the API's no-op span: nothing is recorded, exported or logged.
``OTEL_SDK_DISABLED=true`` turns it off even with an endpoint. The exporter reads the other
standard variables itself (``OTEL_EXPORTER_OTLP_HEADERS``, ``…_TIMEOUT``, ``OTEL_SERVICE_NAME``
overrides the per-process name, ``OTEL_RESOURCE_ATTRIBUTES`` adds attributes).

The chain: the API's middleware continues a caller's W3C ``traceparent``; Temporal's
``TracingInterceptor`` (on every client from ``icop.orchestrator.connection.connect``) carries
the context into workflows and activities; model calls and outgoing platform calls open
child spans here.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import httpx
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from icop import __version__
from icop.observability.metrics import record_http_client_request

logger = logging.getLogger(__name__)

INSTRUMENTATION = "icop"
PROPAGATOR = TraceContextTextMapPropagator()
_installed: Any = None  # the SDK TracerProvider this process installed, if any


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def exporting_enabled(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    if _truthy(env.get("OTEL_SDK_DISABLED")):
        return False
    return bool(
        env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").strip()
        or env.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip()
    )


def setup_tracing(service_name: str, environ: Mapping[str, str] | None = None) -> bool:
    """Install the SDK provider with the OTLP/HTTP exporter; True when spans are exported.

    Idempotent: the first call in a process wins (the API's lifespan, a worker's start-up or
    a CLI command), later ones only report. Imports the SDK only when it is needed.
    """
    global _installed
    if _installed is not None:
        return True
    if not exporting_enabled(environ):
        return False
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    env = os.environ if environ is None else environ
    resource = Resource.create(
        {
            "service.name": env.get("OTEL_SERVICE_NAME", "").strip() or service_name,
            "service.version": __version__,
        }
    )
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _installed = provider
    logger.info("tracing: exporting spans of %s over OTLP", service_name)
    return True


def flush_tracing(timeout_s: float = 5.0) -> None:
    """Export what is buffered (before a process exits without interpreter finalisation)."""
    if _installed is not None:
        _installed.force_flush(int(timeout_s * 1000))


def tracer() -> Tracer:
    return trace.get_tracer(INSTRUMENTATION, __version__)


def worker_service_name(queues: list[str]) -> str:
    return "icop-worker-" + ("all" if len(queues) > 1 else queues[0] if queues else "all")


# -- the article graph's nodes ---------------------------------------------------------------


@contextmanager
def graph_node_span(step: str, *, article_id: str) -> Iterator[Span]:
    """A span around one node of the article graph (``node writer_a`` …): inside the
    activity's span, around the node's model calls. An exception ends it as an error."""
    with tracer().start_as_current_span(
        f"node {step}",
        kind=SpanKind.INTERNAL,
        attributes={"icop.graph.node": step, "icop.article_id": article_id},
    ) as span:
        yield span


# -- the platform's own stages ---------------------------------------------------------------


@contextmanager
def stage_span(name: str, **attributes: str | int | float) -> Iterator[Span]:
    """A span around one of the platform's own stages between model calls (sub-topic
    clustering, an embedding pass, a model load, a checkpoint write, image rendering, a
    storage write, a poll's wait): what ``benchmarks.e2e --profile`` breaks the critical path
    down by. The API's no-op span when no SDK is installed, so it costs next to nothing."""
    with tracer().start_as_current_span(
        name, kind=SpanKind.INTERNAL, attributes={f"icop.{k}": v for k, v in attributes.items()}
    ) as span:
        yield span


# -- model calls -----------------------------------------------------------------------------

# Debugging only: ICOP_TRACE_PROMPTS=true also puts the prompt (system text and inputs,
# truncated) on each routed call's span. Off by default: prompts carry tenants' content.
TRACE_PROMPTS_VARIABLE = "ICOP_TRACE_PROMPTS"
PROMPT_ATTRIBUTE_CHARS = 8000


def prompt_capture_enabled(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return _truthy(env.get(TRACE_PROMPTS_VARIABLE))


def set_model_prompt(span: Span, *, system: str, inputs: Mapping[str, Any]) -> None:
    """The prompt on the span, only when prompt capture is on (debugging)."""
    if not span.is_recording() or not prompt_capture_enabled():
        return
    span.set_attributes(
        {
            "icop.llm.system_prompt": system[:PROMPT_ATTRIBUTE_CHARS],
            "icop.llm.inputs": json.dumps(inputs, default=str)[:PROMPT_ATTRIBUTE_CHARS],
        }
    )


@contextmanager
def model_span(name: str, **attributes: str | int | float) -> Iterator[Span]:
    """A span around a routed model call (``task=…``) or one provider attempt (``provider=…,
    model=…``). Attributes describe the call (task, provider, model, tokens, cost), never the
    prompt or the answer."""
    with tracer().start_as_current_span(
        name, kind=SpanKind.CLIENT, attributes=_llm(attributes)
    ) as span:
        yield span


def set_model_result(
    span: Span,
    *,
    provider: str | None,
    model: str | None,
    prompt_tokens: int,
    completion_tokens: int,
    cost_usd: Decimal | None = None,
) -> None:
    if not span.is_recording():
        return
    attributes: dict[str, str | int | float] = {
        "gen_ai.usage.input_tokens": prompt_tokens,
        "gen_ai.usage.output_tokens": completion_tokens,
    }
    if provider:
        attributes["gen_ai.system"] = provider
    if model:
        attributes["gen_ai.response.model"] = model
    if cost_usd is not None:
        attributes["icop.llm.cost_usd"] = float(cost_usd)
    span.set_attributes(attributes)


def _llm(attributes: Mapping[str, str | int | float]) -> dict[str, str | int | float]:
    names = {"provider": "gen_ai.system", "model": "gen_ai.request.model"}
    return {names.get(key, f"icop.llm.{key}"): value for key, value in attributes.items()}


# -- outgoing HTTP (platform APIs) -----------------------------------------------------------


class TracingTransport(httpx.AsyncBaseTransport):
    """Wraps a transport: a CLIENT span per request with ``traceparent`` injected, and the
    ``icop_http_client_request_duration_seconds`` histogram. Works under respx, which mocks
    the wrapped transport."""

    def __init__(self, inner: httpx.AsyncBaseTransport, *, peer: str) -> None:
        self.inner = inner
        self.peer = peer

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        with tracer().start_as_current_span(
            f"{request.method} {self.peer}",
            kind=SpanKind.CLIENT,
            # The path only: query strings of platform APIs may carry access tokens.
            attributes={
                "http.request.method": request.method,
                "server.address": request.url.host,
                "url.path": request.url.path,
                "icop.peer": self.peer,
            },
        ) as span:
            PROPAGATOR.inject(request.headers)
            try:
                response = await self.inner.handle_async_request(request)
            except BaseException:
                # No answer (timeout, refused, dropped): the span records the exception.
                record_http_client_request(
                    self.peer, request.method, None, time.perf_counter() - started
                )
                raise
            status = response.status_code
            record_http_client_request(
                self.peer, request.method, status, time.perf_counter() - started
            )
            span.set_attribute("http.response.status_code", status)
            if status >= 500:
                span.set_status(Status(StatusCode.ERROR))
            return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def traced_transport(
    peer: str, inner: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncBaseTransport:
    return TracingTransport(inner or httpx.AsyncHTTPTransport(), peer=peer)


def traced_http_client(
    peer: str, *, transport: httpx.AsyncBaseTransport | None = None, **kwargs: Any
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` whose every request is traced and timed under ``peer`` (a
    bounded name such as ``facebook``, ``instagram``, ``threads``, ``x``)."""
    return httpx.AsyncClient(transport=traced_transport(peer, transport), **kwargs)
