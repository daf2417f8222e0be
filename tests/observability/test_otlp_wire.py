"""The spans on the wire: what the OTLP/HTTP exporter sends (Jaeger's :4318 in
deploy/docker-compose.yml) is decoded here as the collector decodes it — an
``ExportTraceServiceRequest`` protobuf at ``/v1/traces`` — by a small receiver in this process,
and the node → model call links, token counts and service name survive the trip; the prompt
does not, unless ICOP_TRACE_PROMPTS turns debugging on.

The span tree of a real run (API → workflow → activity → node → model call) is
tests/articles/test_trace.py; this is the same kind of spans, exported for real."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from opentelemetry.context import Context
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span as WireSpan
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor

from icop.observability import tracing
from tests.observability.spans import capture

SECRET = "zx-secret-prompt-77"


class Receiver:
    """An OTLP/HTTP trace receiver: decodes each POST to /v1/traces."""

    def __init__(self) -> None:
        self.requests: list[ExportTraceServiceRequest] = []
        self.paths: list[tuple[str, str]] = []
        received = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.paths.append((self.path, self.headers["Content-Type"]))
                request = ExportTraceServiceRequest()
                request.ParseFromString(body)
                received.requests.append(request)
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1/traces"

    def spans(self) -> list[tuple[dict[str, Any], WireSpan]]:
        """Each span with its resource's attributes."""
        return [
            (_attributes(resource_spans.resource.attributes), span)
            for request in self.requests
            for resource_spans in request.resource_spans
            for scope_spans in resource_spans.scope_spans
            for span in scope_spans.spans
        ]


def _attributes(values: Any) -> dict[str, Any]:
    def value(item: KeyValue) -> Any:
        kind = item.value.WhichOneof("value")
        return getattr(item.value, kind) if kind else None

    return {item.key: value(item) for item in values}


class _Export(SpanProcessor):
    """Sends finished spans to an OTLP exporter, as the process's BatchSpanProcessor does,
    with a fixed resource (the test provider's is the default one)."""

    def __init__(self, exporter: OTLPSpanExporter, resource: Resource) -> None:
        self.exporter = exporter
        self.resource = resource
        self.active = True

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        return

    def on_end(self, span: ReadableSpan) -> None:
        if self.active:
            self.exporter.export([_with_resource(span, self.resource)])


def _with_resource(span: ReadableSpan, resource: Resource) -> ReadableSpan:
    return ReadableSpan(
        name=span.name,
        context=span.context,
        parent=span.parent,
        resource=resource,
        attributes=span.attributes,
        events=span.events,
        links=span.links,
        kind=span.kind,
        status=span.status,
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    from opentelemetry import trace

    capture()  # the SDK provider of the test process
    provider = trace.get_tracer_provider()
    found = Receiver()
    processor = _Export(
        OTLPSpanExporter(endpoint=found.endpoint, timeout=5),
        Resource.create({"service.name": "icop-worker-agents"}),
    )
    provider.add_span_processor(processor)  # type: ignore[attr-defined]
    try:
        yield found
    finally:
        processor.active = False
        found.server.shutdown()


def _model_call(prompt: str) -> None:
    with (
        tracing.tracer().start_as_current_span("RunActivity:article.generate"),
        tracing.graph_node_span("writer_a", article_id="a-1"),
        tracing.model_span("llm.route", task="write.draft.a") as span,
    ):
        tracing.set_model_prompt(span, system=prompt, inputs={"brief": prompt})
        tracing.set_model_result(
            span, provider="local", model="qwen", prompt_tokens=603, completion_tokens=99
        )


def test_spans_reach_an_otlp_receiver_with_their_links_and_token_counts(
    receiver: Receiver,
) -> None:
    _model_call(SECRET)
    assert receiver.paths and {path for path, _ in receiver.paths} == {"/v1/traces"}
    assert {kind for _, kind in receiver.paths} == {"application/x-protobuf"}
    spans = {span.name: (resource, span) for resource, span in receiver.spans()}
    assert set(spans) == {"RunActivity:article.generate", "node writer_a", "llm.route"}
    resource, route = spans["llm.route"]
    _, node = spans["node writer_a"]
    _, activity = spans["RunActivity:article.generate"]
    assert resource["service.name"] == "icop-worker-agents"
    # One trace, linked parent to child on the wire.
    assert route.trace_id == node.trace_id == activity.trace_id
    assert route.parent_span_id == node.span_id and node.parent_span_id == activity.span_id
    attributes = _attributes(route.attributes)
    assert attributes["gen_ai.usage.input_tokens"] == 603
    assert attributes["gen_ai.usage.output_tokens"] == 99
    assert attributes["icop.llm.task"] == "write.draft.a"
    assert _attributes(node.attributes)["icop.graph.node"] == "writer_a"
    assert SECRET.encode() not in b"".join(r.SerializeToString() for r in receiver.requests)


def test_the_prompt_is_exported_only_when_debugging_turns_it_on(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(tracing.TRACE_PROMPTS_VARIABLE, "true")
    _model_call(SECRET)
    (route,) = [span for _, span in receiver.spans() if span.name == "llm.route"]
    attributes = _attributes(route.attributes)
    assert attributes["icop.llm.system_prompt"] == SECRET
    assert SECRET in attributes["icop.llm.inputs"]
