"""The whole chain with the fake model provider, as `make run`'s demo does it (issue #8): a plan
file → sub-topics → articles with images from the image service → posts on the platform
emulator on all four platforms → status, sub-topics and links written back to the plan.

The demo's own code connects the accounts (the real OAuth flows against the emulator) and
creates the pipeline; Temporal workers serve the planning, agents and syndication queues with
the real activities, publisher and platform clients over HTTP."""

from __future__ import annotations

import asyncio
import csv
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client

from icop.articles.activities import ArticleActivities
from icop.articles.generator import GraphArticleGenerator
from icop.articles.images import ArticleImages
from icop.auth.principal import Principal, PrincipalKind
from icop.cli.demo import connect_demo_accounts, demo_pipeline, summary
from icop.db.session import unit_of_work
from icop.emulators.platforms import EmulatorServer
from icop.images.activities import ImageActivities
from icop.images.providers.local import LocalRendererProvider
from icop.images.service import ImageRuntime
from icop.images.settings import ImageSettings
from icop.models import GeneratedArticle, Post, Role
from icop.orchestrator.connection import LazyClient, TemporalSettings
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import running_workers
from icop.planning.activities import PipelineRunInput, PlanningActivities
from icop.planning.generated import GeneratedSubtopic, GeneratedSubtopics
from icop.planning.sources import PipelinePlanSources
from icop.planning.workflows import PipelineRunWorkflow
from icop.runtime.clients import Runtime
from icop.runtime.workers import register_images
from icop.storage.factory import build_object_store
from icop.syndication.activities import PublishActivities
from icop.syndication.runtime import SyndicationRuntime
from icop.syndication.scheduler import TemporalPostScheduler
from icop.syndication.workflows import PublishPostWorkflow
from tests.agents.fakes import harness
from tests.articles.test_workflow import _writers_write, serial
from tests.helpers import ApiClient
from tests.planning.conftest import pipeline_registry

PLAN = [
    ["Topic", "Status", "Sub-topics", "Articles", "Notes", "Mode", "Sub-topic count", "Posts"],
    ["home composting", "ready", "", "", "", "compare", "2", ""],
    ["rain barrels", "", "", "", "", "merge", "1", ""],
]


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    server = EmulatorServer().start()
    yield server
    server.stop()


async def fake_subtopics(
    topic: str, *, count: int, language: str, tenant_id: uuid.UUID
) -> GeneratedSubtopics:
    parts = [f"{topic}: part {n + 1}" for n in range(count)]
    return GeneratedSubtopics([GeneratedSubtopic(part, [topic], [topic], 1, 1.0) for part in parts])


