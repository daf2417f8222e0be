"""The syndication service's clients, built once per process (API and workers): the platform
clients, the OAuth connect providers, the token manager and the publisher over them.

The clients talk to the real APIs, or to the local platform emulator when
``ICOP_PLATFORM_EMULATOR_URL`` is set (icop.syndication.platforms.factory); tests may build a
runtime over fakes."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.config import Settings
from icop.credentials.vault import Keyring
from icop.storage.base import ObjectStore
from icop.syndication.ledger import QuotaLedger
from icop.syndication.media import MediaPreparer
from icop.syndication.platforms.base import OAuthProvider, Platform, PlatformClient
from icop.syndication.platforms.factory import (
    build_http_client,
    build_oauth_providers,
    build_platform_clients,
)
from icop.syndication.publisher import Publisher, Sleep
from icop.syndication.tokens import Clock, TokenManager, utcnow


@dataclass
class SyndicationRuntime:
    settings: Settings
    clients: Mapping[Platform, PlatformClient]
    oauth: Mapping[str, OAuthProvider]
    tokens: TokenManager
    publisher: Publisher
    # The HTTP client the runtime created for its platform clients (None when given clients).
    http: httpx.AsyncClient | None = None
    ledger: QuotaLedger = field(init=False)

    def __post_init__(self) -> None:
        self.ledger = self.publisher.ledger

    @classmethod
    def create(
        cls,
        settings: Settings,
        sessionmaker: async_sessionmaker[AsyncSession],
        keyring: Keyring,
        *,
        clients: Mapping[Platform, PlatformClient] | None = None,
        oauth: Mapping[str, OAuthProvider] | None = None,
        clock: Clock = utcnow,
        sleep: Sleep | None = None,
        store: ObjectStore | None = None,
    ) -> SyndicationRuntime:
        """``store``: where the posts' images are kept; with it, images are converted for
        each platform and X gets their bytes (the publish worker passes it)."""
        http = build_http_client(settings) if clients is None or oauth is None else None
        if clients is None:
            assert http is not None
            clients = build_platform_clients(settings, http)
        if oauth is None:
            assert http is not None
            oauth = build_oauth_providers(settings, http)
        tokens = TokenManager(
            sessionmaker,
            keyring,
            clients,
            margin_s=settings.syndication_token_refresh_margin_s,
            clock=clock,
        )
        publisher = Publisher(
            sessionmaker,
            tokens,
            clients,
            settings,
            clock=clock,
            sleep=sleep or asyncio.sleep,
            media=MediaPreparer(store) if store is not None else None,
        )
        return cls(settings, clients, oauth, tokens, publisher, http)

    async def aclose(self) -> None:
        if self.http is not None:
            await self.http.aclose()
