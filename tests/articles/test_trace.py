"""One trace from the API request to each model call (issue 17 item 3): POST /api/v1/articles
starts the article workflow on a real Temporal dev server, whose worker runs the agent graph
over fake providers. Every span of the run is in the request's trace, linked parent to child:

    POST /api/v1/articles (server)
      └ StartWorkflow:ArticleWorkflow          (the client's TracingInterceptor)
          └ RunWorkflow:ArticleWorkflow        (the worker)
              └ StartActivity:generate
                  └ RunActivity:generate
                      └ node researcher … node writer_a …   (icop.agents.nodes.tracked)
                          └ llm.route                       (token counts, no prompt text)
                              └ llm.attempt …

The same spans leave the process over OTLP/HTTP (tests/observability/test_otlp_wire.py)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.client import Client

from icop.api.app import create_app
from icop.articles.activities import ArticleActivities
from icop.articles.generator import GraphArticleGenerator
from icop.config import Settings
from icop.llm.providers.base import CompletionRequest
from icop.llm.providers.fake import FakeReply
from icop.orchestrator.connection import LazyClient, TemporalSettings
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import WorkerRegistry, running_workers
from icop.runtime.clients import Runtime
from icop.runtime.workers import register_articles
from tests.agents.fakes import ARTICLE_TEXT, harness, role_of
from tests.articles.test_workflow import serial
from tests.helpers import ApiClient, fake_providers
from tests.observability.spans import capture

SECRET_BRIEF = "composting with the zx-secret-42 method"


def _writers_write(request: CompletionRequest) -> FakeReply:
    return FakeReply(text=ARTICLE_TEXT) if role_of(request).startswith("writer_") else FakeReply()


@pytest.fixture
async def api(
    settings: Settings,
    app_engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    temporal_client: Client,
    temporal_settings: TemporalSettings,
    tmp_path: Path,
) -> AsyncIterator[ApiClient]:
    """The API with a real Temporal client, and the article worker, over one serial session
    maker (the test's one connection, taken in turns)."""
    shared = serial(sessionmaker)
    runtime = Runtime.from_settings(
        settings, engine=app_engine, sessionmaker=shared, llm_providers=fake_providers()
    )
    runtime.temporal = LazyClient(temporal_settings)
    fakes = harness(_writers_write)
    generator = GraphArticleGenerator(
        shared,
        runtime=fakes.runtime,
        researcher=fakes.researcher,
        brand_voice=fakes.brand_voice,
        images=fakes.images,
    )
    registry = WorkerRegistry()
    register_articles(registry, ArticleActivities(shared, generator, tmp_path, "http://testserver"))
    transport = httpx.ASGITransport(app=create_app(runtime=runtime))
    async with (
        running_workers(temporal_client, [TaskQueue.AGENTS], registry, settings=temporal_settings),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as http,
    ):
        yield ApiClient(http)


def _ancestors(span: ReadableSpan, by_id: dict[int, ReadableSpan]) -> list[str]:
    names: list[str] = []
    parent = span.parent
    while parent is not None and parent.span_id in by_id:
        above = by_id[parent.span_id]
        names.append(above.name)
        parent = above.parent
    return names


async def test_one_trace_runs_from_the_api_request_to_each_model_call(api: ApiClient) -> None:
    spans = capture()
    owner = await api.signup("Traced")
    response = await api.post(
        "/api/v1/articles",
        headers=owner.headers,
        json={"topic": SECRET_BRIEF, "length_words": 400},
    )
    assert response.status_code == 202, response.text
    article_id = response.json()["id"]
    for _ in range(600):
        got = await api.get(f"/api/v1/articles/{article_id}", headers=owner.headers)
        if got.json()["status"] in ("ready", "failed", "needs_review"):
            break
        await asyncio.sleep(0.05)
    assert got.json()["status"] == "ready", got.json()

    finished = spans.get_finished_spans()
    (server,) = [s for s in finished if s.name == "POST /api/v1/articles"]
    trace = [s for s in finished if s.context.trace_id == server.context.trace_id]
    by_id = {s.context.span_id: s for s in trace}
    names = {s.name for s in trace}
    assert {
        "StartWorkflow:ArticleWorkflow",
        "RunWorkflow:ArticleWorkflow",
        "RunActivity:article.generate",
        "node research",
        "node writer_a",
        "llm.route",
    } <= names, sorted(names)

    # Every span of the run hangs under the request, through the workflow and its activity.
    start = next(s for s in trace if s.name == "StartWorkflow:ArticleWorkflow")
    assert start.parent is not None and start.parent.span_id == server.context.span_id
    nodes = [s for s in trace if s.name.startswith("node ")]
    routes = [s for s in trace if s.name == "llm.route"]
    assert nodes and routes
    for node in nodes:
        assert _ancestors(node, by_id) == [
            "RunActivity:article.generate",
            "StartActivity:article.generate",
            "StartWorkflow:ArticleWorkflow",
            "POST /api/v1/articles",
        ]
    # The workflow's own run is a child of the start too (the SDK links it to the start).
    (run,) = [s for s in trace if s.name == "RunWorkflow:ArticleWorkflow"]
    assert run.parent is not None and run.parent.span_id == start.context.span_id
    for route in routes:
        assert by_id[route.parent.span_id].name.startswith("node "), route.parent  # type: ignore[union-attr]
        attributes = dict(route.attributes or {})
        assert attributes["gen_ai.usage.input_tokens"] > 0  # type: ignore[operator]
        assert "gen_ai.usage.output_tokens" in attributes
        # Never the prompt (ICOP_TRACE_PROMPTS is off): not the brief, not the system text.
        assert "icop.llm.system_prompt" not in attributes
        assert "zx-secret-42" not in repr(attributes)
    writer = next(s for s in nodes if s.name == "node writer_a")
    assert dict(writer.attributes or {})["icop.article_id"] == article_id
    assert uuid.UUID(article_id)
