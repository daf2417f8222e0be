"""A pipeline run on the local Temporal dev server: a plan file with two good rows and a bad
one → sub-topics written back, one article per sub-topic (the agent graph over the fake
provider), statuses and links written back, the bad row's own error; a re-run duplicates
nothing."""

from __future__ import annotations

import csv
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client

from icop.articles.activities import ArticleActivities
from icop.articles.generator import GraphArticleGenerator
from icop.articles.workflows import ArticleWorkflow
from icop.config import Settings
from icop.db.session import unit_of_work
from icop.gateway.context import build_keyring
from icop.models import GeneratedArticle, SubTopic
from icop.orchestrator.connection import TemporalSettings
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import WorkerRegistry, running_workers
from icop.planning.activities import GeneratedSubtopic, PipelineRunInput, PlanningActivities
from icop.planning.repository import RunRepository
from icop.planning.sources import PipelinePlanSources
from icop.planning.workflows import PipelineRunWorkflow
from tests.agents.fakes import harness
from tests.articles.test_workflow import _writers_write, serial
from tests.helpers import ApiClient

PLAN = [
    ["Topic", "Status", "Sub-topics", "Articles", "Notes"],
    ["home composting", "ready", "", "", ""],
    ["=cmd|' /C calc'!A0", "ready", "", "", ""],
    ["rainwater harvesting", "", "", "", ""],
]


@dataclass
class Calls:
    topics: list[str]


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
    ) -> Sequence[GeneratedSubtopic]:
        calls.topics.append(topic)
        return [
            GeneratedSubtopic(
                label=f"{topic}: angle {n + 1}",
                keywords=[topic.split()[0]],
                members=[f"{topic} question {n}"],
                size=1,
                centrality=1.0,
            )
            for n in range(count)
        ]

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
        registry = WorkerRegistry()
        registry.register(
            TaskQueue.AGENTS,
            workflows=[ArticleWorkflow],
            activities=[articles.generate, articles.set_status],
        )
        registry.register(
            TaskQueue.PLANNING,
            workflows=[PipelineRunWorkflow],
            activities=[
                planning.start_run,
                planning.prepare_row,
                planning.await_article,
                planning.finish_row,
                planning.finish_run,
            ],
        )
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


async def test_a_plan_runs_end_to_end_and_a_rerun_duplicates_nothing(setup: Setup) -> None:
    assert await setup.run("first") == "partial"  # two rows done, the bad one failed

    sheet = setup.sheet()
    header, composting, bad, rain = sheet
    assert header[0] == "Topic"
    for row in (composting, rain):
        assert row[1] == "done", row
        assert row[2].count("angle") == 2  # the sub-topics, written back
        links = row[3].split()
        assert len(links) == 2 and all(
            link.startswith("http://testserver/api/v1/articles/") for link in links
        )
        assert "cost" in row[4]
    assert bad[0] == "=cmd|' /C calc'!A0"  # the user's cell is never rewritten
    assert bad[1] == "error" and "formula" in bad[4].lower()
    assert await setup.count(GeneratedArticle) == 4
    assert await setup.count(SubTopic) == 4
    assert sorted(setup.calls.topics) == ["home composting", "rainwater harvesting"]

    async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
        runs = await RunRepository(session).list(setup.pipeline_id, limit=10, offset=0)
        rows = await RunRepository(session).rows(runs[0].id)
    assert [(r.row_number, r.status) for r in rows] == [(2, "done"), (3, "error"), (4, "done")]
    assert (runs[0].rows_total, runs[0].rows_done, runs[0].rows_failed) == (3, 2, 1)

    # The user marks every row ready again: the same sub-topics and articles are reused.
    rewritten = [sheet[0]] + [[r[0], "ready", *r[2:]] for r in sheet[1:]]
    with setup.plan.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rewritten)
    await setup.run("second")
    assert await setup.count(GeneratedArticle) == 4
    assert await setup.count(SubTopic) == 4
    assert len(setup.calls.topics) == 2  # no sub-topics generated again
    assert setup.sheet()[1][1] == "done"
