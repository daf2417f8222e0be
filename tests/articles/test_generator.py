"""The adapters from the real services to the graph's protocols, the mapping of the graph's
final state, and the worker registration."""

from __future__ import annotations

import asyncio
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.agents.schemas import ImagePrompt
from icop.agents.state import ArticleState
from icop.articles.generator import (
    ArticleGenerationFailed,
    ResearchAdapter,
    ServiceImageMaker,
    to_graph_source,
    to_result,
)
from icop.images.providers.local import LocalRendererProvider
from icop.images.providers.openai import OpenAIImageProvider
from icop.images.service import ImageRuntime
from icop.images.settings import ImageSettings
from icop.research.providers.base import SearchProvider
from icop.research.schemas import CitedSource, SearchQuery, Source
from icop.research.service import ResearchService
from icop.storage.local import LocalObjectStore
from icop.storage.signing import UrlSigner


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


async def test_images_come_from_the_image_service_chain_with_working_urls(
    tmp_path: Path, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    store = LocalObjectStore(
        tmp_path,
        UrlSigner(b"test-media-signing-key-0123456789"),
        base_url="http://testserver/api/v1/media",
        default_ttl_s=3600,
    )
    tenant = uuid4()
    prompts = [
        ImagePrompt(prompt="a compost heap at dawn", alt="Compost heap", aspect="16:9"),
        ImagePrompt(prompt="a worm bin", alt="Worm bin", aspect="1:1"),
    ]
    # OpenAI has no key here: the chain passes over it to the local renderer.
    runtime = ImageRuntime(
        images=ImageSettings(_env_file=None, image_providers=["openai", "local"]),
        providers={"openai": OpenAIImageProvider(None), "local": LocalRendererProvider()},
        store=store,
    )
    assets = await ServiceImageMaker(sessionmaker, runtime).make(tenant, "art-1", prompts)
    assert {a.provider for a in assets} == {"local"}
    assert [a.index for a in assets] == [0, 1]
    assert (assets[1].width, assets[1].height) == (1080, 1080)
    assert assets[0].width > assets[0].height
    for asset in assets:
        assert asset.url.startswith("http://testserver/api/v1/media/") and asset.size_bytes
    heads = await asyncio.to_thread(
        lambda: [path.read_bytes()[:2] for path in sorted(tmp_path.rglob("*.jpg"))]
    )
    assert heads == [b"\xff\xd8", b"\xff\xd8"]  # two stored JPEGs


def test_a_failed_graph_raises_and_no_sources_is_a_result() -> None:
    base: ArticleState = {"article_id": "a", "tenant_id": str(uuid4()), "trace_id": ""}  # type: ignore[typeddict-item]
    with pytest.raises(ArticleGenerationFailed, match="no writer"):
        to_result({**base, "status": "failed", "stop_reason": "no writer produced a draft"})
    result = to_result({**base, "status": "no_sources", "stop_reason": "nothing found"})
    assert result.status == "no_sources" and result.message == "nothing found"

