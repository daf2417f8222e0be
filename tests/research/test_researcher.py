"""The ResearchService: fan-out, fusion, de-duplication, numbering, failures, and the tenant's
knowledge store as a provider over the real database."""

from __future__ import annotations

import asyncio
from uuid import UUID, uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.config import Settings
from icop.embeddings import HashingEmbedder
from icop.errors import ConfigurationError
from icop.research import ResearchConfig, ResearchOptions, ResearchService, ResearchUnavailable
from icop.research.config import build_providers, new_http_client
from icop.research.exceptions import SearchRateLimited, SearchUnauthorized
from icop.research.providers import KnowledgeStoreSearch
from icop.research.ranking import canonical_url
from icop.research.schemas import SearchQuery, Source
from tests.helpers import ApiClient

TENANT = uuid4()


def _source(provider: str, url: str | None, title: str, text: str = "", **extra: object) -> Source:
    # Distinct words per title, so that distinct sources never look like copies of each other.
    tag = "".join(ch for ch in title.lower() if ch.isalnum())
    body = text or f"{title}: " + " ".join(f"{tag}{i}" for i in range(12))
    return Source(
        title=title,
        url=url,
        snippet=body[:100],
        text=body,
        provider=provider,
        **extra,  # type: ignore[arg-type]
    )


class Fixed:
    """A provider that answers from a list, or fails as told, and counts its calls."""

    def __init__(
        self,
        name: str,
        results: list[Source] | None = None,
        errors: list[Exception] | None = None,
        delay: float = 0.0,
    ) -> None:
        self._name = name
        self.results = results or []
        self.errors = list(errors or [])
        self.delay = delay
        self.calls = 0

    @property
    def name(self) -> str:
        return self._name

    async def search(self, query: SearchQuery) -> list[Source]:
        self.calls += 1
        await asyncio.sleep(self.delay)
        if self.errors:
            raise self.errors.pop(0)
        return self.results[: query.limit]


async def _no_sleep(seconds: float) -> None:
    del seconds


async def test_sources_are_fused_deduplicated_and_numbered() -> None:
    web_a = Fixed(
        "tavily",
        [
            _source("tavily", "https://www.example.org/compost/?utm_source=x", "Compost guide"),
            _source("tavily", "https://only-a.example/page", "Only A"),
        ],
    )
    web_b = Fixed(
        "brave",
        [
            _source("brave", "https://other.example/worms", "Worm bins"),
            _source("brave", "http://example.org/compost", "Compost guide (mirror)"),
            # The same words under another address: a syndicated copy.
            _source(
                "brave",
                "https://copy.example/x",
                "Copied",
                text="Compost guide: " + " ".join(f"compostguide{i}" for i in range(12)),
            ),
        ],
    )
    result = await ResearchService([web_a, web_b], sleep=_no_sleep).research("composting", TENANT)
    assert result.status == "ok" and result.found
    assert [s.number for s in result.sources] == list(range(1, len(result.sources) + 1))
    first = result.sources[0]
    # Found by both providers: first, under the best-ranked title, with both providers named.
    assert first.title == "Compost guide" and first.providers == ["brave", "tavily"]
    assert first.url == "https://www.example.org/compost/?utm_source=x"
    urls = [s.url for s in result.sources]
    assert "https://copy.example/x" not in urls, "near-identical text is one source"
    assert len(result.sources) == 3
    assert result.providers == ["tavily", "brave"]
    assert result.prompt_context().startswith(
        "[1] Compost guide — https://www.example.org/compost/?utm_source=x\n"
    )
    assert result.references()[0] == first.reference() and result.source(2).number == 2


async def test_nothing_usable_is_an_explicit_empty_result() -> None:
    thin = Fixed("searxng", [_source("searxng", "https://x.example", "Thin", text="too short")])
    empty = Fixed("tavily", [])
    result = await ResearchService([thin, empty]).research("an obscure topic", TENANT)
    assert result.status == "no_sources" and result.sources == [] and not result.found
    assert result.providers == ["searxng", "tavily"] and result.failures == []
    blank = await ResearchService([thin]).research("   ", TENANT)
    assert blank.status == "no_sources" and thin.calls == 1


async def test_a_failing_provider_is_reported_while_others_answer() -> None:
    broken = Fixed("brave", errors=[SearchUnauthorized("brave answered 401", provider="brave")])
    working = Fixed("tavily", [_source("tavily", "https://a.example", "A")])
    result = await ResearchService([broken, working]).research("compost", TENANT)
    assert result.status == "ok" and [s.title for s in result.sources] == ["A"]
    [failure] = result.failures
    assert failure.provider == "brave" and failure.code == "search_provider_unauthorized"
    assert not failure.retryable and broken.calls == 1, "an auth failure is not retried"


async def test_a_short_rate_limit_is_retried_once_a_long_one_is_not() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    short = Fixed(
        "tavily",
        [_source("tavily", "https://a.example", "A")],
        errors=[SearchRateLimited("429", provider="tavily", retry_after_s=1.5)],
    )
    long = Fixed(
        "brave",
        [_source("brave", "https://b.example", "B")],
        errors=[SearchRateLimited("429", provider="brave", retry_after_s=60)],
    )
    result = await ResearchService([short, long], sleep=sleep).research("compost", TENANT)
    assert slept == [1.5] and short.calls == 2 and long.calls == 1
    assert [s.title for s in result.sources] == ["A"]
    assert result.failures[0].retry_after_s == 60 and result.failures[0].retryable


