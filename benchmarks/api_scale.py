"""``benchmarks.api --scale``: the dashboard's list and calendar endpoints at 1,000 tenants and
1,000,000 rows (articles, posts, publishing-ledger rows; one tenant holds a fifth of them) against
the same requests on a near-empty database, through the full stack (uvicorn, JWT, tenant-scoped
transaction, RLS). Also: each list query's plan as the app role (an index scan leading with
``tenant_id``) and RLS overhead at that size.

Both databases live side by side (one PostgreSQL, two databases, an API server for each) and
are measured interleaved: after a warm-up of both, every request goes to one side and then
the same request to the other, the order alternating by round. Measured one after the other,
the first phase absorbed the warm-up and whatever stall this shared machine had then, and the
ratio of two p99s measured minutes apart was noise.

The rows are written by the owner role with set-based SQL (``INSERT … SELECT generate_series``):
a million API calls would take hours and measure the write path, not the lists.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx

TENANTS = 1_000
ROWS = 1_000_000
BIG_SHARE = 0.20
# Of the rows: articles, posts, ledger entries.
SPLIT = (0.4, 0.4, 0.2)
ACCOUNTS_PER_TENANT = 4
# A near-empty database still fills each page: every measured tenant starts with this many
# rows of each kind, so both phases serialise the same page sizes.
BASELINE_ROWS = 600
PAGE = 50
WINDOW_DAYS = 365
EMPTY_DATABASE = "icop_empty"
WARM_UP_ROUNDS = 5


@dataclass
class Tenant:
    label: str
    tenant_id: str
    token: str
    account_id: str = ""


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def signup(client: httpx.AsyncClient, label: str) -> Tenant:
    response = await client.post(
        "/api/v1/auth/signup",
        json={
            "email": f"scale-{label}-{time.time_ns()}@example.com",
            "password": "benchmark password",
            "company_name": f"Scale {label}",
        },
    )
    response.raise_for_status()
    body = response.json()
    return Tenant(label, body["tenant_id"], body["access_token"])


# Set-based seeding. ``$1`` is the tenant id, ``$2`` the number of rows; rows spread over the
# year before and after now, status cycling through the enum's values (check constraints).
ACCOUNTS_SQL = """
INSERT INTO social_accounts (tenant_id, platform, platform_account_id, name, provider)
SELECT t, 'x', 'acct-' || n, 'Account ' || n, 'x'
FROM unnest($1::uuid[]) AS t, generate_series(1, $2::int) AS n
"""
ARTICLES_SQL = """
INSERT INTO generated_articles (tenant_id, topic, title, status, created_at)
SELECT $1::uuid, 'Topic ' || n, 'Title ' || n,
       (ARRAY['queued','running','awaiting_approval','ready','rejected','failed',
              'no_sources','needs_review'])[1 + n % 8],
       now() - make_interval(secs => 86400.0 * 365 * n / $2::int)
FROM generate_series(1, $2::int) AS n
"""
# Posts reference one of the tenant's accounts (the composite tenant foreign key).
POSTS_SQL = """
WITH accounts AS (
    SELECT id, row_number() OVER (ORDER BY id) - 1 AS slot
    FROM social_accounts WHERE tenant_id = $1::uuid
), counted AS (SELECT count(*) AS k FROM accounts)
INSERT INTO posts (tenant_id, social_account_id, platform, parts, scheduled_at, status)
SELECT $1::uuid, a.id, 'x', '[{"text": "hello"}]'::jsonb,
       now() + make_interval(secs => 86400.0 * (730 * n / $2::float - 365)),
       (ARRAY['scheduled','waiting_quota','publishing','published','failed','unconfirmed',
              'cancelled'])[1 + n % 7]
