"""Rows for every analytics view, inserted over the base tables by a role that bypasses RLS
(the tests' superuser transaction, the benchmark's admin connection)."""

from __future__ import annotations

import uuid

import asyncpg


async def make_tenant(admin: asyncpg.Connection, plan: str = "free") -> uuid.UUID:
    tenant: uuid.UUID = await admin.fetchval(
        "INSERT INTO tenants (company_name, subscription_plan) VALUES ($1, $2) RETURNING id",
        f"Analytics {uuid.uuid4().hex[:8]}",
        plan,
    )
    return tenant


async def seed(admin: asyncpg.Connection) -> None:
    """Two tenants with a little of everything each dashboard shows, over two days."""
    for plan in ("free", "pro"):
        tenant = await make_tenant(admin, plan)
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