async def test_a_slow_provider_times_out_and_a_bug_is_contained() -> None:
    slow = Fixed("searxng", [_source("searxng", "https://s.example", "S")], delay=5)
    buggy = Fixed("brave", errors=[KeyError("oops")])
    working = Fixed("tavily", [_source("tavily", "https://a.example", "A")])
    researcher = ResearchService([slow, buggy, working], ResearchOptions(timeout_s=0.05))
    result = await researcher.research("compost", TENANT)
    assert [s.title for s in result.sources] == ["A"]
    assert {(f.provider, f.code) for f in result.failures} == {
        ("searxng", "timeout"),
        ("brave", "internal_error"),
    }


async def test_when_no_provider_answers_research_is_unavailable() -> None:
    down = Fixed("tavily", errors=[SearchUnauthorized("401", provider="tavily")])
    with pytest.raises(ResearchUnavailable) as raised:
        await ResearchService([down]).research("compost", TENANT)
    assert "tavily" in raised.value.detail


async def test_max_sources_and_duplicate_providers() -> None:
    many = Fixed("tavily", [_source("tavily", f"https://e.example/{i}", f"R{i}") for i in range(9)])
    result = await ResearchService([many], ResearchOptions(max_sources=4)).research("x", TENANT)
    assert [s.title for s in result.sources] == ["R0", "R1", "R2", "R3"]
    with pytest.raises(ValueError, match="duplicate"):
        ResearchService([many, Fixed("tavily")])
    with pytest.raises(ValueError, match="at least one"):
        ResearchService([])


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.Example.org/a/?utm_campaign=x&b=2&a=1", "http://example.org/a?a=1&b=2"),
        ("https://example.org:443/a#section", "https://example.org/a"),
    ],
)
def test_canonical_urls_agree(a: str, b: str) -> None:
    assert canonical_url(a) == canonical_url(b)


def test_canonical_urls_differ() -> None:
    assert canonical_url("https://example.org/a?id=1") != canonical_url(
        "https://example.org/a?id=2"
    )
    assert canonical_url("https://example.org:8080/a") != canonical_url("https://example.org/a")


# --- the knowledge store as a provider (real database, row-level security) --------------------


async def _upload(client: ApiClient, headers: dict[str, str], title: str, text: str) -> str:
    response = await client.post(
        "/api/v1/knowledge/documents",
        headers=headers,
        json={"title": title, "text": text, "source_url": f"https://kb.example/{title.lower()}"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_knowledge_store_search_cites_the_tenants_documents(
    client: ApiClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    embedder: HashingEmbedder,
) -> None:
    tenant_a = await client.signup("Tenant A")
    tenant_b = await client.signup("Tenant B")
    paragraphs = [
        "Worms turn kitchen scraps into compost within weeks in a worm bin.",
        "A compost pile needs kitchen scraps and dry leaves, turned weekly.",
        "Hot composting kills weed seeds when the compost pile reaches 60 degrees.",
    ]
    compost_id = await _upload(
        client, tenant_a.headers, "Composting", "\n\n".join(p * 6 for p in paragraphs)
    )
    await _upload(
        client, tenant_a.headers, "Taxes", "Quarterly value added tax returns are due. " * 10
    )
    researcher = ResearchService([KnowledgeStoreSearch(sessionmaker, embedder, min_score=0.1)])

    result = await researcher.research("compost pile kitchen scraps", tenant_a.tenant_id)
    assert result.status == "ok"
    first = result.sources[0]
    assert first.title == "Composting" and first.url == "https://kb.example/composting"
    assert first.document_id == UUID(compost_id) and first.providers == ["knowledge"]
    # The document's matching chunks make one source, not one source per chunk.
    assert [s.title for s in result.sources].count("Composting") == 1
    assert "kitchen scraps" in first.text

    # Tenant B has no documents: row-level security keeps A's out, so B gets nothing.
    other = await researcher.research("compost pile kitchen scraps", tenant_b.tenant_id)
    assert other.status == "no_sources" and other.sources == []

    # An unrelated question finds nothing above the relevance threshold.
    unrelated = await researcher.research("bicycle chain lubricant", tenant_a.tenant_id)
    assert unrelated.status == "no_sources"


def test_provider_configuration(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    embedder: HashingEmbedder,
) -> None:
    http = new_http_client()
    default = ResearchConfig.from_settings(settings)
    assert default.enabled() == ("knowledge",)
    configured = ResearchConfig(tavily_api_key="tvly-x", searxng_url="http://searx:8080")
    names = [
        p.name
        for p in build_providers(
            configured, sessionmaker=sessionmaker, embedder=embedder, http=http
        )
    ]
    assert names == ["knowledge", "tavily", "searxng"]
    assert "tvly-x" not in repr(configured)
    with pytest.raises(ConfigurationError, match="BRAVE_API_KEY"):
        build_providers(
            ResearchConfig(providers=("brave",)),
            sessionmaker=sessionmaker,
            embedder=embedder,
            http=http,
        )
    with pytest.raises(ConfigurationError, match="unknown"):
        ResearchConfig(providers=("google",)).enabled()