FROM generate_series(1, $2::int) AS n, counted
JOIN accounts a ON true
WHERE a.slot = n % counted.k
"""
LEDGER_SQL = """
WITH accounts AS (
    SELECT id, row_number() OVER (ORDER BY id) - 1 AS slot
    FROM social_accounts WHERE tenant_id = $1::uuid
), counted AS (SELECT count(*) AS k FROM accounts)
INSERT INTO publish_ledger (tenant_id, social_account_id, counted_at)
SELECT $1::uuid, a.id, now() - make_interval(secs => 86400.0 * 30 * n / $2::int)
FROM generate_series(1, $2::int) AS n, counted
JOIN accounts a ON true
WHERE a.slot = n % counted.k
"""
# The other tenants in one statement each: rows per tenant spread evenly.
BULK_TENANTS_SQL = """
INSERT INTO tenants (company_name) SELECT 'Filler ' || n FROM generate_series(1, $1::int) AS n
RETURNING id
"""


async def seed_tenant(owner: asyncpg.Connection, tenant_id: str, per_kind: tuple[int, ...]) -> None:
    articles, posts, ledger = per_kind
    await owner.execute(ARTICLES_SQL, tenant_id, articles)
    await owner.execute(POSTS_SQL, tenant_id, posts)
    await owner.execute(LEDGER_SQL, tenant_id, ledger)


async def seed_baseline(owner: asyncpg.Connection, tenants: list[Tenant]) -> None:
    ids = [t.tenant_id for t in tenants]
    await owner.execute(ACCOUNTS_SQL, ids, ACCOUNTS_PER_TENANT)
    for tenant in tenants:
        await seed_tenant(owner, tenant.tenant_id, (BASELINE_ROWS,) * 3)
        tenant.account_id = str(
            await owner.fetchval(
                "SELECT id FROM social_accounts WHERE tenant_id = $1 ORDER BY id LIMIT 1",
                tenant.tenant_id,
            )
        )
    await owner.execute("ANALYZE")


async def seed_scale(owner: asyncpg.Connection, big: Tenant, small: list[Tenant]) -> int:
    """Bring the database to TENANTS tenants and ROWS rows; returns the rows it now holds."""
    fillers = [str(r["id"]) for r in await owner.fetch(BULK_TENANTS_SQL, TENANTS - 1 - len(small))]
    await owner.execute(ACCOUNTS_SQL, fillers, ACCOUNTS_PER_TENANT)
    big_rows = int(ROWS * BIG_SHARE)
    rest = ROWS - big_rows
    await seed_tenant(owner, big.tenant_id, tuple(int(big_rows * s) for s in SPLIT))
    per_small = rest // (TENANTS - 1)
    measured = {t.tenant_id for t in small}
    for tenant_id in fillers + sorted(measured):
        # The measured small tenants already hold their baseline rows.
        share = per_small - (BASELINE_ROWS * 3 if tenant_id in measured else 0)
        await seed_tenant(owner, tenant_id, tuple(max(0, int(share * s)) for s in SPLIT))
    await owner.execute("ANALYZE")
    total = 0
    for table in ("generated_articles", "posts", "publish_ledger"):
        total += int(await owner.fetchval(f"SELECT count(*) FROM {table}"))  # noqa: S608
    return total


async def deep_cursor(owner: asyncpg.Connection, kind: str, tenant: Tenant) -> str:
    """A cursor in the middle of the tenant's rows: the page after it costs what page 1 does."""
    from icop.db.keyset import Cursor

    if kind == "articles":
        row = await owner.fetchrow(
            "SELECT created_at AS at, id FROM generated_articles WHERE tenant_id = $1 "
            "ORDER BY created_at DESC, id DESC OFFSET (SELECT count(*) / 2 FROM "
            "generated_articles WHERE tenant_id = $1) LIMIT 1",
            tenant.tenant_id,
        )
    else:
        row = await owner.fetchrow(
            "SELECT scheduled_at AS at, id FROM posts WHERE tenant_id = $1 "
            "ORDER BY scheduled_at, id OFFSET (SELECT count(*) / 2 FROM posts "
            "WHERE tenant_id = $1) LIMIT 1",
            tenant.tenant_id,
        )
    return Cursor(row["at"], row["id"]).encode()


async def requests_for(owner: asyncpg.Connection, tenant: Tenant) -> dict[str, str]:
    """The dashboard's list and calendar requests, by name."""
    now = await owner.fetchval("SELECT now()")
    month_ago, month_on = (now.replace(microsecond=0) - _days(30)), (now + _days(30))
    window = f"from={month_ago.isoformat()}&to={month_on.isoformat()}".replace("+", "%2B")
    return {
        "articles": f"/api/v1/articles?limit={PAGE}",
        "articles_status": f"/api/v1/articles?limit={PAGE}&status=ready",
        "articles_deep": f"/api/v1/articles?limit={PAGE}&cursor="
        + await deep_cursor(owner, "articles", tenant),
        "calendar_range": f"/api/v1/posts?limit={PAGE}&{window}",
        "calendar_account": f"/api/v1/posts?limit={PAGE}&account_id={tenant.account_id}",
        "calendar_status": f"/api/v1/posts?limit={PAGE}&status=scheduled&{window}",
        "calendar_deep": f"/api/v1/posts?limit={PAGE}&cursor="
        + await deep_cursor(owner, "posts", tenant),
    }


def _days(days: int) -> Any:
    from datetime import timedelta

    return timedelta(days=days)


