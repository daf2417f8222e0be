"""Run events: recorded by the article activity as the real graph runs (fake models), drawn
as the article's Mermaid graph, and streamed live as server-sent events — after commit, via
LISTEN/NOTIFY, resumable with Last-Event-ID, with heartbeats, and never across tenants."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.testing import ActivityEnvironment

from icop.api.app import create_app
from icop.articles.activities import ArticleActivities, ArticleWorkflowInput
from icop.articles.generator import GraphArticleGenerator
from icop.articles.repository import ArticleRepository
from icop.config import Settings
from icop.db.engine import create_sessionmaker
from icop.db.session import unit_of_work
from icop.events import service as events
from icop.llm.providers.base import CompletionRequest
from icop.llm.providers.fake import FakeReply
from icop.models import GeneratedArticle, PipelineRun, RunEvent, RunStatus
from icop.planning.repository import RunRepository
from icop.runtime.clients import Runtime
from tests.agents.fakes import ARTICLE_TEXT, harness, role_of
from tests.helpers import Account, ApiClient, fake_providers
from tests.syndication.support import serial


def _writers_write(request: CompletionRequest) -> FakeReply:
    return FakeReply(text=ARTICLE_TEXT) if role_of(request).startswith("writer_") else FakeReply()


def _parse(stream: str) -> tuple[list[dict[str, Any]], list[str]]:
    """(events with their id, type and data, comment lines)."""
    parsed: list[dict[str, Any]] = []
    comments: list[str] = []
    for block in stream.replace("\r\n", "\n").split("\n\n"):
        event: dict[str, Any] = {}
        for line in block.split("\n"):
            if line.startswith(":"):
                comments.append(line[1:].strip())
            elif ":" in line:
                name, _, value = line.partition(":")
                event[name] = value.strip()
        if "data" in event:
            event["data"] = json.loads(event["data"])
            parsed.append(event)
    return parsed, comments


# -- recorded by the activity, drawn as the graph ---------------------------------------------
async def test_the_activity_records_steps_and_the_graph_shows_them(
    client: ApiClient,
    context: Runtime,
    sessionmaker: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    owner = await client.signup("Graph")
    maker = serial(sessionmaker)
    article_id = uuid.uuid4()
    async with unit_of_work(maker, owner.tenant_id) as session:
        await ArticleRepository(session).add(
            GeneratedArticle(
                id=article_id,
                tenant_id=owner.tenant_id,
                topic="home composting",
                language="en",
                mode="compare",
                length_words=300,
                status="queued",
                workflow_id=f"article-{article_id}",
            )
        )
    h = harness(_writers_write, latency_s=0.01)
    generator = GraphArticleGenerator(
        maker,
        runtime=h.runtime,
        researcher=h.researcher,
        brand_voice=h.brand_voice,
        images=h.images,
    )
    activities = ArticleActivities(maker, generator, tmp_path, "http://testserver")
    outcome = await ActivityEnvironment().run(
        activities.generate,
        ArticleWorkflowInput(tenant_id=str(owner.tenant_id), article_id=str(article_id)),
    )
    assert outcome.status == "ok"

    async with unit_of_work(maker, owner.tenant_id) as session:
        recorded = (
            await session.scalars(
                select(RunEvent).where(RunEvent.article_id == article_id).order_by(RunEvent.id)
            )
        ).all()
    statuses = [e.status for e in recorded if e.kind == "article"]
    assert statuses == ["running", "ready"]  # the final status after every step
    steps = [e for e in recorded if e.kind == "step"]
    assert recorded[-1].kind == "article"
    research = [e for e in steps if e.step == "research"]
    assert [e.status for e in research] == ["started", "finished"]
    finished = research[-1]
    assert finished.started_at is not None and finished.finished_at is not None
    assert finished.finished_at >= finished.started_at
    assert any(e.cost_usd is not None for e in steps if e.status == "finished")

    response = await client.get(f"/api/v1/articles/{article_id}/graph", headers=owner.headers)
    assert response.status_code == 200, response.text
    graph = response.json()
    nodes = {node["name"]: node for node in graph["nodes"]}
    for name in ("research", "writer_a", "writer_b", "writer_c", "editor", "gate", "seo"):
        assert nodes[name]["status"] == "finished", name
        assert nodes[name]["duration_ms"] is not None
    assert nodes["merger"]["status"] == "skipped"  # compare mode: the editor ran instead
    slowest = max(
        (n for n in graph["nodes"] if n["duration_ms"] is not None),
        key=lambda n: n["duration_ms"],
    )
    assert graph["slowest"] == slowest["name"] and slowest["slowest"] is True
    mermaid = graph["mermaid"]
    assert mermaid.startswith("flowchart TD\n")
    assert f"class {slowest['name']} slowest" in mermaid
    assert ":::finished" in mermaid and ":::skipped" in mermaid
    assert "research -.-> writer_a" in mermaid and "seo --> visual_director" in mermaid


async def test_the_graph_of_an_article_without_steps(client: ApiClient, context: Runtime) -> None:
    owner = await client.signup("No steps")
    article_id = uuid.uuid4()
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        await ArticleRepository(session).add(
            GeneratedArticle(
                id=article_id,
                tenant_id=owner.tenant_id,
                topic="queued",
                language="en",
                mode="merge",
                length_words=300,
                status="queued",
            )
        )
        started = datetime(2030, 1, 1, tzinfo=UTC)
        await events.record(
            session,
            owner.tenant_id,
            kind="step",
            article_id=article_id,
            step="research",
            status="started",
            started_at=started,
        )
    graph = (await client.get(f"/api/v1/articles/{article_id}/graph", headers=owner.headers)).json()
    nodes = {node["name"]: node for node in graph["nodes"]}
    assert nodes["research"]["status"] == "running"
    assert nodes["research"]["duration_ms"] is None
    assert nodes["editor"]["status"] == "pending" and graph["slowest"] is None


# -- streamed live, on committed data ---------------------------------------------------------
@dataclass
class Live:
    client: ApiClient
    maker: async_sessionmaker[AsyncSession]


@pytest.fixture
async def live(app_engine: AsyncEngine) -> AsyncIterator[Live]:
    """An app over a real pool: what the test commits, the stream sees (and is notified of)."""
    maker = create_sessionmaker(app_engine)
    runtime = Runtime.from_settings(
        Settings(), engine=app_engine, sessionmaker=maker, llm_providers=fake_providers()
    )
    transport = httpx.ASGITransport(app=create_app(runtime=runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield Live(ApiClient(http), maker)
    await runtime.events.aclose()
    await runtime.http.aclose()


async def _running_run(live: Live, owner: Account) -> tuple[uuid.UUID, uuid.UUID]:
    created = await live.client.post(
        "/api/v1/pipelines",
        headers=owner.headers,
        json={"name": f"live-{uuid.uuid4().hex[:8]}", "source_type": "import"},
    )
    assert created.status_code == 201, created.text
    pipeline_id, run_id = uuid.UUID(created.json()["id"]), uuid.uuid4()
    async with unit_of_work(live.maker, owner.tenant_id) as session:
        await RunRepository(session).add(
            PipelineRun(
                id=run_id,
                tenant_id=owner.tenant_id,
                pipeline_id=pipeline_id,
                trigger="manual",
                status="running",
                workflow_id=f"pipeline-run-{pipeline_id}-{run_id}",
            )
        )
    return pipeline_id, run_id


async def _rolled_back(live: Live, tenant_id: uuid.UUID, run_id: uuid.UUID) -> None:
    async with unit_of_work(live.maker, tenant_id) as session:
        await events.record(
            session, tenant_id, kind="row", run_id=run_id, row_number=3, status="lost"
        )
        raise RuntimeError("rolled back")


async def _finish(live: Live, tenant_id: uuid.UUID, run_id: uuid.UUID) -> None:
    async with unit_of_work(live.maker, tenant_id) as session:
        await RunRepository(session).update(run_id, status=RunStatus.SUCCEEDED)
        await events.record(session, tenant_id, kind="run", run_id=run_id, status="succeeded")


async def test_a_run_streams_live_after_commit_only_its_tenants_events(live: Live) -> None:
    owner = await live.client.signup("Live A")
    intruder = await live.client.signup("Live B")
    pipeline_id, run_id = await _running_run(live, owner)
    url = f"/api/v1/pipelines/{pipeline_id}/runs/{run_id}/events"

    async with unit_of_work(live.maker, owner.tenant_id) as session:
        await events.record(
            session, owner.tenant_id, kind="row", run_id=run_id, row_number=2, status="pending"
        )
    stream = asyncio.create_task(live.client.get(url, headers=owner.headers))
    await asyncio.sleep(0.5)  # the stream has replayed the row event and waits
    # Another tenant writes an event naming the same run id: row-level security hides it.
    async with unit_of_work(live.maker, intruder.tenant_id) as session:
        await events.record(
            session, intruder.tenant_id, kind="row", run_id=run_id, row_number=9, status="error"
        )
    # A rolled-back change never reaches a stream.
    with pytest.raises(RuntimeError, match="rolled back"):
        await _rolled_back(live, owner.tenant_id, run_id)
    async with unit_of_work(live.maker, owner.tenant_id) as session:
        await events.record(
            session,
            owner.tenant_id,
            kind="row",
            run_id=run_id,
            row_number=2,
            status="writing",
            step="writing 2 article(s)",
        )
    committed = time.monotonic()
    await _finish(live, owner.tenant_id, run_id)
    response = await asyncio.wait_for(stream, timeout=8)
    # Well under the 10 s heartbeat: the commit's NOTIFY woke the stream, not a poll.
    assert time.monotonic() - committed < 5
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    received, _ = _parse(response.text)
    assert [(e["event"], e["data"].get("status")) for e in received] == [
        ("row", "pending"),
        ("row", "writing"),
        ("run", "succeeded"),
        ("end", None),
    ]
    assert all(e["data"].get("row_number") != 9 for e in received)
    ids = [int(e["id"]) for e in received if "id" in e]
    assert ids == sorted(ids) and len(ids) == 3
    assert received[1]["data"]["step"] == "writing 2 article(s)"

    # Resuming after the first event replays only what came later.
    resumed = await live.client.get(url, headers={**owner.headers, "Last-Event-ID": str(ids[0])})
    again, _ = _parse(resumed.text)
    assert [int(e["id"]) for e in again if "id" in e] == ids[1:]
    assert again[-1]["event"] == "end"

    foreign = await live.client.get(url, headers=intruder.headers)
    assert foreign.status_code == 404
    assert foreign.headers["content-type"].startswith("application/problem+json")


async def test_a_quiet_stream_sends_heartbeats(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    owner = await live.client.signup("Heartbeat")
    pipeline_id, run_id = await _running_run(live, owner)
    settings = live.client.http._transport.app.state.runtime.settings  # type: ignore[attr-defined]
    monkeypatch.setattr(settings, "events_heartbeat_s", 0.2)
    stream = asyncio.create_task(
        live.client.get(
            f"/api/v1/pipelines/{pipeline_id}/runs/{run_id}/events", headers=owner.headers
        )
    )
    await asyncio.sleep(0.9)
    await _finish(live, owner.tenant_id, run_id)
    received, comments = _parse((await asyncio.wait_for(stream, timeout=8)).text)
    assert comments.count("heartbeat") >= 2
    assert [e["event"] for e in received] == ["run", "end"]
