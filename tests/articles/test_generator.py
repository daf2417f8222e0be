"""The adapters from the real services to the graph's protocols (research, durable images)
and the mapping of the graph's final state."""

from __future__ import annotations

import asyncio
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from icop.agents.schemas import ImagePrompt
from icop.agents.state import ArticleState
from icop.articles.generator import (
    ArticleGenerationFailed,
    ResearchAdapter,
    to_graph_source,
    to_result,
)
from icop.articles.images import ArticleImages, image_id_for
from icop.db.engine import create_sessionmaker
from icop.db.session import unit_of_work
from icop.images.activities import ImageActivities
from icop.images.providers.base import GeneratedImage, GenerationRequest, Progress
from icop.images.providers.local import LocalRendererProvider
from icop.images.providers.openai import OpenAIImageProvider
from icop.images.repository import ImageRepository
from icop.images.service import ImageRuntime
from icop.images.settings import ImageSettings
from icop.orchestrator.connection import LazyClient, TemporalSettings
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import WorkerRegistry, running_workers
from icop.research.providers.base import SearchProvider
from icop.research.schemas import CitedSource, SearchQuery, Source
from icop.research.service import ResearchService
from icop.runtime.workers import register_images
from icop.storage.local import LocalObjectStore
from icop.storage.signing import UrlSigner
from tests.helpers import committed_tenant


class Listing:
    name = "listing"

    def __init__(self, sources: list[Source]) -> None:
        self.sources = sources

    async def search(self, query: SearchQuery) -> list[Source]:
        return self.sources


def _source(title: str, text: str) -> Source:
    return Source(
        title=title,
        url=f"https://example.org/{title}",
        snippet=text[:50],
        text=text,
        provider="listing",
    )


async def test_research_adapter_numbers_sources_and_maps_no_sources_to_empty() -> None:
    first = "Compost needs greens and browns in balance, and air, and water, to heat up. " * 2
    second = "Red wigglers turn kitchen scraps into castings in about three months. " * 2
    provider: SearchProvider = Listing([_source("a", first), _source("b", second)])  # type: ignore[assignment]
    adapter = ResearchAdapter(ResearchService([provider]))
    sources = await adapter.research(uuid4(), "compost", "en")
    assert [s.number for s in sources] == [1, 2]
    assert sources[0].snippet.startswith("Compost") and sources[0].origin == "web"
    assert sources[0].url == "https://example.org/a"

    empty = ResearchAdapter(ResearchService([Listing([])]))  # type: ignore[list-item]
    assert await empty.research(uuid4(), "compost", "en") == []


def test_a_long_or_blank_title_still_makes_a_valid_source() -> None:
    cited = CitedSource(
        number=3,
        title="  ",
        url=None,
        snippet="s",
        text="t" * 5000,
        providers=["x"],
        score=0.1,
        document_id=uuid4(),
    )
    source = to_graph_source(cited)
    assert source.title == "Source 3" and source.origin == "knowledge"
    assert len(source.snippet) == 4000


class CountingRenderer(LocalRendererProvider):
    """The local renderer, counting what it is asked to render (what a paid provider bills)."""

    def __init__(self) -> None:
        self.calls = 0

    async def generate(
        self, request: GenerationRequest, progress: Progress | None = None
    ) -> GeneratedImage:
        self.calls += 1
        return await super().generate(request, progress)


async def test_article_images_are_durable_image_jobs_a_retried_step_does_not_pay_twice(
    tmp_path: Path,
    app_engine: AsyncEngine,
    temporal_client: Client,
    temporal_settings: TemporalSettings,
) -> None:
    # The image workers run their activities concurrently: committed data, on the real pool.
    sessionmaker = create_sessionmaker(app_engine)
    tenant = await committed_tenant(sessionmaker)
    store = LocalObjectStore(
        tmp_path,
        UrlSigner(b"test-media-signing-key-0123456789"),
        base_url="http://testserver/api/v1/media",
        default_ttl_s=3600,
    )
    prompts = [
        ImagePrompt(prompt="a compost heap at dawn", alt="Compost heap", aspect="16:9"),
        ImagePrompt(prompt="a worm bin", alt="Worm bin", aspect="1:1"),
    ]
    renderer = CountingRenderer()
    # OpenAI has no key here: the chain passes over it to the local renderer.
    runtime = ImageRuntime(
        images=ImageSettings(_env_file=None, image_providers=["openai", "local"]),
        providers={"openai": OpenAIImageProvider(None), "local": renderer},
        store=store,
    )
    registry = WorkerRegistry()
    register_images(registry, ImageActivities(sessionmaker, runtime.providers, store))
    maker = ArticleImages(sessionmaker, runtime, LazyClient(temporal_settings))
    async with running_workers(
        temporal_client, [TaskQueue.IMAGES, TaskQueue.GPU], registry, settings=temporal_settings
    ):
        assets = await maker.make(tenant, "art-1", prompts, title="Composting at home")
        # The image step again, as after a crashed article worker: the same jobs are found.
        again = await maker.make(tenant, "art-1", prompts, title="Composting at home")
    assert renderer.calls == 2, "one render per image, however often the step runs"
    assert {a.provider for a in assets} == {"local"}
    assert [a.index for a in assets] == [0, 1]
    assert (assets[1].width, assets[1].height) == (1080, 1080)
    assert assets[0].width > assets[0].height
    for asset in assets:
        assert asset.url.startswith("http://testserver/api/v1/media/") and asset.size_bytes
    assert [(a.width, a.size_bytes) for a in again] == [(a.width, a.size_bytes) for a in assets]
    heads = await asyncio.to_thread(
        lambda: [path.read_bytes()[:2] for path in sorted(tmp_path.rglob("*.jpg"))]
    )
    assert heads == [b"\xff\xd8", b"\xff\xd8"]  # two stored JPEGs
    # They are the tenant's image jobs, each run by its durable workflow.
    async with unit_of_work(sessionmaker, tenant) as session:
        jobs = await ImageRepository(session).list(limit=10, offset=0, status=None)
    assert sorted(j.workflow_id or "" for j in jobs) == sorted(
        f"image-{image_id_for('art-1', i, p)}" for i, p in enumerate(prompts)
    )
    assert {j.status for j in jobs} == {"ready"}


def test_a_failed_graph_raises_and_no_sources_is_a_result() -> None:
    base: ArticleState = {"article_id": "a", "tenant_id": str(uuid4()), "trace_id": ""}  # type: ignore[typeddict-item]
    with pytest.raises(ArticleGenerationFailed, match="no writer"):
        to_result({**base, "status": "failed", "stop_reason": "no writer produced a draft"})
    result = to_result({**base, "status": "no_sources", "stop_reason": "nothing found"})
    assert result.status == "no_sources" and result.message == "nothing found"


def test_article_image_seeds_fit_an_image_job() -> None:
    from icop.articles.images import _seed
    from icop.images.schemas import MAX_SEED

    seeds = [_seed(f"art-{n}:0:a compost heap") for n in range(200)]
    assert all(0 <= seed <= MAX_SEED for seed in seeds)
    assert len(set(seeds)) == len(seeds)
