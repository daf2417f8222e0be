"""Publishing benchmark: posts due within a few minutes across 100 emulator accounts, through
the real publisher and platform clients, against the platform emulator (a child process, as
``icop emulator`` runs) with its default limits, on the embedded PostgreSQL (app role, a
connection pool, committed transactions).

    .venv/bin/python -m benchmarks.publish [--posts 10000] [--accounts 100] [--window 180]

The driver stands in for the publish workflows (Temporal is not in the loop, to measure the
publisher rather than the dev server): one task per post sleeps until its ``scheduled_at``,
calls ``Publisher.publish``, and sleeps until ``wait_until`` whenever the answer is "waiting"
or "retry" — exactly what ``PublishPostWorkflow`` does with its timer. At most ``--concurrency``
publishes run at once (a worker's activity slots).

Load: the accounts are split evenly over the four platforms and the posts over the accounts,
each account's share kept inside its platform's windows (X 100 per 15 minutes, Instagram 100
and Threads 250 per 24 h; Facebook Pages under the 90 % usage mark where we pause), so every
post's window has room and every late post is the publisher's own lateness.

Measured:
- duplicates: emulator posts of one account with identical text, beyond the first;
- limit_violations: posts the emulator accepted beyond a platform window (its own record);
- lateness_p99_s: published_at - scheduled_at, 99th percentile;
- unconfirmed: posts left unconfirmed.

Last line: RESULT posts=… duplicates=… limit_violations=… lateness_p99_s=… unconfirmed=…
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

SPAN_X_S = 15 * 60
DAY_S = 24 * 3600
# Posts per account the windows allow (emulator defaults) and we use at most.
CAPACITY = {"x": 100, "instagram": 89, "threads": 250, "facebook": 89}
LIMITS = {"x": (100, SPAN_X_S), "instagram": (100, DAY_S), "threads": (250, DAY_S)}


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _shares(posts: int, platforms: list[str]) -> list[int]:
    """Each post's account platform: round robin, skipping accounts whose window is full."""
    counts: Counter[int] = Counter()
    order: list[int] = []
    accounts = len(platforms)
    index = 0
    while len(order) < posts:
        for _ in range(accounts):
            candidate = index % accounts
            index += 1
            if counts[candidate] < CAPACITY[platforms[candidate]]:
                counts[candidate] += 1
                order.append(candidate)
                break
        else:
            raise SystemExit(
                f"{posts} posts do not fit the windows of {accounts} accounts "
                f"(at most {sum(CAPACITY[p] for p in platforms)})"
            )
    return order


def _violations(items: list[dict[str, Any]], platform: str) -> int:
    """Posts beyond the platform's count in any window (sliding, from each post)."""
    if platform not in LIMITS:
        return 0
    limit, span = LIMITS[platform]
    times = sorted(
        datetime.fromisoformat(item["created_at"]).timestamp()
        for item in items
        if not item.get("reply_to")
    )
    worst = 0
    start = 0
    for end, moment in enumerate(times):
        while times[start] <= moment - span:
            start += 1
        worst = max(worst, end - start + 1 - limit)
    return worst


