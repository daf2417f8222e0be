"""A burst: many posts of one account fall due at the same moment. The ledger spreads them
over the platform's window — as many as the window allows go out at once, each of the others
waits (with the reason) until a slot frees — so the platform never sees a call beyond its
limit and never has to refuse one."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from icop.syndication.platforms.base import Platform
from icop.syndication.runtime import SyndicationRuntime
from tests.syndication.publishing.conftest import World
from tests.syndication.support import load_post, make_account, make_post

LIMIT = 5
WINDOW = timedelta(minutes=15)
BURST = 12


async def test_a_burst_on_one_account_is_spread_within_the_window(world: World) -> None:
    start = datetime.now(UTC)
    moment = [start]
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    runtime = SyndicationRuntime.create(
        world.settings.model_copy(
            update={"syndication_x_limit_15min": LIMIT, "syndication_x_limit_3h": 100}
        ),
        world.sessionmaker,
        world.context.keyring,
        clients=dict(world.platforms),
        oauth={},
        clock=lambda: moment[0],
        sleep=sleep,
    )
    account = await make_account(world.sessionmaker, world.context.keyring, world.tenant_id)
    posts = [
        await make_post(
            world.sessionmaker, world.tenant_id, account, [f"burst {n}"], scheduled_at=start
        )
        for n in range(BURST)
    ]

    due = dict.fromkeys(posts, start)
    published_at: dict[object, datetime] = {}
    reasons: set[str] = set()
    while due:
        now = moment[0]
        ready = [post for post, when in due.items() if when <= now]
        outcomes = await asyncio.gather(
            *(runtime.publisher.publish(world.tenant_id, post) for post in ready)
        )
        for post, outcome in zip(ready, outcomes, strict=True):
            if outcome.status == "published":
                published_at[post] = now
                del due[post]
            else:
                assert outcome.status == "waiting", outcome
                assert outcome.wait_until is not None and outcome.wait_until > now
                due[post] = outcome.wait_until
                reasons.add(outcome.reason or "")
        if due:
            moment[0] = min(due.values())  # the workflow's timer

    fake = world.platforms[Platform.X]
    # Every post went out once, none was refused by the platform.
    assert fake.publish_calls == BURST and len(fake.posts) == BURST
    # Spread: never more than LIMIT in any window, and the first LIMIT went out at once.
    times = sorted(published_at.values())
    for index, first in enumerate(times):
        assert sum(1 for later in times[index:] if later < first + WINDOW) <= LIMIT
    assert times[:LIMIT] == [start] * LIMIT
    assert times[LIMIT] == start + WINDOW  # the next slot, not later
    assert times[-1] == start + 2 * WINDOW  # 12 posts: 5 + 5 + 2
    assert any("15 minutes" in reason for reason in reasons), reasons
    for post in posts:
        row, _ = await load_post(world.sessionmaker, world.tenant_id, post)
        assert row.status == "published" and row.delay_reason is None
