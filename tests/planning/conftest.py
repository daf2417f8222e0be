"""A real embedded Temporal dev server for the planning tests (fresh task-queue prefix per
test), shared with nothing else."""

from __future__ import annotations

import csv
import dataclasses
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client

from icop.articles.activities import ArticleActivities
from icop.articles.generator import GraphArticleGenerator
from icop.config import Settings
from icop.credentials.vault import build_keyring
from icop.db.session import unit_of_work
from icop.models import GeneratedArticle, SubTopic
from icop.orchestrator.connection import TemporalSettings, connect
from icop.orchestrator.dev_server import DevServerProcess, EmbeddedTemporal
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import WorkerRegistry, running_workers
from icop.planning.activities import PipelineRunInput, PlanningActivities
from icop.planning.generated import GeneratedSubtopic, GeneratedSubtopics, SubtopicGenerator
from icop.planning.sources import PipelinePlanSources
from icop.planning.workflows import PipelineRunWorkflow
from icop.runtime.workers import register_articles, register_planning
from tests.agents.fakes import harness
from tests.articles.test_workflow import _writers_write, serial
from tests.helpers import ApiClient
from tests.storage.seaweed import free_port_pairs


@pytest.fixture(scope="session")
def planning_temporal(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedTemporal:
    return EmbeddedTemporal(
        tmp_path_factory.mktemp("planning-temporal"), port=free_port_pairs(1)[0]
    )


@pytest.fixture(scope="session")
async def planning_dev_server(
    planning_temporal: EmbeddedTemporal,
) -> AsyncIterator[DevServerProcess]:
    record = await planning_temporal.start()
    try:
        yield record
    finally:
        planning_temporal.stop()


@pytest.fixture
def temporal_settings(
    planning_temporal: EmbeddedTemporal, planning_dev_server: DevServerProcess
) -> TemporalSettings:
    base = TemporalSettings(home=planning_temporal.home, port=planning_temporal.port)
    return dataclasses.replace(base, task_queue_prefix=f"plan{uuid.uuid4().hex[:10]}-")


@pytest.fixture
async def temporal_client(temporal_settings: TemporalSettings) -> Client:
    return await connect(temporal_settings)


# -- a pipeline over a local plan file, with article and planning workers --------------------
PLAN = [
    ["Topic", "Status", "Sub-topics", "Articles", "Notes"],
    ["home composting", "ready", "", "", ""],
    ["=cmd|' /C calc'!A0", "ready", "", "", ""],
    ["rainwater harvesting", "", "", "", ""],
]


@dataclass
class Calls:
    topics: list[str]
    generator: SubtopicGenerator | None = None
    """Set by a test: the sub-topic generator the workers use instead of the fixed one."""


@dataclass
class Setup:
    client: Client
    settings: TemporalSettings
    sessionmaker: async_sessionmaker[AsyncSession]
    tenant_id: uuid.UUID
    pipeline_id: uuid.UUID
    plan: Path
    calls: Calls

    async def run(self, name: str) -> str:
        result: str = await self.client.execute_workflow(
            PipelineRunWorkflow.run,
            PipelineRunInput(tenant_id=str(self.tenant_id), pipeline_id=str(self.pipeline_id)),
            id=f"pipeline-run-{self.pipeline_id}-{name}",
            task_queue=self.settings.queue_name(TaskQueue.PLANNING),
        )
        return result

    def sheet(self) -> list[list[str]]:
        with self.plan.open(newline="", encoding="utf-8") as handle:
            return [row + [""] * (5 - len(row)) for row in csv.reader(handle)]

    async def count(self, model: type[GeneratedArticle] | type[SubTopic]) -> int:
        async with unit_of_work(self.sessionmaker, self.tenant_id) as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
async def setup(
    client: ApiClient,
    temporal_client: Client,
    temporal_settings: TemporalSettings,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tmp_path: Path,
) -> AsyncIterator[Setup]:
    owner = await client.signup("Planner")
    plan = tmp_path / "plan.csv"
    with plan.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(PLAN)
    created = await client.post(
        "/api/v1/pipelines",
        headers=owner.headers,
        json={
            "name": "Garden",
            "source_type": "file",
            "file_path": str(plan),
            "defaults": {"sub_topic_count": 2},
        },
    )
    assert created.status_code == 201, created.text
    calls = Calls(topics=[])

    async def subtopics(
        topic: str, *, count: int, language: str, tenant_id: uuid.UUID
    ) -> GeneratedSubtopics:
        calls.topics.append(topic)
        if calls.generator is not None:
            return await calls.generator(topic, count=count, language=language, tenant_id=tenant_id)
        return GeneratedSubtopics(
            [
                GeneratedSubtopic(
                    label=f"{topic}: angle {n + 1}",
                    keywords=[topic.split()[0]],
                    members=[f"{topic} question {n}"],
                    size=1,
                    centrality=1.0,
                )
                for n in range(count)
            ]
        )

    sessionmaker = serial(sessionmaker)
    h = harness(_writers_write)
    generator = GraphArticleGenerator(
        sessionmaker,
        runtime=h.runtime,
        researcher=h.researcher,
        brand_voice=h.brand_voice,
        images=h.images,
    )
    articles = ArticleActivities(sessionmaker, generator, tmp_path, "http://testserver")
    async with httpx.AsyncClient() as http:
        planning = PlanningActivities(
            sessionmaker,
            settings,
            PipelinePlanSources(sessionmaker, settings, http, build_keyring(settings)),
            subtopics,
            agents_queue=temporal_settings.queue_name(TaskQueue.AGENTS),
        )
        registry = pipeline_registry(articles, planning)
        async with running_workers(
            temporal_client,
            [TaskQueue.AGENTS, TaskQueue.PLANNING],
            registry,
            settings=temporal_settings,
        ):
            yield Setup(
                temporal_client,
                temporal_settings,
                sessionmaker,
                owner.tenant_id,
                uuid.UUID(created.json()["id"]),
                plan,
                calls,
            )


def pipeline_registry(articles: ArticleActivities, planning: PlanningActivities) -> WorkerRegistry:
    """The agents and planning queues as production registers them, over the given activities."""
    registry = WorkerRegistry()
    register_articles(registry, articles)
    register_planning(registry, planning)
    return registry
