"""After a disaster recovery, a restored post that was due before the disaster may already be
on the platform (sent after the backup was taken): the recovery opens a check attempt and the
publisher reads the platform before it sends anything — found: recorded, never posted twice;
absent: sent once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icop.db.session import unit_of_work
from icop.models import Post
from icop.ops.recovery import open_restore_check
from icop.syndication.platforms.base import Platform
from icop.syndication.repository import PostRepository
from tests.syndication.publishing.conftest import World
from tests.syndication.support import load_post, make_account, make_post


async def _restored_post(world: World, texts: list[str]) -> Post:
    account = await make_account(world.sessionmaker, world.context.keyring, world.tenant_id)
    due = datetime.now(UTC) - timedelta(hours=2)
    post_id = await make_post(world.sessionmaker, world.tenant_id, account, texts, scheduled_at=due)
    async with unit_of_work(world.sessionmaker, world.tenant_id) as session:
        post = await PostRepository(session).must_get(post_id)
        assert await open_restore_check(session, post)
        # Run again (the resume step is safe to repeat): the open check is not doubled.
        assert not await open_restore_check(session, post)
    return post


async def test_a_restored_post_already_on_the_platform_is_recorded_not_sent_again(
    world: World,
) -> None:
    fake = world.platforms[Platform.X]
    post = await _restored_post(world, ["Compost in winter", "Keep it covered"])
    fake._create("Compost in winter", None)  # sent after the backup, before the disaster
    outcome = await world.runtime().publisher.publish(world.tenant_id, post.id)
    assert outcome.status == "published"
    assert fake.publish_calls == 1  # only the second part, never the first again
    assert [p.text for p in fake.posts] == ["Compost in winter", "Keep it covered"]
    assert fake.posts[1].reply_to == fake.posts[0].platform_post_id
    _, attempts = await load_post(world.sessionmaker, world.tenant_id, post.id)
    assert [(a.part_index, a.outcome) for a in attempts] == [
        (0, "reconciled_published"),
        (1, "published"),
    ]


async def test_a_restored_post_absent_from_the_platform_is_sent_once(world: World) -> None:
    fake = world.platforms[Platform.X]
    post = await _restored_post(world, ["Worm bins in spring"])
    outcome = await world.runtime().publisher.publish(world.tenant_id, post.id)
    assert outcome.status == "published"
    assert fake.publish_calls == 1 and [p.text for p in fake.posts] == ["Worm bins in spring"]
    _, attempts = await load_post(world.sessionmaker, world.tenant_id, post.id)
    assert [a.outcome for a in attempts] == ["reconciled_absent", "published"]
    assert attempts[0].error_code == "restored_unsent"
