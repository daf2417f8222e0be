"""The TrendPipeline end to end on the platform emulator and the Temporal dev server: the
tenant's schedule (02:00 in its time zone) is triggered, the workflow collects from every
kind of source (one feed fails every attempt: retried by policy, the others still ingest),
cleans, embeds, ingests into the knowledge store, clusters into named trends and proposes plan
rows; research finds the trend items; the API lists the trends and promotes a suggestion to
the plan."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from uuid import UUID
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client

from icop.auth.principal import Principal, PrincipalKind
from icop.config import Settings
from icop.credentials.vault import build_keyring
from icop.db.session import unit_of_work
from icop.embeddings.minilm import MiniLMEmbedder
from icop.emulators.platforms import EmulatorServer
from icop.models import ImportedPlanRow, KnowledgeDocument, Role, TrendRun
from icop.orchestrator.connection import LazyClient, TemporalSettings
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import WorkerRegistry, running_workers
from icop.research.providers.knowledge import KnowledgeStoreSearch
from icop.research.schemas import SearchQuery
from icop.runtime.workers import register_trends
from icop.tenants import service as tenants
from icop.tenants.schemas import TenantUpdate
from icop.trends import schedules, service
from icop.trends.activities import TrendActivities
from icop.trends.schemas import TrendConfigUpdate
from icop.trends.sources.factory import default_sources
from tests.articles.test_workflow import serial
from tests.helpers import ApiClient


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    server = EmulatorServer().start()
    yield server
    server.stop()


async def _no_schedules_to_follow(*_: object) -> int:
    return 0


async def test_nightly_run_on_the_emulator_fills_the_store_and_proposes_plan_rows(
    client: ApiClient,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    temporal_client: Client,
    temporal_settings: TemporalSettings,
    emulator: EmulatorServer,
) -> None:
    owner = await client.signup("Trendy")
    principal = Principal(
        kind=PrincipalKind.USER, tenant_id=owner.tenant_id, role=Role.OWNER, user_id=owner.user_id
    )
    local = settings.model_copy(
        update={"platforms": "emulator", "platform_emulator_url": emulator.url}
    )
    temporal = LazyClient(temporal_settings)
    sources = default_sources(local)
    sources.feeds.append(f"{emulator.url}/_emulator/trends/feeds/unavailable.xml")
    async with unit_of_work(sessionmaker, owner.tenant_id) as session:
        await tenants.update(
            session, principal, TenantUpdate(time_zone="Asia/Seoul"), _no_schedules_to_follow
        )
        await service.update_config(
            session,
            local,
            temporal,
            principal,
            TrendConfigUpdate(
                sources=sources,
                topics=["home composting", "solar power for apartments"],
                languages=["en"],
            ),
        )
    pipeline = await client.post(
        "/api/v1/pipelines",
        headers=owner.headers,
        json={"name": "Trend plan", "source_type": "import"},
    )
    assert pipeline.status_code == 201, pipeline.text

    # The schedule: nightly at 02:00 by the tenant's clock.
    handle = temporal_client.get_schedule_handle(schedules.schedule_id(owner.tenant_id))
    described = await handle.describe()
    assert described.schedule.spec.time_zone_name == "Asia/Seoul"
    seoul = described.info.next_action_times[0].astimezone(ZoneInfo("Asia/Seoul"))
    assert (seoul.hour, seoul.minute) == (2, 0)

    embedder = MiniLMEmbedder()
    registry = WorkerRegistry()
    # The workers and this test share the test's one connection: they take turns on it.
    shared = serial(sessionmaker)
    async with httpx.AsyncClient(timeout=10) as http:
        register_trends(
            registry,
            TrendActivities(shared, local, embedder, http, build_keyring(local)),
        )
        async with running_workers(
            temporal_client, [TaskQueue.PLANNING], registry, settings=temporal_settings
        ):
            await handle.trigger()  # the schedule fires now instead of at 02:00
            run = await _finished_run(shared, owner.tenant_id)
        await handle.delete()

    # One feed failed all three attempts; the others were collected and ingested.
    assert run.trigger == "schedule" and run.status == "partial", (run.error, run.source_errors)
    (failed,) = run.source_errors
    assert failed.endswith("unavailable.xml") and "503" in run.source_errors[failed]
    async with httpx.AsyncClient() as probe:
        hits = (await probe.get(f"{emulator.url}/_emulator/trends/hits")).json()
    assert hits["unavailable.xml"] == 3 and hits["energy-at-home.xml"] == 1
    collected = run.counts["collected"]
    assert {name.split(":")[0] for name, count in collected.items() if count} == {
        "rss",
        "instagram",
        "pinterest",
        "youtube",
    }
    dropped = run.counts["dropped"]
    assert dropped["spam"] >= 4 and dropped["duplicate"] >= 4, dropped
    assert run.counts["ingested"] == run.counts["kept"] > 20
    assert run.counts["trends"] >= 3 and run.counts["suggestions"] >= 1

    async with unit_of_work(sessionmaker, owner.tenant_id) as session:
        documents = await session.scalar(
            select(func.count())
            .select_from(KnowledgeDocument)
            .where(KnowledgeDocument.source_kind == "trend")
        )
    assert documents == run.counts["ingested"]

    # Research finds the trend items like any other source.
    found = await KnowledgeStoreSearch(sessionmaker, embedder).search(
        SearchQuery(query="balcony solar panels for flats", tenant_id=owner.tenant_id, limit=3)
    )
    assert found and "solar" in found[0].text.lower() and found[0].document_id is not None

    listed = await client.get("/api/v1/trends", headers=owner.headers)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["run"]["id"] == str(run.id) and len(body["trends"]) == run.counts["trends"]
    best = body["trends"][0]
    assert best["label"] and best["keywords"] and best["items"] and best["first_seen_at"]
    assert best["score"] >= body["trends"][-1]["score"]
    assert all(item["document_id"] for item in best["items"])

    suggestions = (await client.get("/api/v1/trends/suggestions", headers=owner.headers)).json()
    assert suggestions and suggestions[0]["status"] == "open"
    assert suggestions[0]["matched_topic"] in ("home composting", "solar power for apartments")
    promote = f"/api/v1/trends/suggestions/{suggestions[0]['id']}/promote"
    promoted = await client.post(
        promote, headers=owner.headers, json={"pipeline_id": pipeline.json()["id"]}
    )
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["status"] == "promoted" and promoted.json()["row_number"] == 2
    async with unit_of_work(sessionmaker, owner.tenant_id) as session:
        rows = list(await session.scalars(select(ImportedPlanRow)))
    assert [row.cells["A"] for row in rows] == [suggestions[0]["topic"]]
    again = await client.post(
        promote, headers=owner.headers, json={"pipeline_id": pipeline.json()["id"]}
    )
    assert again.status_code == 409


async def _finished_run(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_id: UUID
) -> TrendRun:
    for _ in range(400):
        async with unit_of_work(sessionmaker, tenant_id) as session:
            run = await session.scalar(select(TrendRun))
        if run is not None and not run.status.active:
            return run
        await asyncio.sleep(0.25)
    raise AssertionError(f"the run did not finish: {run and (run.status, run.step, run.counts)}")
