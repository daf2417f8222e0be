"""Fault injection: 1,000 posts through the real publisher, the real platform clients and the
platform emulator over HTTP, on the real database, while the emulator answers with 429s (with
reset times), 5xx, expired tokens and responses dropped after the post was created.

Driven as the publish workflow drives it, minus Temporal: ``Publisher.publish`` again and
again per post, sleeping until ``wait_until`` whenever it says "waiting"/"retry" — on the
virtual clock (harness.VirtualTime), so a 60-second reset costs no wall time.

What must hold:
- no post twice on the emulator (no two posts of one account with the same text);
- every post ends ``published`` or ``unconfirmed`` (nothing silently lost), and ``failed``
  only where a fault makes it the right answer (below);
- every ``published`` post's platform ids exist on the emulator with our text, and every
  ``unconfirmed`` post is really absent there (else reconciliation missed it);
- no call after a 429 before its reset time: neither the same post's next request, nor a new
  publish attempt on the same account after the 429 was recorded.

Legitimate non-``published`` ends:
- a 5xx *on the create call* is ambiguous by contract (the post may exist); the emulator's 5xx
  creates nothing, so both looks find nothing and the post is ``unconfirmed``, never re-sent;
- an X post whose token is refused more often than ``syndication_max_transient_failures``
  (each refusal a fresh expiry) fails; at these rates it should not happen, and the check
  says so if it does.
"""

from __future__ import annotations

import functools
import os
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.config import Settings
from icop.db.session import unit_of_work
from icop.emulators.platforms import EmulatorProcess
from icop.models import Post, PublishAttempt, SocialAccount
from icop.runtime.clients import Runtime
from icop.syndication.platforms.base import Platform
from icop.syndication.platforms.factory import build_oauth_providers, build_platform_clients
from icop.syndication.runs import PublishOutcome
from icop.syndication.runtime import SyndicationRuntime
from tests.helpers import ApiClient
from tests.syndication.support import serial

from .harness import (
    CURRENT_POST,
    Connected,
    VirtualTime,
    WireLog,
    add_posts,
    connect_emulator_account,
    use_virtual_time,
)

MAX_AUTH_FAILURES = Settings().syndication_max_transient_failures
POSTS = int(os.environ.get("ICOP_FAULT_POSTS", "1000"))
ACCOUNTS_PER_PLATFORM = 4
PROBABILITY = 0.04
# Where each fault applies. A 5xx on the create call is split off (it makes posts unconfirmed);
# on the other calls it is retried. Tokens expire only on X: Page tokens cannot be refreshed
# (reconnect), and Threads refuses to refresh an expired token (reconnect) — see the clients.
FAULTS: list[dict[str, Any]] = [
    *(
        {
            "platform": p.value,
            "kind": "rate_limit",
            "probability": PROBABILITY,
            "reset_s": 60 if p is not Platform.X else 45,
        }
        for p in Platform
    ),
    *({"platform": p.value, "kind": "drop_after_create", "probability": 0.08} for p in Platform),
    *(
        {"platform": p.value, "kind": "server_error", "on": on, "probability": PROBABILITY}
        for p, on in (
            (Platform.INSTAGRAM, "container"),
            (Platform.THREADS, "container"),
            (Platform.FACEBOOK, "read"),
            (Platform.INSTAGRAM, "read"),
            (Platform.THREADS, "read"),
            (Platform.X, "read"),
        )
    ),
    *(
        {"platform": p.value, "kind": "server_error", "on": "create", "probability": 0.01}
        for p in Platform
    ),
    {"platform": "x", "kind": "expire_token", "probability": 0.07},
]


@dataclass
class Run:
    tenant_id: uuid.UUID
    sessionmaker: async_sessionmaker[AsyncSession]
    runtime: SyndicationRuntime
    emulator: EmulatorProcess
    admin: httpx.AsyncClient
    clock: VirtualTime
    wire: WireLog
    blocks: list[Block]


@dataclass(frozen=True, slots=True)
class Block:
    """The quota ledger recording a platform's "wait until" for an account."""

    account_id: uuid.UUID
    post_id: uuid.UUID
    recorded_at: float
    reset_at: float


