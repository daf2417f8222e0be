"""Clients shared by every request, created once in the app lifespan."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from icop.auth.tokens import TokenService
from icop.config import Settings
from icop.credentials.vault import KEY_FILE_NAME, Keyring, KeySource
from icop.db.engine import create_engine, create_sessionmaker, resolve_urls
from icop.embeddings import default_embedder
from icop.embeddings.base import Embedder
from icop.gateway.ratelimit import RateLimiter
from icop.llm.providers.base import LLMProvider
from icop.llm.registry import build_router
from icop.llm.smart_router import SmartRouter
from icop.llm.tenant_keys import ProviderFactory
from icop.orchestrator.connection import LazyClient
from icop.syndication.runtime import SyndicationRuntime

ReadinessCheck = Callable[[], Awaitable[None]]


@dataclass
class AppContext:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    tokens: TokenService
    keyring: Keyring
    rate_limiter: RateLimiter
    llm: SmartRouter
    # Later services register theirs (Temporal, queue pollers …); /readyz runs them all.
    readiness_checks: dict[str, ReadinessCheck] = field(default_factory=dict)
    # Set by the API lifespan when Temporal is wired (icop.runtime.orchestration).
    temporal: LazyClient | None = None
    # Loaded on first use (the bundled MiniLM imports torch): see icop.embeddings.
    embedder: Embedder | None = None
    # Platform clients, OAuth connect flows, token manager (icop.syndication.runtime).
    syndication: SyndicationRuntime | None = None

    @classmethod
    def create(
        cls,
        settings: Settings,
        engine: AsyncEngine | None = None,
        *,
        sessionmaker: async_sessionmaker[AsyncSession] | None = None,
        llm_providers: dict[str, LLMProvider] | None = None,
        llm_key_factories: dict[str, ProviderFactory] | None = None,
    ) -> AppContext:
        engine = engine or create_engine(resolve_urls(settings).app, settings)
        sessionmaker = sessionmaker or create_sessionmaker(engine)
        keyring = build_keyring(settings)
        return cls(
            settings=settings,
            engine=engine,
            sessionmaker=sessionmaker,
            tokens=TokenService.from_settings(settings),
            keyring=keyring,
            rate_limiter=RateLimiter.from_settings(settings),
            llm=build_router(settings, sessionmaker, llm_providers, keyring, llm_key_factories),
            embedder=default_embedder(settings),
            syndication=SyndicationRuntime.create(settings, sessionmaker, keyring),
        )

    async def close(self) -> None:
        await self.llm.aclose()
        if self.syndication is not None:
            await self.syndication.aclose()
        await self.engine.dispose()


def build_keyring(settings: Settings) -> Keyring:
    env_value = settings.vault_keys.get_secret_value() if settings.vault_keys else None
    return Keyring(KeySource(env_value, settings.secrets_dir / KEY_FILE_NAME))
