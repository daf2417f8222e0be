"""The analytics views: what the read-only role can reach, and that each dashboard's dataset
returns the numbers a direct count over the base tables gives (docs/analytics.md)."""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal

import asyncpg
import pytest

from icop.analytics.bundle import CHARTS, DATASETS
from icop.analytics.reference import REFERENCE_SQL
from icop.config import Settings
from icop.db.embedded import EmbeddedPostgres
from icop.db.engine import DatabaseUrls
from icop.quotas.plans import PLAN_QUOTAS

PROBE = "icop_analytics_probe"


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
    """A login role that is a member of the analytics role, as Superset's user is."""
    assert database_urls.admin is not None
    admin = await asyncpg.connect(database_urls.admin)
    try:
        await admin.execute(f'DROP ROLE IF EXISTS "{PROBE}"')
        await admin.execute(
            f"CREATE ROLE \"{PROBE}\" LOGIN PASSWORD '{secrets.token_hex(16)}' "
            f'IN ROLE "{settings.db_analytics_role}"'
        )
        conn = await asyncpg.connect(EmbeddedPostgres(settings.home).dsn(PROBE, settings.db_name))
        try:
            yield conn
        finally:
            await conn.close()
    finally:
        await admin.execute(f'DROP ROLE IF EXISTS "{PROBE}"')
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
    tenant = await _tenant(admin, "pro")
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


async def _tenant(admin: asyncpg.Connection, plan: str = "free") -> uuid.UUID:
    tenant: uuid.UUID = await admin.fetchval(
        "INSERT INTO tenants (company_name, subscription_plan) VALUES ($1, $2) RETURNING id",
        f"Analytics {uuid.uuid4().hex[:8]}",
        plan,
    )
    return tenant


async def _seed(admin: asyncpg.Connection) -> None:
    """Two tenants with a little of everything each dashboard shows, over two days."""
    for plan in ("free", "pro"):
        tenant = await _tenant(admin, plan)
        pipeline = await admin.fetchval(
            "INSERT INTO content_pipelines (tenant_id, name, source_type) "
            "VALUES ($1, 'Weekly', 'import') RETURNING id",
            tenant,
        )
        for n, status in enumerate(("succeeded", "partial", "failed")):
            run = await admin.fetchval(
                "INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger, status, workflow_id,"
                " rows_total, rows_done, rows_failed, created_at) "
                "VALUES ($1, $2, 'manual', $3, $4, 3, $5, 1, now() - $6 * interval '1 day') "
                "RETURNING id",
                tenant,
                pipeline,
                status,
                f"wf-{uuid.uuid4()}",
                n,
                n,
            )
            for row, row_status in enumerate(("done", "error", "skipped")[: n + 1]):
                await admin.execute(
                    "INSERT INTO pipeline_run_rows (tenant_id, run_id, row_number, status, "
                    "articles_total, articles_done, cost_usd) VALUES ($1, $2, $3, $4, 2, 1, 0.25)",
                    tenant,
                    run,
                    row,
                    row_status,
                )
        for n, status in enumerate(("ready", "ready", "failed", "needs_review")):
            article = await admin.fetchval(
                "INSERT INTO generated_articles (tenant_id, topic, status, cost_usd, quality, "
                "created_at) VALUES ($1, 'Topic', $2, $3, $4::jsonb, now() - $5 * interval '1 day')"
                " RETURNING id",
                tenant,
                status,
                0.1 * (n + 1),
                '{"findings": [{"code": "x"}, {"code": "y"}]}' if n % 2 else "{}",
                n % 2,
            )
            await admin.execute(
                "INSERT INTO article_drafts (tenant_id, article_id, writer, model, text, scores,"
                " brand_voice_similarity, selected) VALUES ($1, $2, $3, 'qwen', 'text', $4::jsonb,"
                " 0.5, true)",
                tenant,
                article,
                ("analyst", "storyteller")[n % 2],
                f'{{"structure": {n + 1}, "faithfulness": 4, "brand_voice": 3, "readability": 5}}',
            )
        for n in range(5):
            await admin.execute(
                "INSERT INTO llm_calls (tenant_id, task, status, provider, model, prompt_tokens,"
                " completion_tokens, cost_usd, latency_ms, context_tokens_before,"
                " context_tokens_after, attempts, created_at) VALUES ($1, $2, $3, 'local', $4,"
                " $5, $6, $7, $8, 0, 0, '[]', now() - $9 * interval '1 day')",
                tenant,
                ("writer", "editor")[n % 2],
                ("ok", "error")[n // 4],
                ("qwen", "gemma")[n % 2],
                100 * n,
                10 * n,
                0.001 * n,
                50.0 * n,
                n % 2,
            )
        for platform in ("x", "threads"):
            account = await admin.fetchval(
                "INSERT INTO social_accounts (tenant_id, platform, platform_account_id, name, "
                "provider) VALUES ($1, $2, $3, $4, 'emulator') RETURNING id",
                tenant,
                platform,
                uuid.uuid4().hex,
                f"{platform} account",
            )
            await admin.execute(
                "INSERT INTO account_rate_states (tenant_id, social_account_id, window_used, "
                "window_total, window_s, usage_percent) VALUES ($1, $2, 7, 50, 86400, 12.5)",
                tenant,
                account,
            )
            for n, status in enumerate(("published", "unconfirmed", "scheduled", "failed")):
                await admin.execute(
                    "INSERT INTO posts (tenant_id, social_account_id, platform, parts, status, "
                    "scheduled_at) VALUES ($1, $2, $3, '[]', $4, now() + $5 * interval '1 day')",
                    tenant,
                    account,
                    platform,
                    status,
                    n % 2,
                )
        for n, kind in enumerate(("upload", "url", "url")):
            await admin.execute(
                "INSERT INTO knowledge_documents (tenant_id, title, source_kind, language, "
                "chunk_count, created_at) VALUES ($1, 'Doc', $2, 'en', $3, "
                "now() - $4 * interval '1 day')",
                tenant,
                kind,
                n + 2,
                n,
            )
        for metric, used in (("articles", 4), ("posts", 8), ("llm_usd", 1.5)):
            await admin.execute(
                "INSERT INTO usage_counters (tenant_id, period, metric, used) "
                "VALUES ($1, date_trunc('month', now())::date, $2, $3)",
                tenant,
                metric,
                used,
            )


def _normalised(rows: list[asyncpg.Record]) -> list[tuple[object, ...]]:
    def value(item: object) -> object:
        if isinstance(item, (float, Decimal)):
            return round(float(item), 6)
        return item

    return sorted((tuple(value(item) for item in row) for row in rows), key=repr)


async def test_every_chart_matches_a_direct_count_over_the_base_tables(
    admin: asyncpg.Connection, settings: Settings
) -> None:
    await _seed(admin)
    assert set(REFERENCE_SQL) == {chart.slug for chart in CHARTS}
    for chart in CHARTS:
        # As the analytics role, the way Superset's user reads; the reference as superuser.
        await admin.execute(f'SET ROLE "{settings.db_analytics_role}"')
        charted = await admin.fetch(chart.sql())
        await admin.execute("RESET ROLE")
        direct = await admin.fetch(REFERENCE_SQL[chart.slug])
        assert charted, chart.slug
        assert _normalised(charted) == _normalised(direct), chart.slug
