"""The analytics views: what the read-only role can reach, and that each dashboard's dataset
returns the numbers a direct count over the base tables gives (docs/analytics.md)."""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator
from decimal import Decimal

import asyncpg
import pytest

from icop.analytics.bundle import CHARTS, DATASETS
from icop.analytics.reference import REFERENCE_SQL
from icop.analytics.superset import LOGIN_USER, ensure_login_user
from icop.config import Settings
from icop.db.embedded import EmbeddedPostgres
from icop.db.engine import DatabaseUrls
from icop.quotas.plans import PLAN_QUOTAS
from tests.analytics.seed import make_tenant, seed


@pytest.fixture(scope="module")
async def admin(
    database_urls: DatabaseUrls, settings: Settings
) -> AsyncIterator[asyncpg.Connection]:
    """The embedded server's superuser on the test database, inside one transaction that is
    rolled back: it seeds as the owner would and switches to the analytics role to read."""
    assert database_urls.admin is not None
    conn = await asyncpg.connect(EmbeddedPostgres(settings.home).dsn("postgres", settings.db_name))
    transaction = conn.transaction()
    await transaction.start()
    yield conn
    await transaction.rollback()
    await conn.close()


@pytest.fixture(scope="module")
async def probe(
    database_urls: DatabaseUrls, settings: Settings
) -> AsyncIterator[asyncpg.Connection]:
    """Superset's login user, made the way `icop analytics up` makes it."""
    assert database_urls.admin is not None
    await ensure_login_user(database_urls.admin, settings, secrets.token_urlsafe(16))
    conn = await asyncpg.connect(EmbeddedPostgres(settings.home).dsn(LOGIN_USER, settings.db_name))
    try:
        yield conn
    finally:
        await conn.close()
        admin = await asyncpg.connect(database_urls.admin)
        await admin.execute(f'DROP ROLE IF EXISTS "{LOGIN_USER}"')
        await admin.close()


SECRET_READS = [
    "SELECT * FROM public.api_credentials",
    "SELECT password_hash FROM public.users",
    "SELECT id FROM public.users",
    "SELECT * FROM public.refresh_tokens",
    "SELECT * FROM public.api_keys",
    "SELECT * FROM public.auth_sessions",
    "SELECT * FROM public.account_tokens",
    "SELECT * FROM public.oauth_states",
    "SELECT * FROM public.social_accounts",
    "SELECT * FROM public.notification_webhooks",
    "SELECT * FROM public.llm_calls",
    "SELECT * FROM public.icop_auth_login_candidates('a@example.com')",
]


@pytest.mark.parametrize("query", SECRET_READS)
async def test_the_analytics_role_cannot_read_base_tables(
    probe: asyncpg.Connection, query: str
) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await probe.fetch(query)


async def test_the_analytics_role_reads_every_view_and_nothing_writes(
    probe: asyncpg.Connection,
) -> None:
    for dataset in DATASETS:
        await probe.fetch(f"SELECT * FROM analytics.{dataset.view} LIMIT 1")  # noqa: S608
    # Unqualified, as SQL Lab users write it: the login user's search_path is the schema.
    await probe.fetch("SELECT count(*) FROM model_calls")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await probe.execute("DELETE FROM analytics.model_calls")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await probe.execute("CREATE TABLE analytics.scratch (x int)")


async def test_the_analytics_role_holds_no_grant_outside_its_schema(
    admin: asyncpg.Connection, settings: Settings
) -> None:
    grants = await admin.fetch(
        "SELECT table_schema, table_name, privilege_type FROM information_schema.role_table_grants"
        " WHERE grantee = $1",
        settings.db_analytics_role,
    )
    assert grants
    assert {(g["table_schema"], g["privilege_type"]) for g in grants} == {("analytics", "SELECT")}


async def test_no_view_exposes_a_secret_looking_column(admin: asyncpg.Connection) -> None:
    rows = await admin.fetch(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'analytics'"
    )
    # Token *counts* (prompt_tokens, total_tokens) are figures, not tokens.
    forbidden = re.compile(r"password|hash|secret|credential|key|error|token(?!s$)|prompt(?!_tok)")
    exposed = [
        f"{row['table_name']}.{row['column_name']}"
        for row in rows
        if forbidden.search(row["column_name"])
    ]
    assert exposed == []


async def test_the_bundle_datasets_match_the_views_columns(admin: asyncpg.Connection) -> None:
    rows = await admin.fetch(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'analytics' ORDER BY table_name, ordinal_position"
    )
    in_database: dict[str, list[str]] = {}
    for row in rows:
        in_database.setdefault(row["table_name"], []).append(row["column_name"])
    assert {d.view: [c.name for c in d.columns] for d in DATASETS} == in_database


async def test_tenant_usage_carries_the_plans_quotas(admin: asyncpg.Connection) -> None:
    tenant = await make_tenant(admin, "pro")
    for metric in ("articles", "posts", "llm_usd"):
        await admin.execute(
            "INSERT INTO usage_counters (tenant_id, period, metric, used) "
            "VALUES ($1, date_trunc('month', now())::date, $2, 1)",
            tenant,
            metric,
        )
    for plan, quotas in PLAN_QUOTAS.items():
        await admin.execute("UPDATE tenants SET subscription_plan = $1 WHERE id = $2", plan, tenant)
        rows = await admin.fetch(
            "SELECT metric, quota FROM analytics.tenant_usage WHERE tenant_id = $1", tenant
        )
        assert {r["metric"]: r["quota"] for r in rows} == {
            str(metric): (None if value is None else float(value))
            for metric, value in quotas.items()
        }


def _normalised(rows: list[asyncpg.Record]) -> list[tuple[object, ...]]:
    def value(item: object) -> object:
        if isinstance(item, (float, Decimal)):
            return round(float(item), 6)
        return item

    return sorted((tuple(value(item) for item in row) for row in rows), key=repr)


async def test_every_chart_matches_a_direct_count_over_the_base_tables(
    admin: asyncpg.Connection, settings: Settings
) -> None:
    await seed(admin)
    assert set(REFERENCE_SQL) == {chart.slug for chart in CHARTS}
    for chart in CHARTS:
        # As the analytics role, the way Superset's user reads; the reference as superuser.
        await admin.execute(f'SET ROLE "{settings.db_analytics_role}"')
        charted = await admin.fetch(chart.sql())
        await admin.execute("RESET ROLE")
        direct = await admin.fetch(REFERENCE_SQL[chart.slug])
        assert charted, chart.slug
        assert _normalised(charted) == _normalised(direct), chart.slug
