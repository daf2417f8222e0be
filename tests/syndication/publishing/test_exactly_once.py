"""The exactly-once publisher against an in-memory platform and the real database: every
outcome the client contract names, crashes between intent and answer, threads and resumes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from icop.db.session import unit_of_work
from icop.models import PublishAttempt, PublishLedgerEntry, SocialAccount
from icop.syndication.platforms.base import Platform
from tests.helpers import notifications_of
from tests.syndication.publishing.conftest import World
from tests.syndication.support import events, load_post, make_account, make_post


async def _setup(
    world: World, texts: list[str], platform: str = "x"
) -> tuple[uuid.UUID, uuid.UUID]:
    account = await make_account(
        world.sessionmaker, world.context.keyring, world.tenant_id, platform=platform
    )
    post = await make_post(world.sessionmaker, world.tenant_id, account, texts, platform=platform)
    return account, post


async def _ledger(world: World) -> list[PublishLedgerEntry]:
    async with unit_of_work(world.sessionmaker, world.tenant_id) as session:
        return list((await session.scalars(select(PublishLedgerEntry))).all())


async def test_a_thread_publishes_in_order_each_part_answering_the_previous(
    world: World,
) -> None:
    _, post_id = await _setup(world, ["one", "two", "three"])
    outcome = await world.runtime().publisher.publish(world.tenant_id, post_id)
    assert outcome.status == "published"
    fake = world.platforms[Platform.X]
    assert [p.text for p in fake.posts] == ["one", "two", "three"]
    assert [p.reply_to for p in fake.posts] == [
        None,
        fake.posts[0].platform_post_id,
        fake.posts[1].platform_post_id,
    ]
    post, attempts = await load_post(world.sessionmaker, world.tenant_id, post_id)
    assert post.status == "published" and post.published_at is not None
    assert post.platform_post_ids == [p.platform_post_id for p in fake.posts]
    assert post.permalink == f"https://fake/{fake.posts[0].platform_post_id}"
    assert [(a.part_index, a.outcome) for a in attempts] == [
        (0, "published"),
        (1, "published"),
        (2, "published"),
    ]
    assert all(a.answered_at and a.answered_at >= a.intent_at for a in attempts)
    assert len(await _ledger(world)) == 3
    published = [e for e in await events(world.sessionmaker, world.tenant_id)]
    assert [e.topic for e in published] == ["post.published"]
    assert published[0].payload["permalink"] == post.permalink
    assert published[0].payload["platform"] == "x"
    # Running again (a retried activity) is a no-op.
    again = await world.runtime().publisher.publish(world.tenant_id, post_id)
    assert again.status == "published" and len(fake.posts) == 3


async def test_ambiguous_call_that_created_the_post_is_reconciled_not_reposted(
    world: World,
) -> None:
    fake = world.platforms[Platform.X]
    fake.script = ["created_then_lost"]
    _, post_id = await _setup(world, ["Hello  https://example.com/a"])
    outcome = await world.runtime().publisher.publish(world.tenant_id, post_id)
    assert outcome.status == "published"
    assert fake.publish_calls == 1 and len(fake.posts) == 1
    post, attempts = await load_post(world.sessionmaker, world.tenant_id, post_id)
    assert [a.outcome for a in attempts] == ["reconciled_published"]
    assert attempts[0].error_code == "platform_outcome_unknown"
    assert post.platform_post_ids == [fake.posts[0].platform_post_id]


async def test_found_on_the_second_look_after_the_grace_delay(world: World) -> None:
    fake = world.platforms[Platform.X]
    fake.script = ["created_then_lost"]
    fake.hidden_for_looks = 1
    _, post_id = await _setup(world, ["slow index"])
    outcome = await world.runtime().publisher.publish(world.tenant_id, post_id)
    assert outcome.status == "published" and fake.recent_calls == 2
    assert 0.01 in world.sleeps and len(fake.posts) == 1


async def test_ambiguous_call_that_created_nothing_becomes_unconfirmed_never_reposted(
    world: World,
) -> None:
    fake = world.platforms[Platform.X]
    fake.script = ["lost"]
    _, post_id = await _setup(world, ["vanished"])
    runtime = world.runtime()
    outcome = await runtime.publisher.publish(world.tenant_id, post_id)
    assert outcome.status == "unconfirmed" and "retry" in (outcome.reason or "")
    assert fake.recent_calls == 2 and fake.posts == []
    post, attempts = await load_post(world.sessionmaker, world.tenant_id, post_id)
    assert post.status == "unconfirmed"
    assert [a.outcome for a in attempts] == ["ambiguous"] and attempts[0].reconciled_at
    assert [e.topic for e in await events(world.sessionmaker, world.tenant_id)] == [
        "post.unconfirmed"
    ]
    # The team is told, in the same transaction.
    assert await notifications_of(world.sessionmaker, world.tenant_id) == [
        ("post_unconfirmed", post_id)
    ]
    # A later run (a workflow retry) does not send it again.
    again = await runtime.publisher.publish(world.tenant_id, post_id)
    assert again.status == "unconfirmed" and fake.publish_calls == 1
    # The manual retry's fresh look says absent: the attempt is closed as such and the
    # slot it held is free again.
    assert await runtime.publisher.recheck(world.tenant_id, post_id) is False
    _, attempts = await load_post(world.sessionmaker, world.tenant_id, post_id)
    assert [a.outcome for a in attempts] == ["reconciled_absent"]
    assert await _ledger(world) == []


async def test_crash_between_intent_and_answer_is_reconciled_on_the_next_run(
    world: World,
) -> None:
    fake = world.platforms[Platform.X]
    account_id, post_id = await _setup(world, ["first", "second"])
    # The first run died after part 0 was sent: the intent is there, the answer is not.
    intent_at = datetime.now(UTC) - timedelta(seconds=5)
    async with unit_of_work(world.sessionmaker, world.tenant_id) as session:
        session.add(
            PublishAttempt(
                tenant_id=world.tenant_id,
                post_id=post_id,
                attempt_no=1,
                part_index=0,
                intent_at=intent_at,
            )
        )
    fake._create("first", None)
    outcome = await world.runtime().publisher.publish(world.tenant_id, post_id)
    assert outcome.status == "published"
    assert [p.text for p in fake.posts] == ["first", "second"]
    assert fake.posts[1].reply_to == fake.posts[0].platform_post_id
    _, attempts = await load_post(world.sessionmaker, world.tenant_id, post_id)
    assert [a.outcome for a in attempts] == ["reconciled_published", "published"]
    del account_id


async def test_crash_after_intent_with_nothing_created_is_unconfirmed(world: World) -> None:
    fake = world.platforms[Platform.X]
    _, post_id = await _setup(world, ["never sent"])
    async with unit_of_work(world.sessionmaker, world.tenant_id) as session:
        session.add(
            PublishAttempt(
                tenant_id=world.tenant_id,
                post_id=post_id,
                attempt_no=1,
                part_index=0,
                intent_at=datetime.now(UTC),
            )
        )
    outcome = await world.runtime().publisher.publish(world.tenant_id, post_id)
    assert outcome.status == "unconfirmed" and fake.publish_calls == 0


async def test_rate_limit_waits_until_the_reset_time_never_less(world: World) -> None:
    fake = world.platforms[Platform.X]
    reset = datetime.now(UTC) + timedelta(minutes=7, seconds=13)
    fake.script, fake.reset_at = ["429"], reset
    _, post_id = await _setup(world, ["later"])
    runtime = world.runtime()
    outcome = await runtime.publisher.publish(world.tenant_id, post_id)
    assert outcome.status == "waiting" and outcome.wait_until == reset
    post, attempts = await load_post(world.sessionmaker, world.tenant_id, post_id)
    assert post.status == "waiting_quota" and "rate-limited" in (post.delay_reason or "")
    assert post.next_attempt_at == reset
    assert [a.outcome for a in attempts] == ["failed"] and attempts[0].http_status == 429
    assert await _ledger(world) == []  # nothing was created: the slot is free
    # Woken early (a clock difference), the ledger still says wait: nothing is sent.
    early = await runtime.publisher.publish(world.tenant_id, post_id)
    assert early.status == "waiting" and early.wait_until == reset
    assert fake.publish_calls == 1


async def test_transient_errors_are_retried_with_backoff(world: World) -> None:
    fake = world.platforms[Platform.X]
    fake.script = ["transient", "transient"]
    _, post_id = await _setup(world, ["flaky"])
    outcome = await world.runtime().publisher.publish(world.tenant_id, post_id)
    assert outcome.status == "published" and len(fake.posts) == 1
    assert world.sleeps == [0.01, 0.02]


async def test_a_thread_resumes_after_the_last_confirmed_part(world: World) -> None:
    fake = world.platforms[Platform.X]
    fake.script = ["ok", "transient", "transient", "transient"]
    _, post_id = await _setup(world, ["a", "b", "c"])
    runtime = world.runtime()
    first = await runtime.publisher.publish(world.tenant_id, post_id)
    assert first.status == "retry" and first.wait_until is not None
    post, _ = await load_post(world.sessionmaker, world.tenant_id, post_id)
    assert post.status == "scheduled" and "trying again" in (post.delay_reason or "")
    second = await runtime.publisher.publish(world.tenant_id, post_id)
    assert second.status == "published"
    assert [p.text for p in fake.posts] == ["a", "b", "c"]
    assert fake.posts[1].reply_to == fake.posts[0].platform_post_id


async def test_bad_request_fails_with_the_platform_message(world: World) -> None:
    fake = world.platforms[Platform.X]
    fake.script = ["bad_request"]
    _, post_id = await _setup(world, ["dup"])
    outcome = await world.runtime().publisher.publish(world.tenant_id, post_id)
    assert outcome.status == "failed" and outcome.reason == "Status is a duplicate."
    post, attempts = await load_post(world.sessionmaker, world.tenant_id, post_id)
    assert post.status == "failed" and post.error == "Status is a duplicate."
    assert attempts[0].error_message == "Status is a duplicate."
    failed = await events(world.sessionmaker, world.tenant_id)
    assert [e.topic for e in failed] == ["post.failed"]
    assert failed[0].payload["reason"] == "Status is a duplicate."


async def test_permission_denied_fails_and_asks_for_a_reconnect(world: World) -> None:
    world.platforms[Platform.X].script = ["denied"]
    account_id, post_id = await _setup(world, ["scope"])
    outcome = await world.runtime().publisher.publish(world.tenant_id, post_id)
    assert outcome.status == "failed" and outcome.reason == "missing scope"
    async with unit_of_work(world.sessionmaker, world.tenant_id) as session:
        account = await session.get(SocialAccount, (world.tenant_id, account_id))
        assert account is not None and account.status == "needs_reconnect"


async def test_expired_token_on_publish_is_refreshed_and_the_post_goes_out(world: World) -> None:
    fake = world.platforms[Platform.X]
    fake.script = ["expired"]
    _, post_id = await _setup(world, ["after refresh"])
    outcome = await world.runtime().publisher.publish(world.tenant_id, post_id)
    assert outcome.status == "published" and fake.refresh_calls == 1 and len(fake.posts) == 1
