"""The publisher exports each run's outcome (``icop_publish_total``: the unconfirmed-posts
alert reads it) and each quota wait (``icop_quota_wait_seconds``)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from icop.observability.metrics import REGISTRY
from icop.syndication.platforms.base import Platform
from tests.syndication.publishing.conftest import World
from tests.syndication.support import make_account, make_post


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def _post(world: World, text: str) -> uuid.UUID:
    account = await make_account(
        world.sessionmaker, world.context.keyring, world.tenant_id, platform="x"
    )
    return await make_post(world.sessionmaker, world.tenant_id, account, [text], platform="x")


async def test_an_unconfirmed_post_is_counted_once(world: World) -> None:
    before = sample("icop_publish_total", platform="x", outcome="unconfirmed")
    world.platforms[Platform.X].script = ["lost"]
    post_id = await _post(world, "vanished")
    runtime = world.runtime()
    assert (await runtime.publisher.publish(world.tenant_id, post_id)).status == "unconfirmed"
    # A later run finds it settled and sends nothing: it is not counted again.
    assert (await runtime.publisher.publish(world.tenant_id, post_id)).status == "unconfirmed"
    assert sample("icop_publish_total", platform="x", outcome="unconfirmed") == before + 1


async def test_a_published_post_and_a_quota_wait_are_counted(world: World) -> None:
    published = sample("icop_publish_total", platform="x", outcome="published")
    waits = sample("icop_quota_wait_seconds_count", platform="x")
    runtime = world.runtime()
    post_id = await _post(world, "hello")
    assert (await runtime.publisher.publish(world.tenant_id, post_id)).status == "published"
    assert sample("icop_publish_total", platform="x", outcome="published") == published + 1
    fake = world.platforms[Platform.X]
    fake.script, fake.reset_at = ["429"], datetime.now(UTC) + timedelta(minutes=7)
    later = await _post(world, "later")
    assert (await runtime.publisher.publish(world.tenant_id, later)).status == "waiting"
    assert sample("icop_quota_wait_seconds_count", platform="x") == waits + 1
    assert sample("icop_quota_wait_seconds_sum", platform="x") > 0