@dataclass
class Side:
    """One database behind its own API server: the tenants measured there and their requests."""

    name: str
    client: httpx.AsyncClient
    tenants: list[Tenant]
    plans: dict[str, dict[str, str]]


async def _get(side: Side, tenant: Tenant, name: str) -> float:
    path = side.plans[tenant.label][name]
    started = time.perf_counter()
    response = await side.client.get(path, headers={"Authorization": f"Bearer {tenant.token}"})
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200 or not response.json():
        raise RuntimeError(f"{side.name} {name} {path}: {response.status_code} {response.text}")
    return elapsed


async def measure(sides: list[Side], rounds: int) -> dict[str, dict[str, list[float]]]:
    """Each request of each tenant ``rounds`` times on every side, interleaved: the same
    request on one side and at once on the other, the side going first alternating by round
    (so drift and stalls of this shared machine hit both alike). ``WARM_UP_ROUNDS`` of the
    same walk first warm connections, plans and caches on both sides; they are not counted."""
    latencies: dict[str, dict[str, list[float]]] = {side.name: {} for side in sides}
    labels = [tenant.label for tenant in sides[0].tenants]
    names = list(sides[0].plans[labels[0]])
    for round_no in range(WARM_UP_ROUNDS + rounds):
        order = sides if round_no % 2 == 0 else sides[::-1]
        for index, _label in enumerate(labels):
            for name in names:
                for side in order:
                    elapsed = await _get(side, side.tenants[index], name)
                    if round_no >= WARM_UP_ROUNDS:
                        key = f"{side.tenants[index].label}:{name}"
                        latencies[side.name].setdefault(key, []).append(elapsed)
    return latencies


# The SQL each endpoint's repository runs, for EXPLAIN as the app role (RLS adds the tenant).
PLAN_QUERIES = {
    "articles": "SELECT id FROM generated_articles ORDER BY created_at DESC, id DESC LIMIT 50",
    "articles_status": "SELECT id FROM generated_articles WHERE status = 'ready' "
    "ORDER BY created_at DESC, id DESC LIMIT 50",
    "articles_deep": "SELECT id FROM generated_articles WHERE (created_at, id) < (now(), "
    "'00000000-0000-0000-0000-000000000000') ORDER BY created_at DESC, id DESC LIMIT 50",
    "calendar_range": "SELECT id FROM posts WHERE scheduled_at >= now() - interval '30 days' "
    "AND scheduled_at < now() + interval '30 days' ORDER BY scheduled_at, id LIMIT 50",
    "calendar_account": "SELECT id FROM posts WHERE social_account_id = $1::uuid "
    "ORDER BY scheduled_at, id LIMIT 50",
    "calendar_status": "SELECT id FROM posts WHERE status = 'scheduled' AND scheduled_at >= "
    "now() - interval '30 days' AND scheduled_at < now() + interval '30 days' "
    "ORDER BY scheduled_at, id LIMIT 50",
    "calendar_deep": "SELECT id FROM posts WHERE (scheduled_at, id) > (now(), "
    "'00000000-0000-0000-0000-000000000000') ORDER BY scheduled_at, id LIMIT 50",
}


def index_scans(plan: dict[str, Any]) -> list[tuple[str, str]]:
    """(node type, index name) of every scan node in a JSON plan."""
    found = []
    # A bitmap heap scan reads the pages its bitmap index scan (its child, listed) found.
    if "Scan" in plan["Node Type"] and plan["Node Type"] != "Bitmap Heap Scan":
        found.append((plan["Node Type"], plan.get("Index Name", "")))
    for child in plan.get("Plans", []):
        found.extend(index_scans(child))
    return found


async def explain_all(app: asyncpg.Connection, tenant: Tenant) -> dict[str, list[tuple[str, str]]]:
    scans = {}
    for name, sql in PLAN_QUERIES.items():
        async with app.transaction():
            await app.execute("SELECT set_config('app.tenant_id', $1, true)", tenant.tenant_id)
            args = [tenant.account_id] if "$1" in sql else []
            raw = await app.fetchval(f"EXPLAIN (FORMAT JSON) {sql}", *args)
        scans[name] = index_scans(json.loads(raw)[0]["Plan"])
    return scans


async def index_leads_with_tenant(owner: asyncpg.Connection, index: str) -> bool:
    first = await owner.fetchval(
        "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
        "WHERE c.relname = $1",
        index,
    )
    return bool(first == "tenant_id")


RLS_SQL = (
    "SELECT id, title, status, created_at FROM generated_articles {where} "
    "ORDER BY created_at DESC, id DESC LIMIT 50"
)


