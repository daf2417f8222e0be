"""Which providers research asks, from configuration.

``Settings`` (icop.config) owns the variables; until it declares them, the defaults here
apply. Fields read: ``research_providers`` (comma-separated or a list; unset = the knowledge
store plus every web provider that has credentials), ``tavily_api_key``,
``tavily_search_depth``, ``brave_api_key``, ``searxng_url``, ``research_timeout_s``,
``research_max_sources``, ``research_retry_max_wait_s``, ``knowledge_min_score``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import httpx
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop import __version__
from icop.config import Settings
from icop.embeddings.base import Embedder
from icop.errors import ConfigurationError
from icop.research.providers import (
    BraveSearch,
    KnowledgeStoreSearch,
    SearchProvider,
    SearxngSearch,
    TavilySearch,
)
from icop.research.providers.knowledge import DEFAULT_MIN_SCORE
from icop.research.service import ResearchOptions, ResearchService

PROVIDERS = ("knowledge", "tavily", "brave", "searxng")


def _secret(value: Any) -> str | None:
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    return str(value) if value else None


@dataclass(frozen=True)
class ResearchConfig:
    providers: tuple[str, ...] | None = None
    tavily_api_key: str | None = None
    tavily_search_depth: Literal["basic", "advanced"] = "basic"
    brave_api_key: str | None = None
    searxng_url: str | None = None
    timeout_s: float = 20.0
    max_sources: int = 8
    retry_max_wait_s: float = 2.0
    knowledge_min_score: float = DEFAULT_MIN_SCORE

    def __repr__(self) -> str:  # keys stay out of logs
        return f"ResearchConfig(providers={self.enabled()!r}, searxng_url={self.searxng_url!r})"

    @classmethod
    def from_settings(cls, settings: Settings) -> ResearchConfig:
        def get(name: str, default: Any = None) -> Any:
            return getattr(settings, name, default)

        names = get("research_providers")
        if isinstance(names, str):
            names = [n for n in (part.strip().lower() for part in names.split(",")) if n]
        depth = str(get("tavily_search_depth", "basic"))
        return cls(
            providers=tuple(names) if names else None,
            tavily_api_key=_secret(get("tavily_api_key")),
            tavily_search_depth="advanced" if depth == "advanced" else "basic",
            brave_api_key=_secret(get("brave_api_key")),
            searxng_url=get("searxng_url") or None,
            timeout_s=float(get("research_timeout_s", 20.0)),
            max_sources=int(get("research_max_sources", 8)),
            retry_max_wait_s=float(get("research_retry_max_wait_s", 2.0)),
            knowledge_min_score=float(get("knowledge_min_score", DEFAULT_MIN_SCORE)),
        )

    def enabled(self) -> tuple[str, ...]:
        if self.providers is not None:
            unknown = set(self.providers) - set(PROVIDERS)
            if unknown:
                raise ConfigurationError(
                    f"unknown research providers {sorted(unknown)}; choose from {PROVIDERS}"
                )
            return self.providers
        configured = {
            "tavily": self.tavily_api_key,
            "brave": self.brave_api_key,
            "searxng": self.searxng_url,
        }
        return ("knowledge", *(name for name, value in configured.items() if value))


def new_http_client(timeout_s: float = 20.0) -> httpx.AsyncClient:
    """The client web providers share; its owner (the worker) closes it."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout_s),
        headers={"User-Agent": f"icop/{__version__} (research)"},
        follow_redirects=False,
    )


def build_providers(
    config: ResearchConfig,
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    embedder: Embedder,
    http: httpx.AsyncClient,
) -> list[SearchProvider]:
    providers: list[SearchProvider] = []
    for name in config.enabled():
        if name == "knowledge":
            providers.append(
                KnowledgeStoreSearch(sessionmaker, embedder, min_score=config.knowledge_min_score)
            )
        elif name == "tavily":
            if not config.tavily_api_key:
                raise ConfigurationError("research provider tavily needs TAVILY_API_KEY")
            providers.append(
                TavilySearch(
                    config.tavily_api_key,
                    http,
                    search_depth=config.tavily_search_depth,
                    timeout_s=config.timeout_s,
                )
            )
        elif name == "brave":
            if not config.brave_api_key:
                raise ConfigurationError("research provider brave needs BRAVE_API_KEY")
            providers.append(BraveSearch(config.brave_api_key, http, timeout_s=config.timeout_s))
        elif name == "searxng":
            if not config.searxng_url:
                raise ConfigurationError("research provider searxng needs SEARXNG_URL")
            providers.append(SearxngSearch(config.searxng_url, http, timeout_s=config.timeout_s))
    return providers


def build_researcher(
    settings: Settings,
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    embedder: Embedder,
    http: httpx.AsyncClient,
) -> ResearchService:
    config = ResearchConfig.from_settings(settings)
    providers = build_providers(config, sessionmaker=sessionmaker, embedder=embedder, http=http)
    return ResearchService(
        providers,
        ResearchOptions(
            max_sources=config.max_sources,
            # The providers time out on their own; this bounds an embedder or database stall.
            timeout_s=config.timeout_s + 10.0,
            retry_max_wait_s=config.retry_max_wait_s,
        ),
    )
