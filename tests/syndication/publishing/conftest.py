from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.config import Settings
from icop.runtime.clients import Runtime
from icop.syndication.platforms.base import Platform
from icop.syndication.runtime import SyndicationRuntime
from tests.helpers import ApiClient
from tests.syndication.fakes import FakePlatform
from tests.syndication.support import serial


@dataclass
class World:
    tenant_id: uuid.UUID
    sessionmaker: async_sessionmaker[AsyncSession]
    context: Runtime
    settings: Settings
    platforms: dict[Platform, FakePlatform]
    sleeps: list[float]

    def runtime(self, **overrides: object) -> SyndicationRuntime:
        settings = self.settings.model_copy(
            update={
                "syndication_reconcile_grace_s": 0.01,
                "syndication_transient_backoff_s": 0.01,
                **overrides,
            }
        )

        async def sleep(seconds: float) -> None:
            self.sleeps.append(seconds)

        return SyndicationRuntime.create(
            settings,
            self.sessionmaker,
            self.context.keyring,
            clients=dict(self.platforms),
            oauth={},
            sleep=sleep,
        )


@pytest.fixture
async def world(
    client: ApiClient,
    context: Runtime,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> World:
    owner = await client.signup("Syndication")
    platforms = {p: FakePlatform(platform=p) for p in Platform}
    return World(owner.tenant_id, serial(sessionmaker), context, settings, platforms, [])


WorldFactory = Callable[[], World]
