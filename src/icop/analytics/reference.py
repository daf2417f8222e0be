# ruff: noqa: S608 - fixed SQL text written here, no input reaches it
"""Each chart's numbers computed straight from the base tables, without the analytics views:
the cross-check tests/analytics and benchmarks/analytics.py hold the dashboards to.

Written independently of the views on purpose (own joins, own casts), so a view that drops,
duplicates or mislabels rows shows up as a difference. Columns: the chart's dimensions (x axis
first), then its metrics, in the order the chart lists them.
"""

from __future__ import annotations

from icop.quotas.plans import PLAN_QUOTAS

# The plans' quotas from the product's own table, not from the view's copy of them.
_QUOTAS = ", ".join(
    f"('{plan}', '{metric}', {'NULL' if value is None else value}::numeric)"
    for plan, quotas in PLAN_QUOTAS.items()
    for metric, value in quotas.items()
)
_DAY = "(created_at AT TIME ZONE 'UTC')::date"
_SCORE = "COALESCE((d.scores ->> '{0}')::int, 0)"
_TOTAL = " + ".join(
    _SCORE.format(name) for name in ("structure", "faithfulness", "brand_voice", "readability")
)

REFERENCE_SQL: dict[str, str] = {
    "articles-by-status": "SELECT status, COUNT(*) FROM generated_articles GROUP BY 1",
    "articles-per-day": f"SELECT {_DAY}, status, COUNT(*) FROM generated_articles GROUP BY 1, 2",
    "article-cost-per-day": (
        f"SELECT {_DAY}, SUM(cost_usd)::double precision FROM generated_articles GROUP BY 1"
    ),
    "pipeline-runs-by-status": (
        "SELECT p.name, r.status, COUNT(*), SUM(r.rows_total), SUM(r.rows_done), "
        "SUM(r.rows_failed) FROM pipeline_runs r, content_pipelines p "
        "WHERE p.id = r.pipeline_id GROUP BY 1, 2"
    ),
    "pipeline-row-outcomes": "SELECT status, COUNT(*) FROM pipeline_run_rows GROUP BY 1",
    "pipeline-rows-per-day": (
        f"SELECT {_DAY}, status, COUNT(*) FROM pipeline_run_rows GROUP BY 1, 2"
    ),
    "model-calls-by-model": (
        "SELECT provider, model, COUNT(*), SUM(prompt_tokens + completion_tokens), "
        "SUM(cost_usd)::double precision, AVG(latency_ms) FROM llm_calls GROUP BY 1, 2"
    ),
    "model-calls-by-task": (
        "SELECT task, status, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens), "
        "SUM(cost_usd)::double precision FROM llm_calls GROUP BY 1, 2"
    ),
    "model-tokens-per-day": (
        f"SELECT {_DAY}, model, SUM(prompt_tokens + completion_tokens) FROM llm_calls GROUP BY 1, 2"
    ),
    "quality-by-writer": (
        f"SELECT d.writer, d.model, COUNT(*), AVG({_TOTAL}), "
        "AVG((d.scores ->> 'faithfulness')::int), AVG(d.brand_voice_similarity) "
        "FROM article_drafts d WHERE d.selected "
        "AND EXISTS (SELECT 1 FROM generated_articles a WHERE a.id = d.article_id) "
        "GROUP BY 1, 2"
    ),
    "quality-findings-by-status": (
        "SELECT a.status, COUNT(*), SUM(COALESCE(jsonb_array_length("
        "CASE WHEN jsonb_typeof(a.quality -> 'findings') = 'array' "
        "THEN a.quality -> 'findings' END), 0)) "
        "FROM generated_articles a WHERE EXISTS (SELECT 1 FROM article_drafts d "
        "WHERE d.article_id = a.id AND d.selected) GROUP BY 1"
    ),
    "posts-by-platform-status": "SELECT platform, status, COUNT(*) FROM posts GROUP BY 1, 2",
    "posts-unconfirmed": (
        "SELECT platform, COUNT(*) FILTER (WHERE status = 'unconfirmed'), COUNT(*) "
        "FROM posts GROUP BY 1"
    ),
    "posts-per-day": (
        "SELECT (scheduled_at AT TIME ZONE 'UTC')::date, platform, COUNT(*) FROM posts "
        "GROUP BY 1, 2"
    ),
    "quota-per-account": (
        "SELECT a.platform, a.name, s.window_s, MAX(s.window_used), MAX(s.window_total), "
        "MAX(CASE WHEN s.window_total > 0 THEN 100.0 * s.window_used / s.window_total END), "
        "MAX(s.usage_percent) FROM account_rate_states s "
        "JOIN social_accounts a ON a.id = s.social_account_id GROUP BY 1, 2, 3"
    ),
    "quota-accounts-by-platform": (
        "SELECT a.platform, COUNT(*) FROM account_rate_states s "
        "JOIN social_accounts a ON a.id = s.social_account_id GROUP BY 1"
    ),
    "intake-per-day": (
        f"SELECT {_DAY}, source_kind, COUNT(*) FROM knowledge_documents GROUP BY 1, 2"
    ),
    "intake-by-source": (
        "SELECT source_kind, language, COUNT(*), SUM(chunk_count) FROM knowledge_documents "
        "GROUP BY 1, 2"
    ),
    "tenant-usage-vs-plan": (
        "SELECT t.company_name, t.subscription_plan, u.period, u.metric, "
        "SUM(u.used)::double precision, MAX(q.quota)::double precision, "
        "MAX(CASE WHEN q.quota > 0 THEN 100.0 * u.used / q.quota END) "
        "FROM usage_counters u JOIN tenants t ON t.id = u.tenant_id "
        f"LEFT JOIN (VALUES {_QUOTAS}) AS q(plan, metric, quota) "
        "ON q.plan = t.subscription_plan AND q.metric = u.metric GROUP BY 1, 2, 3, 4"
    ),
}