async def run(args: argparse.Namespace, home: Path) -> str:
    from sqlalchemy import select

    from icop.config import Settings
    from icop.credentials.vault import build_keyring
    from icop.db import bootstrap, migrate
    from icop.db.engine import create_engine, create_sessionmaker, resolve_urls
    from icop.db.session import bind_tenant, unit_of_work
    from icop.emulators.platforms import EmulatorProcess
    from icop.models import Post, SocialAccount
    from icop.syndication.platforms.base import Platform, TokenGrant
    from icop.syndication.runtime import SyndicationRuntime
    from icop.syndication.tokens import store_grant
    from icop.tenants.repository import TenantRepository

    settings = Settings()
    urls = resolve_urls(settings)
    assert urls.admin is not None
    await bootstrap.drop_database(urls.admin, settings)
    await bootstrap.bootstrap(urls.admin, settings)
    await asyncio.to_thread(migrate.upgrade, urls.owner, settings)

    emulator = EmulatorProcess().start()
    engine = create_engine(urls.app, settings, pool_size=8, max_overflow=4)
    sessionmaker = create_sessionmaker(engine)
    keyring = build_keyring(settings)
    bench = settings.model_copy(
        update={
            "platform_emulator_url": emulator.url,
            "meta_container_poll_interval_s": 0.2,
            "x_client_id": "icop-bench",
        }
    )
    runtime = SyndicationRuntime.create(bench, sessionmaker, keyring)
    admin = httpx.AsyncClient(timeout=60)
    try:
        tenant_id = uuid.uuid4()
        async with unit_of_work(sessionmaker, None) as session:
            await bind_tenant(session, tenant_id)
            await TenantRepository(session).create(
                tenant_id=tenant_id, company_name="Bench", plan="agency"
            )
        platforms = [list(Platform)[i % 4].value for i in range(args.accounts)]
        accounts: list[tuple[uuid.UUID, str, str]] = []
        for number, platform in enumerate(platforms):
            response = await admin.post(
                f"{emulator.url}/_emulator/accounts",
                json={"platform": platform, "name": f"{platform}-{number}"},
            )
            response.raise_for_status()
            body = response.json()
            expires = body.get("expires_at")
            async with unit_of_work(sessionmaker, tenant_id) as session:
                account = SocialAccount(
                    tenant_id=tenant_id,
                    id=uuid.uuid4(),
                    platform=platform,
                    platform_account_id=body["account_id"],
                    name=f"{platform}-{number}",
                    provider=platform if platform != "instagram" else "meta",
                    status="connected",
                )
                session.add(account)
                await session.flush()
                await store_grant(
                    session,
                    keyring,
                    account,
                    TokenGrant(
                        body["access_token"],
                        body.get("refresh_token"),
                        datetime.fromisoformat(expires) if expires else None,
                    ),
                )
            accounts.append((account.id, platform, body["account_id"]))

        start = datetime.now(UTC) + timedelta(seconds=args.lead)
        order = _shares(args.posts, platforms)
        rows = []
        for index, account_index in enumerate(order):
            account_id, platform, _ = accounts[account_index]
            due = start + timedelta(seconds=args.window * index / max(1, args.posts))
            media = []
            if platform == "instagram":
                media = [{"url": f"https://cdn.example.test/bench/{index}.jpg", "alt": None}]
            rows.append(
                Post(
                    tenant_id=tenant_id,
                    id=uuid.uuid4(),
                    social_account_id=account_id,
                    platform=platform,
                    scheduled_at=due,
                    status="scheduled",
                    parts=[
                        {
                            "text": f"Benchmark post {index} for {platform}: on time, once.",
                            "media": media,
                            "reply_to_previous": False,
                        }
                    ],
                    platform_post_ids=[None],
                    workflow_id=f"post-{index}",
                )
            )
        async with unit_of_work(sessionmaker, tenant_id) as session:
            session.add_all(rows)
        print(
            f"{args.posts} posts over {args.accounts} accounts, due from {start:%H:%M:%S} "
            f"within {args.window} s",
            flush=True,
        )

        slots = asyncio.Semaphore(args.concurrency)
        statuses: Counter[str] = Counter()

        async def drive(post_id: uuid.UUID, due: datetime) -> None:
            wake = due
            while True:
                delay = (wake - datetime.now(UTC)).total_seconds()
                if delay > 0:
                    await asyncio.sleep(delay)
                async with slots:
                    outcome = await runtime.publisher.publish(tenant_id, post_id)
                if outcome.status in ("waiting", "retry") and outcome.wait_until is not None:
                    wake = outcome.wait_until
                    continue
                statuses[outcome.status] += 1
                return

        started = time.monotonic()
        await asyncio.gather(*(drive(row.id, row.scheduled_at) for row in rows))
        elapsed = time.monotonic() - started

        async with unit_of_work(sessionmaker, tenant_id) as session:
            done = (
                await session.execute(select(Post.status, Post.scheduled_at, Post.published_at))
            ).all()
        lateness = [
            (published - scheduled).total_seconds()
            for status, scheduled, published in done
            if status == "published" and published is not None
        ]
        duplicates = violations = 0
        for _, platform, platform_account_id in accounts:
            response = await admin.get(
                f"{emulator.url}/_emulator/posts",
                params={"platform": platform, "account_id": platform_account_id},
            )
            items = response.json()["data"]
            texts = Counter(item["text"] for item in items)
            duplicates += sum(count - 1 for count in texts.values() if count > 1)
            violations += _violations(items, platform)
        unconfirmed = sum(1 for status, _, _ in done if status == "unconfirmed")
        print(
            f"statuses={dict(statuses)} elapsed_s={elapsed:.1f} "
            f"throughput_per_s={len(rows) / elapsed:.1f} "
            f"lateness_p50_s={_percentile(lateness, 0.5):.2f} "
            f"lateness_max_s={max(lateness, default=0):.2f}"
        )
        return (
            f"RESULT posts={len(rows)} duplicates={duplicates} limit_violations={violations} "
            f"lateness_p99_s={_percentile(lateness, 0.99):.2f} unconfirmed={unconfirmed}"
        )
    finally:
        await admin.aclose()
        await runtime.aclose()
        await engine.dispose()
        emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument(
        "--window", type=float, default=180.0, help="seconds over which the posts fall due"
    )
    parser.add_argument(
        "--lead",
        type=float,
        default=5.0,
        help="seconds from the end of the set-up to the first due post",
    )
    parser.add_argument(
        "--concurrency", type=int, default=16, help="publishes at once (a worker's activity slots)"
    )
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="icop-publish-bench-"))
    os.environ.update({"ICOP_HOME": str(home), "ICOP_LOG_LEVEL": "WARNING"})
    for variable in ("DATABASE_URL", "DATABASE_APP_URL", "REDIS_URL", "ICOP_PLATFORM_EMULATOR_URL"):
        os.environ.pop(variable, None)
    from icop.db.embedded import EmbeddedPostgres

    database = EmbeddedPostgres(home)
    database.start()
    try:
        result = asyncio.run(run(args, home))
    finally:
        database.stop()
        shutil.rmtree(home, ignore_errors=True)
    print(result)


if __name__ == "__main__":
    main()
