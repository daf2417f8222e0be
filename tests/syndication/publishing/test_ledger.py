"""The quota ledger: rolling windows per platform, the platform's own reports, and the
scheduler's view of them (a full window delays the post with the reason visible)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from icop.db.session import unit_of_work
from icop.models import PublishLedgerEntry, SocialAccount
from icop.syndication.ledger import QuotaLedger
from icop.syndication.platforms.base import Platform, PublishLimit, RateState
from tests.syndication.publishing.conftest import World
from tests.syndication.support import load_post, make_account, make_post

NOW = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)


async def _fill(world: World, account_id: uuid.UUID, times: list[datetime]) -> None:
    async with unit_of_work(world.sessionmaker, world.tenant_id) as session:
        session.add_all(
            PublishLedgerEntry(
                tenant_id=world.tenant_id, social_account_id=account_id, counted_at=moment
            )
            for moment in times
        )


async def _slot(world: World, account_id: uuid.UUID, ledger: QuotaLedger, now: datetime):  # type: ignore[no-untyped-def]
    async with unit_of_work(world.sessionmaker, world.tenant_id) as session:
        account = await session.get(SocialAccount, (world.tenant_id, account_id))
        assert account is not None
        return await ledger.next_slot(session, account, now)


async def test_threads_allows_250_per_rolling_day(world: World) -> None:
    account = await make_account(
        world.sessionmaker, world.context.keyring, world.tenant_id, platform="threads"
    )
    ledger = QuotaLedger(world.settings)
    # 250 posts, one a minute, the first 23 h ago.
    first = NOW - timedelta(hours=23)
    await _fill(world, account, [first + timedelta(minutes=i) for i in range(249)])
    assert (await _slot(world, account, ledger, NOW)).free(NOW)
    await _fill(world, account, [first + timedelta(minutes=249)])
    slot = await _slot(world, account, ledger, NOW)
    assert slot.when == first + timedelta(hours=24)
    assert slot.reason and "250 posts per 24 hours" in slot.reason
    # Once the oldest leaves the window there is room again.
    assert (await _slot(world, account, ledger, slot.when + timedelta(seconds=1))).free(
        slot.when + timedelta(seconds=1)
    )


async def test_x_windows_of_15_minutes_and_3_hours(world: World) -> None:
    account = await make_account(world.sessionmaker, world.context.keyring, world.tenant_id)
    ledger = QuotaLedger(
        world.settings.model_copy(
            update={"syndication_x_limit_15min": 3, "syndication_x_limit_3h": 5}
        )
    )
    await _fill(world, account, [NOW - timedelta(minutes=m) for m in (1, 2, 3)])
    slot = await _slot(world, account, ledger, NOW)
    assert slot.when == NOW - timedelta(minutes=3) + timedelta(minutes=15)
    await _fill(world, account, [NOW - timedelta(minutes=m) for m in (100, 110)])
    later = NOW + timedelta(minutes=13)
    slot = await _slot(world, account, ledger, later)
    assert slot.when == NOW - timedelta(minutes=110) + timedelta(hours=3)
    assert slot.reason and "3 hours" in slot.reason


async def test_platform_reports_rate_limits_and_usage(world: World) -> None:
    ledger = QuotaLedger(world.settings)
    x = await make_account(world.sessionmaker, world.context.keyring, world.tenant_id)
    fb = await make_account(
        world.sessionmaker, world.context.keyring, world.tenant_id, platform="facebook"
    )
    ig = await make_account(
        world.sessionmaker, world.context.keyring, world.tenant_id, platform="instagram"
    )
    reset = NOW + timedelta(minutes=9)
    async with unit_of_work(world.sessionmaker, world.tenant_id) as session:
        accounts = {
            key: await session.get(SocialAccount, (world.tenant_id, key)) for key in (x, fb, ig)
        }
        await ledger.record_rate(
            session,
            accounts[x],
            RateState(
                remaining=0,
                limit=100,  # type: ignore[arg-type]
                reset_at=reset,
            ),
            NOW,
        )
        await ledger.record_rate(
            session,
            accounts[fb],
            RateState(
                usage_percent=95,  # type: ignore[arg-type]
                regain_after_s=120,
            ),
            NOW,
        )
        await ledger.record_publishing_limit(
            session,
            accounts[ig],
            PublishLimit(used=50, total=50, window_s=86400),
            NOW,  # type: ignore[arg-type]
        )
    assert (await _slot(world, x, ledger, NOW)).when == reset
    fb_slot = await _slot(world, fb, ledger, NOW)
    assert fb_slot.when == NOW + timedelta(seconds=120) and "95 %" in (fb_slot.reason or "")
    ig_slot = await _slot(world, ig, ledger, NOW)
    assert ig_slot.when == NOW + timedelta(seconds=world.settings.syndication_limit_recheck_s)
    assert "50 of 50" in (ig_slot.reason or "")
    # A later, shorter wait never cuts a longer one short.
    async with unit_of_work(world.sessionmaker, world.tenant_id) as session:
        account = await session.get(SocialAccount, (world.tenant_id, x))
        assert account is not None
        await ledger.record_limited(session, account, NOW + timedelta(minutes=30), None, NOW)
        await ledger.record_limited(session, account, NOW + timedelta(minutes=1), None, NOW)
    assert (await _slot(world, x, ledger, NOW)).when == NOW + timedelta(minutes=30)


async def test_a_post_due_in_a_full_window_waits_with_the_reason(world: World) -> None:
    account = await make_account(
        world.sessionmaker, world.context.keyring, world.tenant_id, platform="threads"
    )
    world.platforms[Platform.THREADS].limit = PublishLimit(used=0, total=250, window_s=86400)
    now = datetime.now(UTC)
    await _fill(world, account, [now - timedelta(hours=1)] * 250)
    post_id = await make_post(
        world.sessionmaker, world.tenant_id, account, ["full"], platform="threads"
    )
    outcome = await world.runtime().publisher.publish(world.tenant_id, post_id)
    assert outcome.status == "waiting"
    assert outcome.wait_until is not None
    assert abs((outcome.wait_until - (now + timedelta(hours=23))).total_seconds()) < 1
    post, attempts = await load_post(world.sessionmaker, world.tenant_id, post_id)
    assert post.status == "waiting_quota" and attempts == []
    assert post.delay_reason and "Threads allows 250 posts per 24 hours" in post.delay_reason
    assert world.platforms[Platform.THREADS].publish_calls == 0
