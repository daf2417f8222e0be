"""Tracing and metrics inside one process: the API's server spans continue a caller's trace,
model calls and platform calls are child spans without prompt text, and /metrics reports
requests by route template, model tokens and cost, publishes and quota waits."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import httpx
import respx
from prometheus_client.parser import text_string_to_metric_families

from icop.llm.tasks import TaskKind
from icop.observability import tracing
from icop.observability.metrics import record_publish, record_quota_wait
from icop.observability.tracing import exporting_enabled, traced_http_client
from icop.runtime.clients import Runtime
from tests.helpers import ApiClient
from tests.observability.spans import capture, named

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"


def samples(text: str, name: str) -> list[Any]:
    return [
        sample
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    ]


def value(text: str, name: str, **labels: str) -> float:
    return sum(
        sample.value
        for sample in samples(text, name)
        if all(sample.labels.get(key) == wanted for key, wanted in labels.items())
    )


async def test_metrics_count_requests_by_route_template(client: ApiClient) -> None:
    owner = await client.signup("Metrics")
    missing = "00000000-0000-0000-0000-000000000001"
    assert (await client.get(f"/api/v1/users/{missing}", headers=owner.headers)).status_code == 404
    assert (await client.get("/no/such/page")).status_code == 404
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert (
        value(
            text,
            "icop_http_requests_total",
            method="POST",
            route="/api/v1/auth/signup",
            status="201",
        )
        >= 1
    )
    assert (
        value(
            text,
            "icop_http_requests_total",
            method="GET",
            route="/api/v1/users/{user_id}",
            status="404",
        )
        >= 1
    )
    assert value(text, "icop_http_requests_total", route="unmatched", status="404") >= 1
    assert missing not in text  # ids never become label values
    assert value(text, "icop_http_request_duration_seconds_count", route="/api/v1/auth/signup") >= 1
    assert samples(text, "icop_build_info") or "icop_build_info" in text


async def test_metrics_endpoint_is_outside_the_schema(client: ApiClient) -> None:
    schema = (await client.get("/api/v1/openapi.json")).json()
    assert "/metrics" not in schema["paths"]


async def test_server_span_continues_the_callers_trace(client: ApiClient) -> None:
    spans = capture()
    response = await client.get(
        "/api/v1/users/00000000-0000-0000-0000-000000000001",
        headers={"traceparent": f"00-{TRACE_ID}-{PARENT_ID}-01"},
    )
    assert response.status_code == 401
    (server,) = named(spans.get_finished_spans(), "GET /api/v1/users/{user_id}")
    assert format(server.context.trace_id, "032x") == TRACE_ID
    assert server.parent is not None and format(server.parent.span_id, "016x") == PARENT_ID
    assert server.attributes is not None
    assert server.attributes["http.route"] == "/api/v1/users/{user_id}"
    assert server.attributes["http.response.status_code"] == 401


async def test_model_calls_are_spans_and_metrics_without_prompt_text(
    context: Runtime, client: ApiClient
) -> None:
    spans = capture()
    secret_prompt = "the-secret-prompt-text"
    owner = await client.signup("Models")
    call = await context.llm.complete(
        TaskKind.SEO_META,
        system=secret_prompt,
        inputs={"text": secret_prompt},
        tenant_id=owner.tenant_id,
    )
    finished = spans.get_finished_spans()
    (route,) = named(finished, "llm.route")
    attempts = named(finished, "llm.call")
    assert attempts and all(
        span.parent and span.parent.span_id == route.context.span_id for span in attempts
    )
    assert route.attributes is not None
    assert route.attributes["icop.llm.task"] == "seo.meta"
    assert route.attributes["gen_ai.system"] == call.provider
    assert route.attributes["gen_ai.usage.input_tokens"] == call.prompt_tokens
    assert route.attributes["gen_ai.usage.output_tokens"] == call.completion_tokens
    assert "icop.llm.cost_usd" in route.attributes
    for span in (route, *attempts):
        assert secret_prompt not in repr(dict(span.attributes or {}))

    text = (await client.get("/metrics")).text
    assert (
        value(text, "icop_model_calls_total", task="seo.meta", provider=call.provider, status="ok")
        >= 1
    )
    assert value(text, "icop_model_tokens_total", task="seo.meta", kind="prompt") >= 1


async def test_platform_calls_carry_traceparent_and_are_timed(client: ApiClient) -> None:
    spans = capture()
    with respx.mock(assert_all_called=True) as mock:
        route = mock.post("https://graph.example.test/v21.0/123/feed").respond(
            200, json={"id": "123_456"}
        )
        failing = mock.get("https://graph.example.test/v21.0/me").mock(
            side_effect=httpx.ConnectError("refused")
        )
        async with traced_http_client("facebook") as http:
            with tracing.tracer().start_as_current_span("publish"):
                assert (
                    await http.post(
                        "https://graph.example.test/v21.0/123/feed?access_token=t",
                        json={"message": "hi"},
                    )
                ).status_code == 200
            with contextlib.suppress(httpx.ConnectError):
                await http.get("https://graph.example.test/v21.0/me")
    sent = route.calls.last.request
    assert sent.headers["traceparent"].startswith("00-")
    assert failing.called
    finished = spans.get_finished_spans()
    (parent,) = named(finished, "publish")
    calls = named(finished, "POST facebook")
    assert calls[0].parent is not None and calls[0].parent.span_id == parent.context.span_id
    assert "access_token" not in repr(dict(calls[0].attributes or {}))
    record_publish("threads", "published")
    record_quota_wait("threads", 42.0)
    text = (await client.get("/metrics")).text
    assert (
        value(
            text, "icop_http_client_request_duration_seconds_count", peer="facebook", status="200"
        )
        >= 1
    )
    assert (
        value(
            text, "icop_http_client_request_duration_seconds_count", peer="facebook", status="error"
        )
        >= 1
    )
    assert value(text, "icop_publish_total", platform="threads", outcome="published") >= 1
    assert value(text, "icop_quota_wait_seconds_sum", platform="threads") >= 42


def test_exporting_needs_an_endpoint_and_respects_sdk_disabled() -> None:
    assert not exporting_enabled({})
    assert exporting_enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://jaeger:4318"})
    assert exporting_enabled({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://j:4318/v1/traces"})
    assert not exporting_enabled(
        {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://jaeger:4318", "OTEL_SDK_DISABLED": "true"}
    )


_EXPORT_SCRIPT = """
import sys
from opentelemetry import trace
from icop.observability.tracing import flush_tracing, setup_tracing, tracer
enabled = setup_tracing("icop-test")
with tracer().start_as_current_span("hello"):
    pass
flush_tracing()
print("enabled" if enabled else "disabled", type(trace.get_tracer_provider()).__name__)
"""


def _collector() -> tuple[HTTPServer, list[tuple[str, str, bytes]]]:
    received: list[tuple[str, str, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"], body))
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def _run_export(extra_env: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env.update(extra_env)
    done = subprocess.run(
        [sys.executable, "-c", _EXPORT_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stderr.strip() == "", done.stderr  # "no noise"
    return done.stdout.strip()


def test_spans_go_over_otlp_http_only_when_an_endpoint_is_set() -> None:
    server, received = _collector()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert _run_export({}) == "disabled ProxyTracerProvider"
        assert (
            _run_export({"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_SDK_DISABLED": "true"})
            == "disabled ProxyTracerProvider"
        )
        assert received == []
        assert _run_export({"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint}) == "enabled TracerProvider"
    finally:
        server.shutdown()
    ((path, content_type, body),) = received
    assert path == "/v1/traces"
    assert content_type == "application/x-protobuf"
    assert b"hello" in body and b"icop-test" in body