async def test_a_plan_becomes_published_posts_on_all_four_platforms(
    client: ApiClient,
    context: Runtime,
    sessionmaker: async_sessionmaker[AsyncSession],
    emulator: EmulatorServer,
    temporal_client: Client,
    temporal_settings: TemporalSettings,
    tmp_path: Path,
) -> None:
    owner = await client.signup("End to end")
    principal = Principal(
        kind=PrincipalKind.USER, tenant_id=owner.tenant_id, role=Role.OWNER, user_id=owner.user_id
    )
    settings = context.settings.model_copy(
        update={
            "home": tmp_path / "home",
            "platform_emulator_url": emulator.url,
            "meta_container_poll_interval_s": 0.05,
            "demo_article_words": 150,
        }
    )
    example = tmp_path / "plan.csv"
    with example.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(PLAN)

    sessions = serial(sessionmaker)
    store = build_object_store(settings)
    syndication = SyndicationRuntime.create(settings, sessions, context.keyring, store=store)
    temporal = LazyClient(temporal_settings)

    await connect_demo_accounts(
        settings, sessions, context.keyring, dict(syndication.oauth), principal
    )
    pipeline_id = await demo_pipeline(settings, sessions, temporal, principal, example=example)
    # A second start reuses what exists.
    await connect_demo_accounts(
        settings, sessions, context.keyring, dict(syndication.oauth), principal
    )
    assert (
        await demo_pipeline(settings, sessions, temporal, principal, example=example) == pipeline_id
    )

    h = harness(_writers_write)
    images = ImageRuntime(
        images=ImageSettings(_env_file=None, image_providers=["local"]),
        providers={"local": LocalRendererProvider()},
        store=store,
    )
    generator = GraphArticleGenerator(
        sessions,
        runtime=h.runtime,
        researcher=h.researcher,
        brand_voice=h.brand_voice,
        images=ArticleImages(sessions, images, temporal),
    )
    articles = ArticleActivities(sessions, generator, settings.home, settings.base_url)
    async with httpx.AsyncClient() as http:
        planning = PlanningActivities(
            sessions,
            settings,
            PipelinePlanSources(sessions, settings, http, context.keyring),
            fake_subtopics,
            agents_queue=temporal_settings.queue_name(TaskQueue.AGENTS),
            posts=TemporalPostScheduler(temporal),
        )
        publishing = PublishActivities(sessions, syndication.publisher)
        registry = pipeline_registry(articles, planning)
        register_images(registry, ImageActivities(sessions, images.providers, store))
        registry.register(
            TaskQueue.SYNDICATION,
            workflows=[PublishPostWorkflow],
            activities=[publishing.publish, publishing.cancel],
        )
        try:
            async with running_workers(
                temporal_client,
                [
                    TaskQueue.AGENTS,
                    TaskQueue.IMAGES,
                    TaskQueue.GPU,
                    TaskQueue.PLANNING,
                    TaskQueue.SYNDICATION,
                ],
                registry,
                settings=temporal_settings,
            ):
                status = await temporal_client.execute_workflow(
                    PipelineRunWorkflow.run,
                    PipelineRunInput(tenant_id=str(owner.tenant_id), pipeline_id=str(pipeline_id)),
                    id=f"pipeline-run-{pipeline_id}-e2e",
                    task_queue=temporal_settings.queue_name(TaskQueue.PLANNING),
                )
                assert status == "succeeded"
                posts = await _published(sessions, owner.tenant_id, expected=3 * 4)
        finally:
            await syndication.aclose()

    # The database: three ready articles with images, four published posts each.
    async with unit_of_work(sessions, owner.tenant_id) as session:
        ready = list(await session.scalars(select(GeneratedArticle)))
    assert len(ready) == 3 and all(a.status == "ready" and a.images for a in ready)
    assert {p.platform for p in posts} == {"facebook", "instagram", "threads", "x"}
    assert all(p.status == "published" and p.platform_post_ids[0] for p in posts)

    # The emulator: exactly those posts, once each.
    received = emulator.state.posts_of(None, None)
    ours = {pid for p in posts for pid in p.platform_post_ids if pid}
    assert ours <= {item.post_id for item in received}
    assert len([item for item in received if item.post_id in ours]) == len(ours)

    # The plan: statuses, sub-topics and links written back in place.
    plan = settings.home / "demo" / "plan.csv"
    with plan.open(newline="", encoding="utf-8") as handle:
        header, composting, barrels = list(csv.reader(handle))
    assert header == PLAN[0]
    assert composting[1] == "done" and composting[2].count("part") == 2
    assert len(composting[3].split()) == 2 and barrels[1] == "done"
    # Each row's posts, with their live links, as they published (the run's sheet watcher).
    permalinks = {p.permalink for p in posts}
    for row, articles in ((composting, 2), (barrels, 1)):
        lines = row[7].split("\n")
        assert len(lines) == 4 * articles, row[7]
        assert all(": published" in line for line in lines), row[7]
        # The live link where the platform gave one (the emulator's Instagram and Threads do not).
        links = {line.split(": published", 1)[1].strip() for line in lines} - {""}
        assert len(links) == 2 * articles and links <= permalinks, row[7]
    assert example.read_text(encoding="utf-8").count("done") == 0  # the example stays clean

    table, published, problems = await summary(settings, sessions, owner.tenant_id, pipeline_id)
    assert published == 12 and table.row_count == 3 and problems == []


async def _published(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID, *, expected: int
) -> list[Post]:
    for _ in range(600):
        async with unit_of_work(sessionmaker, tenant_id) as session:
            posts = list(await session.scalars(select(Post)))
        if len(posts) == expected and all(
            p.status in ("published", "failed", "unconfirmed") for p in posts
        ):
            return posts
        await asyncio.sleep(0.1)
    pytest.fail(f"posts did not finish: {[(p.platform, p.status, p.error) for p in posts]}")