async def rls_ratio(
    app: asyncpg.Connection, owner: asyncpg.Connection, tenant: Tenant, rounds: int = 30
) -> float:
    """Median of (app role through RLS) / (owner stating the tenant), interleaved, on the big
    tenant's articles page."""

    async def run(connection: asyncpg.Connection, through_rls: bool) -> float:
        started = time.perf_counter()
        for _ in range(50):
            async with connection.transaction():
                await connection.execute(
                    "SELECT set_config('app.tenant_id', $1, true)", tenant.tenant_id
                )
                if through_rls:
                    rows = await connection.fetch(RLS_SQL.format(where=""))
                else:
                    rows = await connection.fetch(
                        RLS_SQL.format(where="WHERE tenant_id = $1::uuid"), tenant.tenant_id
                    )
                assert len(rows) == PAGE
        return time.perf_counter() - started

    await run(app, True)
    await run(owner, False)
    ratios = []
    for index in range(rounds):
        if index % 2:
            with_rls, without = await run(app, True), await run(owner, False)
        else:
            without, with_rls = await run(owner, False), await run(app, True)
        ratios.append(with_rls / without)
    return statistics.median(ratios)


async def _side(
    name: str, client: httpx.AsyncClient, owner: asyncpg.Connection
) -> tuple[Side, Tenant, list[Tenant]]:
    big = await signup(client, "big")
    small = [await signup(client, "small")]
    await seed_baseline(owner, [big, *small])
    return Side(name, client, [big, *small], {}), big, small


async def run(
    base: str, empty_base: str, socket_dir: str, rounds: int, rows: int, tenants: int
) -> None:
    """Seed both databases, then measure them interleaved; prints the breakdown and the
    RESULT line."""
    global ROWS, TENANTS
    ROWS, TENANTS = rows, tenants
    async with (
        httpx.AsyncClient(base_url=base, timeout=60) as client,
        httpx.AsyncClient(base_url=empty_base, timeout=60) as empty_client,
    ):
        owner = await asyncpg.connect(user="icop_owner", database="icop", host=socket_dir)
        app = await asyncpg.connect(user="icop_app", database="icop", host=socket_dir)
        empty_owner = await asyncpg.connect(
            user="icop_owner", database=EMPTY_DATABASE, host=socket_dir
        )
        try:
            scaled_side, big, small = await _side("scale", client, owner)
            empty_side, _, _ = await _side("empty", empty_client, empty_owner)
            started = time.perf_counter()
            rows = await seed_scale(owner, big, small)
            print(f"seeded rows={rows} tenants={TENANTS} in {time.perf_counter() - started:.0f} s")
            # Deep cursors sit in the middle of each tenant's rows, on each side.
            for side, connection in ((scaled_side, owner), (empty_side, empty_owner)):
                side.plans = {t.label: await requests_for(connection, t) for t in side.tenants}
            results = await measure([empty_side, scaled_side], rounds)
            empty, scaled = results["empty"], results["scale"]
            all_scans_ok = True
            for tenant in scaled_side.tenants:
                for name, scans in (await explain_all(app, tenant)).items():
                    leading = [await index_leads_with_tenant(owner, index) for _, index in scans]
                    ok = bool(scans) and all(
                        "Index" in node and lead
                        for (node, _), lead in zip(scans, leading, strict=True)
                    )
                    all_scans_ok &= ok
                    print(
                        f"plan {tenant.label}:{name}: {scans} "
                        + ("ok" if ok else "NOT AN INDEX SCAN LEADING WITH tenant_id")
                    )
            ratio = await rls_ratio(app, owner, big)
        finally:
            await owner.close()
            await app.close()
            await empty_owner.close()
    print(f"{'request':34} {'empty p50':>10} {'empty p99':>10} {'scale p50':>10} {'scale p99':>10}")
    for key in scaled:
        print(
            f"{key:34} {_percentile(empty[key], 0.5):10.2f} {_percentile(empty[key], 0.99):10.2f} "
            f"{_percentile(scaled[key], 0.5):10.2f} {_percentile(scaled[key], 0.99):10.2f}"
        )
    empty_all = [v for values in empty.values() for v in values]
    scaled_all = [v for values in scaled.values() for v in values]
    p99, empty_p99 = _percentile(scaled_all, 0.99), _percentile(empty_all, 0.99)
    print(
        f"plans_index_on_tenant={'yes' if all_scans_ok else 'no'} requests={len(scaled_all)} "
        f"per side, interleaved after {WARM_UP_ROUNDS} warm-up rounds of both"
    )
    print(
        f"RESULT p99_ms={p99:.2f} empty_p99_ms={empty_p99:.2f} scale_ratio={p99 / empty_p99:.3f} "
        f"rls_overhead_ratio={ratio:.3f} rows={rows}"
    )
