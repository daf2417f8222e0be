from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from icop.runtime.clients import Runtime
from icop.syndication.dependencies import get_scheduler
from icop.syndication.platforms.base import Platform
from icop.syndication.runtime import SyndicationRuntime
from tests.helpers import ApiClient
from tests.syndication.fakes import FakeOAuth, FakePlatform


@dataclass
class RecordingScheduler:
    """Stands in for Temporal at the API edge (the workflow has its own tests)."""

    calls: list[tuple[str, uuid.UUID, object]] = field(default_factory=list)

    async def start(
        self,
        session: AsyncSession,
        tenant_id: uuid.UUID,
        post_id: uuid.UUID,
        scheduled_at: datetime,
    ) -> None:
        self.calls.append(("start", post_id, scheduled_at))

    async def cancel(self, post_id: uuid.UUID) -> None:
        self.calls.append(("cancel", post_id, None))

    async def reschedule(self, post_id: uuid.UUID, scheduled_at: datetime) -> None:
        self.calls.append(("reschedule", post_id, scheduled_at))

    async def publish_now(self, post_id: uuid.UUID) -> None:
        self.calls.append(("publish_now", post_id, None))


@dataclass
class Api:
    client: ApiClient
    context: Runtime
    scheduler: RecordingScheduler
    platforms: dict[Platform, FakePlatform]
    oauth: FakeOAuth


@pytest.fixture
def api(client: ApiClient, context: Runtime) -> Api:
    platforms = {p: FakePlatform(platform=p) for p in Platform}
    oauth = FakeOAuth()

    async def no_sleep(seconds: float) -> None:
        del seconds

    context.syndication = SyndicationRuntime.create(
        context.settings,
        context.sessionmaker,
        context.keyring,
        clients=dict(platforms),
        oauth={"x": oauth},
        sleep=no_sleep,
    )
    scheduler = RecordingScheduler()
    app = client.http._transport.app  # type: ignore[attr-defined]
    app.dependency_overrides[get_scheduler] = lambda: scheduler
    return Api(client, context, scheduler, platforms, oauth)