def _record_blocks(runtime: SyndicationRuntime, clock: VirtualTime, blocks: list[Block]) -> None:
    ledger = runtime.publisher.ledger
    record = ledger.record_limited

    async def recording(session: Any, account: Any, reset_at: datetime, *args: Any) -> None:
        post_id = CURRENT_POST.get()
        assert post_id is not None
        blocks.append(Block(account.id, post_id, clock.epoch(), reset_at.timestamp()))
        await record(session, account, reset_at, *args)

    ledger.record_limited = recording  # type: ignore[method-assign,assignment]


@pytest.fixture
async def run(
    client: ApiClient,
    context: Runtime,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Run]:
    owner = await client.signup("Faults")
    emulator = EmulatorProcess().start()
    admin = httpx.AsyncClient(timeout=10)
    clock = VirtualTime(emulator.url, admin)
    use_virtual_time(monkeypatch, clock)
    wire = WireLog(clock)
    test_settings = settings.model_copy(
        update={
            "platform_emulator_url": emulator.url,
            "x_client_id": "icop-test-client",
            "meta_container_poll_interval_s": 0.005,
            "meta_container_poll_timeout_s": 10.0,
            "syndication_reconcile_grace_s": 5.0,
            "syndication_transient_backoff_s": 1.0,
        }
    )
    http = httpx.AsyncClient(
        timeout=httpx.Timeout(30.0, connect=10.0),
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=200),
        event_hooks=wire.hooks(),
    )
    runtime = SyndicationRuntime.create(
        test_settings,
        serial(sessionmaker),
        context.keyring,
        clients=build_platform_clients(test_settings, http),
        oauth=build_oauth_providers(test_settings, http),
        clock=clock.now,
        sleep=clock.sleep,
    )
    blocks: list[Block] = []
    _record_blocks(runtime, clock, blocks)
    try:
        yield Run(
            owner.tenant_id,
            runtime.publisher.sessionmaker,
            runtime,
            emulator,
            admin,
            clock,
            wire,
            blocks,
        )
    finally:
        await http.aclose()
        await admin.aclose()
        emulator.stop()


def _parts(index: int, platform: Platform) -> list[dict[str, Any]]:
    text = f"Fault run post {index} on {platform.value}: compost, worms and patience."
    media: list[dict[str, Any]] = []
    if platform is Platform.INSTAGRAM or (platform is Platform.FACEBOOK and index % 3 == 0):
        media = [{"url": f"https://cdn.example.test/fault/{index}.jpg", "alt": None}]
    parts = [{"text": text, "media": media, "reply_to_previous": False}]
    if platform in (Platform.X, Platform.THREADS) and index % 5 == 0:
        parts.append({"text": f"Part two of post {index}.", "media": [], "reply_to_previous": True})
    return parts


async def _accounts(run: Run) -> list[Connected]:
    accounts = []
    for platform in Platform:
        for number in range(ACCOUNTS_PER_PLATFORM):
            extra: dict[str, Any] = {}
            if platform is Platform.THREADS:
                # Inside the refresh margin: the first publish refreshes it (single flight).
                extra["token_ttl_s"] = 120
            accounts.append(
                await connect_emulator_account(
                    run.admin,
                    run.emulator.url,
                    run.sessionmaker,
                    run.runtime.tokens.keyring,
                    run.tenant_id,
                    platform,
                    name=f"{platform.value}-{number}",
                    **extra,
                )
            )
    return accounts


async def _drive(
    run: Run, post_id: uuid.UUID, waits: list[tuple[uuid.UUID, PublishOutcome]]
) -> PublishOutcome:
    CURRENT_POST.set(post_id)
    for _ in range(200):
        outcome = await run.runtime.publisher.publish(run.tenant_id, post_id)
        if outcome.status not in ("waiting", "retry"):
            return outcome
        assert outcome.wait_until is not None
        waits.append((post_id, outcome))
        await run.clock.until(outcome.wait_until)
    raise AssertionError(f"post {post_id} never settled")


