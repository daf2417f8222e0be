"""A stored video post through the real publisher, the real platform clients and the emulator:
the video is converted for Instagram (4:3 at 15 FPS becomes 9:16 at 30 FPS), uploaded as a
Reel, and an answer lost after media_publish is reconciled — one post on the platform, never
two. One end-to-end test; the per-platform wire details are in the emulator tests."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.db.session import unit_of_work
from icop.emulators.platforms import EmulatorServer
from icop.models import Post, SocialAccount
from icop.platforms.video import fits, probe
from icop.runtime.clients import Runtime
from icop.storage.factory import build_object_store
from icop.syndication.platforms.base import Platform, TokenGrant
from icop.syndication.platforms.factory import build_platform_clients
from icop.syndication.runtime import SyndicationRuntime
from icop.syndication.tokens import store_grant
from tests.helpers import ApiClient
from tests.syndication.support import load_post, serial

from .clips import make_clip


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorServer]:
    server = EmulatorServer().start()
    yield server
    server.stop()


async def test_a_video_post_is_converted_uploaded_as_a_reel_and_published_exactly_once(
    client: ApiClient,
    context: Runtime,
    sessionmaker: async_sessionmaker[AsyncSession],
    emulator: EmulatorServer,
) -> None:
    owner = await client.signup("Video")
    settings = context.settings.model_copy(
        update={
            "platform_emulator_url": emulator.url,
            "meta_container_poll_interval_s": 0.01,
            "syndication_reconcile_grace_s": 0.01,
        }
    )
    store = build_object_store(settings)
    sessions = serial(sessionmaker)
    async with httpx.AsyncClient(timeout=10) as http:
        created = await http.post(
            f"{emulator.url}/_emulator/accounts", json={"platform": "instagram"}
        )
        remote = created.json()
        account_id = uuid.uuid4()
        async with unit_of_work(sessions, owner.tenant_id) as session:
            account = SocialAccount(
                tenant_id=owner.tenant_id,
                id=account_id,
                platform="instagram",
                platform_account_id=remote["account_id"],
                name="Reels",
                provider="meta",
                status="connected",
            )
            session.add(account)
            await session.flush()
            grant = TokenGrant(remote["access_token"], None, datetime.now(UTC) + timedelta(days=1))
            await store_grant(session, context.keyring, account, grant)

        stored = await store.put(owner.tenant_id, make_clip(320, 240, 3.5, fps=15), "video/mp4")
        post_id = uuid.uuid4()
        part = {"text": "Compost in 30 seconds", "media": [{"url": stored.url, "kind": "video"}]}
        async with unit_of_work(sessions, owner.tenant_id) as session:
            session.add(
                Post(
                    tenant_id=owner.tenant_id,
                    id=post_id,
                    social_account_id=account_id,
                    platform="instagram",
                    parts=[part],
                    scheduled_at=datetime.now(UTC),
                    status="scheduled",
                    platform_post_ids=[],
                    workflow_id=f"post-{post_id}",
                )
            )
        # The answer to media_publish is lost after the reel was made.
        fault = {"platform": "instagram", "kind": "drop_after_create"}
        (await http.post(f"{emulator.url}/_emulator/faults", json=fault)).raise_for_status()

        runtime = SyndicationRuntime.create(
            settings,
            sessions,
            context.keyring,
            clients=build_platform_clients(settings, http),
            oauth={},
            store=store,
        )
        outcome = await runtime.publisher.publish(owner.tenant_id, post_id)
        again = await runtime.publisher.publish(owner.tenant_id, post_id)

        posts = (await http.get(f"{emulator.url}/_emulator/posts")).json()["data"]
        [video] = (await http.get(f"{emulator.url}/_emulator/videos")).json()["data"]
        uploaded = (await http.get(f"{emulator.url}/_emulator/videos/{video['id']}")).content

    assert outcome.status == "published" and again.status == "published"
    [reel] = posts
    assert reel["kind"] == "REELS" and reel["text"] == "Compost in 30 seconds"
    post, attempts = await load_post(sessions, owner.tenant_id, post_id)
    assert [a.outcome for a in attempts] == ["reconciled_published"]
    assert post.platform_post_ids == [reel["id"]]
    # What Instagram received is the converted file, not the 4:3 original.
    facts = probe(uploaded)
    assert fits(facts, Platform.INSTAGRAM) and facts.fps == 30.0
    assert video["sha256"] == hashlib.sha256(uploaded).hexdigest()
