"""An article's social copy to Facebook, Instagram, Threads and X on the platform emulator, end
to end: accounts connected through the real OAuth connect flows (our API → the emulator's
consent page → our callback), the post scheduled through ``POST /api/v1/posts``, and
``PublishPostWorkflow`` on a Temporal dev server worker running the real activities, publisher
and clients over HTTP.

The article's image is a wide PNG in our object store, as a provider's image may be: Instagram
takes only JPEGs between 4:5 and 1.91:1, so the publisher converts it through the image
service's JPEG pipeline and sends that; X receives the bytes from the store; Meta fetches a
freshly signed ``/api/v1/media/...`` URL.
"""

from __future__ import annotations

import asyncio
import io
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client

from icop.db.session import unit_of_work
from icop.emulators.platforms import EmulatorServer
from icop.models import GeneratedArticle
from icop.orchestrator.connection import LazyClient, TemporalSettings
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import WorkerRegistry, running_workers
from icop.runtime.clients import Runtime
from icop.storage.factory import build_object_store
from icop.storage.keys import key_in_url
from icop.syndication.activities import PublishActivities
from icop.syndication.dependencies import get_scheduler
from icop.syndication.runtime import SyndicationRuntime
from icop.syndication.scheduler import TemporalPostScheduler
from icop.syndication.workflows import PostFinished, PublishPostWorkflow, workflow_id
from tests.helpers import Account, ApiClient
from tests.syndication.support import events, load_post, serial


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    server = EmulatorServer().start()
    yield server
    server.stop()


async def _connect(client: ApiClient, owner: Account, provider: str) -> list[dict[str, object]]:
    """What a user's browser does: our connect link → the platform's consent page → the
    redirect back to our callback with the code."""
    started = await client.post(f"/api/v1/accounts/connect/{provider}", headers=owner.headers)
    assert started.status_code == 200, started.text
    async with httpx.AsyncClient(timeout=10) as browser:
        consent = await browser.get(started.json()["authorization_url"])
    assert consent.status_code == 302, consent.text
    query = parse_qs(urlsplit(consent.headers["location"]).query)
    done = await client.get(
        f"/api/v1/accounts/callback/{provider}",
        params={"code": query["code"][0], "state": query["state"][0]},
    )
    assert done.status_code == 200, done.text
    accounts: list[dict[str, object]] = done.json()
    return accounts


def _wide_png() -> bytes:
    image = Image.new("RGB", (1500, 500), (30, 120, 90))
    for x in range(0, 1500, 50):
        image.paste((240, 200, 40), (x, 200, x + 25, 300))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