async def test_a_thousand_posts_under_faults_are_published_once_or_flagged(run: Run) -> None:
    started = time.monotonic()
    accounts = await _accounts(run)
    now = run.clock.now()
    rows = [
        (account, _parts(index, account.platform), now)
        for index in range(POSTS)
        for account in [accounts[index % len(accounts)]]
    ]
    post_ids = await add_posts(run.sessionmaker, run.tenant_id, rows)
    for fault in FAULTS:
        (
            await run.admin.post(f"{run.emulator.url}/_emulator/faults", json=fault)
        ).raise_for_status()

    waits: list[tuple[uuid.UUID, PublishOutcome]] = []
    outcomes = await run.clock.run(
        [functools.partial(_drive, run, post_id, waits) for post_id in post_ids]
    )
    elapsed = time.monotonic() - started

    faults = (await run.admin.get(f"{run.emulator.url}/_emulator/faults")).json()["data"]
    fired: Counter[str] = Counter()
    for fault in faults:
        fired[f"{fault['platform']}:{fault['kind']}:{fault['on']}"] += fault["fired"]
    by_kind: Counter[str] = Counter()
    for fault in faults:
        by_kind[fault["kind"]] += fault["fired"]

    posts, attempts, account_rows = await _load(run)
    statuses = Counter(post.status for post in posts.values())
    reasons = Counter(
        (post.platform, post.status, (post.error or "")[:90])
        for post in posts.values()
        if post.status != "published"
    )
    attempt_outcomes = Counter(a.outcome for a in attempts)
    refreshed = sum(1 for a in account_rows.values() if a.last_refreshed_at is not None)
    print(  # the numbers this run produced, for the report (pytest -s)
        f"\nfault injection: {POSTS} posts in {elapsed:.1f} s wall, virtual clock jumped "
        f"{run.clock.jumps} times ({run.clock.jumped_s:.0f} s)\n"
        f"faults fired: {dict(by_kind)}\n  {dict(fired)}\n"
        f"post outcomes: {dict(statuses)}\n  {dict(reasons)}\n"
        f"attempt outcomes: {dict(attempt_outcomes)}\n"
        f"waits: {len(waits)}, accounts refreshed: {refreshed}, "
        f"requests: {sum(1 for e in run.wire.events if e.status is None)}"
    )

    assert [o.status for o in outcomes] == [posts[p].status for p in post_ids]

    emulated = await _emulator_posts(run, accounts)
    _no_duplicates(emulated)
    _every_post_accounted_for(posts, attempts, emulated, account_rows)
    _no_call_before_reset(run, posts, attempts)
    # Every kind of fault happened many times.
    for kind in ("rate_limit", "server_error", "drop_after_create"):
        assert by_kind[kind] >= POSTS // 50, (kind, by_kind)
    assert by_kind["expire_token"] >= POSTS // 100, by_kind  # X only
    assert attempt_outcomes["reconciled_published"] >= POSTS // 50


async def _load(
    run: Run,
) -> tuple[dict[uuid.UUID, Post], list[PublishAttempt], dict[uuid.UUID, SocialAccount]]:
    async with unit_of_work(run.sessionmaker, run.tenant_id) as session:
        posts = {post.id: post for post in (await session.scalars(select(Post))).all()}
        for post in posts.values():
            await session.refresh(post)
        attempts = list(
            (await session.scalars(select(PublishAttempt).order_by(PublishAttempt.intent_at))).all()
        )
        accounts = {a.id: a for a in (await session.scalars(select(SocialAccount))).all()}
        for account in accounts.values():
            await session.refresh(account)
    return posts, attempts, accounts


