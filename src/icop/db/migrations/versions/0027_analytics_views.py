"""analytics views: the ``analytics`` schema Superset's eight dashboards read (ADR 0037)

- Schema ``analytics`` owned by the owner role, holding one view per dataset. Each view names
  its columns one by one: no text a model or a person wrote beyond titles and labels, no
  secret, token, hash, prompt, error message or credential reference.
- Views run with their owner's rights (the default, ``security_invoker = false``), and the
  owner bypasses row-level security, so every view sees every tenant and carries
  ``tenant_id``: operators see all tenants, and a tenant-scoped Superset role adds a
  row-level-security filter ``tenant_id = '…'`` (docs/analytics.md).
- The read-only analytics role (NOLOGIN, created by the database bootstrap because the owner
  has no CREATEROLE) gets USAGE on this schema and SELECT on its views, nothing else. It is
  granted only where the role exists, so a database bootstrapped elsewhere still migrates.
- ``tenant_usage`` carries the plans' monthly quotas (icop.quotas.plans) as a VALUES list;
  tests/analytics checks the two agree.

Revision ID: 0027
Revises: 0019
Create Date: 2026-12-07 21:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from icop.db.migrate import analytics_role

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "analytics"

VIEWS: dict[str, str] = {
    "content_production": """
        SELECT a.tenant_id, a.id AS article_id, a.pipeline_id, a.status, a.language, a.mode,
               a.created_at, (a.created_at AT TIME ZONE 'UTC')::date AS day,
               a.cost_usd::double precision AS cost_usd
        FROM public.generated_articles a
    """,
    "pipeline_runs": """
        SELECT r.tenant_id, r.id AS run_id, r.pipeline_id, p.name AS pipeline_name, r.trigger,
               r.status, r.created_at, (r.created_at AT TIME ZONE 'UTC')::date AS day,
               r.rows_total, r.rows_done, r.rows_failed,
               EXTRACT(EPOCH FROM (r.finished_at - r.started_at))::double precision
                   AS duration_s
        FROM public.pipeline_runs r
        JOIN public.content_pipelines p ON p.tenant_id = r.tenant_id AND p.id = r.pipeline_id
    """,
    "pipeline_row_outcomes": """
        SELECT w.tenant_id, w.run_id, r.pipeline_id, w.row_number, w.status, w.created_at,
               (w.created_at AT TIME ZONE 'UTC')::date AS day, w.articles_total,
               w.articles_done, w.cost_usd::double precision AS cost_usd
        FROM public.pipeline_run_rows w
        JOIN public.pipeline_runs r ON r.tenant_id = w.tenant_id AND r.id = w.run_id
    """,
    "model_calls": """
        SELECT c.tenant_id, c.id AS call_id, c.task, c.status, c.provider, c.model,
               c.created_at, (c.created_at AT TIME ZONE 'UTC')::date AS day,
               c.prompt_tokens, c.completion_tokens,
               c.prompt_tokens + c.completion_tokens AS total_tokens,
               c.cost_usd::double precision AS cost_usd, c.latency_ms, c.repaired
        FROM public.llm_calls c
    """,
    "article_quality": """
        SELECT a.tenant_id, a.id AS article_id, a.status, a.created_at,
               (a.created_at AT TIME ZONE 'UTC')::date AS day, d.writer, d.model,
               (d.scores ->> 'structure')::int AS structure,
               (d.scores ->> 'faithfulness')::int AS faithfulness,
               (d.scores ->> 'brand_voice')::int AS brand_voice,
               (d.scores ->> 'readability')::int AS readability,
               COALESCE((d.scores ->> 'structure')::int, 0)
                 + COALESCE((d.scores ->> 'faithfulness')::int, 0)
                 + COALESCE((d.scores ->> 'brand_voice')::int, 0)
                 + COALESCE((d.scores ->> 'readability')::int, 0) AS rubric_total,
               d.brand_voice_similarity,
               CASE WHEN jsonb_typeof(a.quality -> 'findings') = 'array'
                    THEN jsonb_array_length(a.quality -> 'findings') ELSE 0 END AS findings
        FROM public.generated_articles a
        JOIN public.article_drafts d
          ON d.tenant_id = a.tenant_id AND d.article_id = a.id AND d.selected
    """,
    "publishing": """
        SELECT p.tenant_id, p.id AS post_id, p.social_account_id, p.article_id, p.platform,
               p.status, p.status = 'unconfirmed' AS unconfirmed, p.scheduled_at,
               (p.scheduled_at AT TIME ZONE 'UTC')::date AS day, p.published_at, p.created_at
        FROM public.posts p
    """,
    "platform_quota": """
        SELECT s.tenant_id, s.social_account_id, a.platform, a.name AS account_name,
               a.status AS account_status, s.remaining, s."limit" AS request_limit,
               s.usage_percent, s.window_used, s.window_total, s.window_s,
               CASE WHEN s.window_total > 0
                    THEN 100.0 * s.window_used / s.window_total END AS window_used_percent,
               s.reset_at, s.blocked_until, s.window_checked_at, s.updated_at
        FROM public.account_rate_states s
        JOIN public.social_accounts a
          ON a.tenant_id = s.tenant_id AND a.id = s.social_account_id
    """,
    "trend_intake": """
        SELECT k.tenant_id, k.id AS document_id, k.source_kind, k.language, k.chunk_count,
               k.created_at, (k.created_at AT TIME ZONE 'UTC')::date AS day
        FROM public.knowledge_documents k
    """,
    "tenant_usage": """
        SELECT t.id AS tenant_id, t.company_name, t.subscription_plan AS plan,
               t.status AS tenant_status, u.period, u.metric,
               u.used::double precision AS used, q.quota::double precision AS quota,
               CASE WHEN q.quota > 0 THEN 100.0 * u.used / q.quota END AS used_percent
        FROM public.usage_counters u
        JOIN public.tenants t ON t.id = u.tenant_id
        LEFT JOIN (VALUES
            ('free', 'articles', 20::numeric), ('free', 'posts', 100), ('free', 'llm_usd', 5),
            ('pro', 'articles', 300), ('pro', 'posts', 3000), ('pro', 'llm_usd', 100),
            ('agency', 'articles', NULL), ('agency', 'posts', NULL), ('agency', 'llm_usd', 1000)
        ) AS q(plan, metric, quota) ON q.plan = t.subscription_plan AND q.metric = u.metric
    """,
}


def upgrade() -> None:
    op.execute(f"CREATE SCHEMA {SCHEMA}")
    op.execute(f"REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC")
    for name, query in VIEWS.items():
        op.execute(f"CREATE VIEW {SCHEMA}.{name} AS {query}")
    role = analytics_role()
    # Only where the bootstrap (or an operator) created the role: grants to a missing role
    # would fail the whole migration on a database prepared by hand.
    op.execute(
        f"""
        DO $$
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
                GRANT USAGE ON SCHEMA {SCHEMA} TO "{role}";
                GRANT SELECT ON ALL TABLES IN SCHEMA {SCHEMA} TO "{role}";
            ELSE
                RAISE NOTICE 'role {role} missing: analytics views granted to nobody';
            END IF;
        END
        $$
        """  # noqa: S608 - the role name comes from the settings, not from a request
    )


def downgrade() -> None:
    op.execute(f"DROP SCHEMA {SCHEMA} CASCADE")