async def test_an_article_goes_out_to_all_four_platforms(
    client: ApiClient,
    context: Runtime,
    sessionmaker: async_sessionmaker[AsyncSession],
    emulator: EmulatorServer,
    temporal_client: Client,
    temporal_settings: TemporalSettings,
) -> None:
    owner = await client.signup("Syndicated")
    settings = context.settings.model_copy(
        update={
            "platform_emulator_url": emulator.url,
            "meta_container_poll_interval_s": 0.05,
        }
    )
    store = build_object_store(settings)
    worker_sessions = serial(sessionmaker)
    runtime = SyndicationRuntime.create(settings, worker_sessions, context.keyring, store=store)
    context.syndication = runtime
    app = client.http._transport.app  # type: ignore[attr-defined]
    app.dependency_overrides[get_scheduler] = lambda: TemporalPostScheduler(
        LazyClient(temporal_settings)
    )

    connected = [
        account
        for provider in ("meta", "threads", "x")
        for account in await _connect(client, owner, provider)
    ]
    by_platform = {str(a["platform"]): a for a in connected}
    assert set(by_platform) == {"facebook", "instagram", "threads", "x"}
    assert all(a["status"] == "connected" for a in connected)

    png = _wide_png()
    image = await store.put(owner.tenant_id, png, "image/png")
    article_id = uuid.uuid4()
    async with unit_of_work(sessionmaker, owner.tenant_id) as session:
        session.add(
            GeneratedArticle(
                id=article_id,
                tenant_id=owner.tenant_id,
                topic="composting",
                status="ready",
                title="Compost at home",
                social={
                    "facebook": {
                        "text": "Compost at home: greens, browns and patience.",
                        "link_url": "https://example.com/compost",
                    },
                    "instagram": {"text": "Greens + browns = black gold. #compost #garden"},
                    "threads": {"text": "Three rules for a compost heap that does not smell."},
                    "x": {"text": "Compost at home in three rules. #compost"},
                },
                images=[
                    {
                        "url": image.url,
                        "width": 1500,
                        "height": 500,
                        "format": "png",
                        "size_bytes": image.size,
                        "alt": "A compost heap",
                    }
                ],
            )
        )

    registry = WorkerRegistry()
    activities = PublishActivities(worker_sessions, runtime.publisher)
    registry.register(
        TaskQueue.SYNDICATION,
        workflows=[PublishPostWorkflow],
        activities=[activities.publish, activities.cancel],
    )
    try:
        async with running_workers(
            temporal_client, [TaskQueue.SYNDICATION], registry, settings=temporal_settings
        ):
            # Due in a moment: the request's transaction is done before the first activity.
            due = datetime.now(UTC) + timedelta(seconds=2)
            response = await client.post(
                "/api/v1/posts",
                headers=owner.headers,
                json={
                    "article_id": str(article_id),
                    "scheduled_at": due.isoformat(),
                    "account_ids": [str(a["id"]) for a in connected],
                },
            )
            assert response.status_code == 201, response.text
            scheduled = {p["platform"]: p for p in response.json()}
            assert set(scheduled) == set(by_platform)
            results: list[PostFinished] = await asyncio.wait_for(
                asyncio.gather(
                    *(
                        temporal_client.get_workflow_handle(
                            workflow_id(post["id"]), result_type=PostFinished
                        ).result()
                        for post in scheduled.values()
                    )
                ),
                timeout=60,
            )
    finally:
        await runtime.aclose()
    assert [r.status for r in results] == ["published"] * 4, results

    for platform, scheduled_post in scheduled.items():
        post, attempts = await load_post(
            worker_sessions, owner.tenant_id, uuid.UUID(scheduled_post["id"])
        )
        assert post.status == "published" and post.published_at is not None
        assert post.published_at >= due
        assert [a.outcome for a in attempts] == ["published"]
        platform_id = post.platform_post_ids[0]
        remote = emulator.state.posts_of(None, None)
        mine = [p for p in remote if p.post_id == platform_id]
        assert len(mine) == 1 and mine[0].platform.value == platform, platform
        assert mine[0].text == post.parts[0].text
        assert len(mine[0].media) == 1, platform

    instagram = next(
        p for p in emulator.state.posts_of(None, None) if p.platform.value == "instagram"
    )
    sent = instagram.media[0]
    assert urlsplit(sent).path.startswith("/api/v1/media/") and sent.split("?")[0].endswith(".jpg")
    converted = key_in_url(sent, owner.tenant_id)
    assert converted is not None and converted != image.key
    with Image.open(io.BytesIO(await store.get(converted))) as jpeg:
        assert jpeg.format == "JPEG" and jpeg.width / jpeg.height <= 1.91 + 0.01
    # Facebook and Threads take the PNG as it is, at a fresh link to the same object.
    for platform in ("facebook", "threads"):
        item = next(p for p in emulator.state.posts_of(None, None) if p.platform.value == platform)
        assert key_in_url(item.media[0], owner.tenant_id) == image.key
    # X got the bytes (a media upload), not a link.
    tweet = next(p for p in emulator.state.posts_of(None, None) if p.platform.value == "x")
    assert tweet.kind == "MEDIA"

    published = await events(worker_sessions, owner.tenant_id)
    assert sorted(e.payload["platform"] for e in published if e.topic == "post.published") == [
        "facebook",
        "instagram",
        "threads",
        "x",
    ]