async def _emulator_posts(
    run: Run, accounts: list[Connected]
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    emulated = {}
    for account in accounts:
        response = await run.admin.get(
            f"{run.emulator.url}/_emulator/posts",
            params={"platform": account.platform.value, "account_id": account.platform_account_id},
        )
        emulated[(account.platform.value, account.platform_account_id)] = response.json()["data"]
    return emulated


def _no_duplicates(emulated: dict[tuple[str, str], list[dict[str, Any]]]) -> None:
    for key, items in emulated.items():
        texts = Counter(item["text"] for item in items)
        duplicated = {text: n for text, n in texts.items() if n > 1}
        assert not duplicated, (key, duplicated)


def _every_post_accounted_for(
    posts: dict[uuid.UUID, Post],
    attempts: list[PublishAttempt],
    emulated: dict[tuple[str, str], list[dict[str, Any]]],
    accounts: dict[uuid.UUID, SocialAccount],
) -> None:
    by_attempt: dict[uuid.UUID, list[PublishAttempt]] = defaultdict(list)
    for attempt in attempts:
        by_attempt[attempt.post_id].append(attempt)
    for post in posts.values():
        account = accounts[post.social_account_id]
        remote = {
            item["id"]: item for item in emulated[(post.platform, account.platform_account_id)]
        }
        remote_texts = {item["text"] for item in remote.values()}
        if post.status == "published":
            assert len(post.platform_post_ids) == len(post.parts)
            for part, platform_id in zip(post.parts, post.platform_post_ids, strict=True):
                assert platform_id in remote, (post.id, platform_id)
                assert remote[platform_id]["text"] == part.text
        elif post.status == "unconfirmed":
            # Flagged, not lost: the open part is really not on the platform ...
            open_parts = [
                a.part_index for a in by_attempt[post.id] if a.outcome in (None, "ambiguous")
            ]
            assert open_parts, post.id
            for index in open_parts:
                assert post.parts[index].text not in remote_texts, _story(post, by_attempt)
            # ... and a 5xx on the create call is what made it ambiguous.
            assert any(
                a.outcome == "ambiguous" and (a.http_status or 0) >= 500
                for a in by_attempt[post.id]
            ), (post.id, post.error)
        elif post.status == "failed":
            assert post.platform == "x" and post.error == "Unauthorized", (post.id, post.error)
            expired = [a for a in by_attempt[post.id] if a.http_status == 401]
            assert len(expired) >= MAX_AUTH_FAILURES, _story(post, by_attempt)
        else:
            raise AssertionError(f"post {post.id} ended {post.status}: {post.error}")


def _story(post: Post, by_attempt: dict[uuid.UUID, list[PublishAttempt]]) -> str:
    lines = [f"{post.platform} {post.status}: {post.error}"]
    lines += [
        f"  #{a.attempt_no} part {a.part_index} {a.outcome} {a.http_status} {a.error_code} "
        f"intent {a.intent_at:%H:%M:%S.%f} answered {a.answered_at} id {a.platform_post_id}"
        for a in by_attempt[post.id]
    ]
    return "\n".join(lines)


def _no_call_before_reset(
    run: Run, posts: dict[uuid.UUID, Post], attempts: list[PublishAttempt]
) -> None:
    # 1. The post that met a 429 sends nothing before the reset.
    by_post: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for event in run.wire.events:
        if event.post_id is not None:
            by_post[event.post_id].append(event)
    throttled = 0
    for events in by_post.values():
        for position, event in enumerate(events):
            if event.reset_at is None:
                continue
            throttled += 1
            later = [e for e in events[position + 1 :] if e.status is None]
            assert all(e.at >= event.reset_at for e in later), (event, later[:1])
    assert throttled >= POSTS // 50
    # 2. Once a 429 is recorded (units of work take turns here, so nothing runs between the
    #    record and its commit), no new attempt on the account starts before the reset, and
    #    the recorded wait is never shorter than what the platform said.
    for block in run.blocks:
        answers = [
            e
            for e in by_post[block.post_id]
            if e.reset_at is not None and e.at <= block.recorded_at
        ]
        assert answers, block
        assert block.reset_at >= answers[-1].reset_at - 1e-3, (block, answers[-1])
        early = [
            a
            for a in attempts
            if posts[a.post_id].social_account_id == block.account_id
            and block.recorded_at < a.intent_at.timestamp() < block.reset_at
        ]
        assert not early, (block, early[0].post_id, early[0].intent_at)
    assert len(run.blocks) >= POSTS // 50
