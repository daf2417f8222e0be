"""The syndication service's clients, built once per process (API and workers): the platform
clients, the OAuth connect providers, the token manager and the publisher over them.

``platform_clients``/``oauth_providers`` are the one place the real HTTP clients (or the local
platform emulator's base URLs) are plugged in; tests build a runtime over fakes."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.config import Settings
from icop.credentials.vault import Keyring
from icop.syndication.ledger import QuotaLedger
from icop.syndication.platforms.base import OAuthProvider, Platform, PlatformClient
from icop.syndication.publisher import Publisher, Sleep
from icop.syndication.tokens import Clock, TokenManager, utcnow


def platform_clients(settings: Settings) -> dict[Platform, PlatformClient]:
    """The configured platform clients. Integration point for the HTTP clients (issue #7
    item 1): until they are wired, no platform is configured and publishing fails clearly."""
    del settings
    return {}


def oauth_providers(settings: Settings) -> dict[str, OAuthProvider]:
    """The configured connect flows ("meta", "threads", "x"); same integration point."""
    del settings
    return {}


@dataclass
class SyndicationRuntime:
    settings: Settings
    clients: Mapping[Platform, PlatformClient]
    oauth: Mapping[str, OAuthProvider]
    tokens: TokenManager
    publisher: Publisher
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
    ) -> SyndicationRuntime:
        clients = platform_clients(settings) if clients is None else clients
        oauth = oauth_providers(settings) if oauth is None else oauth
        tokens = TokenManager(
            sessionmaker,
            keyring,
            clients,
            margin_s=settings.syndication_token_refresh_margin_s,
            clock=clock,
        )
        publisher = Publisher(
            sessionmaker, tokens, clients, settings, clock=clock, sleep=sleep or asyncio.sleep
        )
        return cls(settings, clients, oauth, tokens, publisher)
