"""The eight dashboards, their charts and datasets, as data; ``python -m icop.analytics.bundle``
writes them in Superset's import format (a directory of YAML) to ``deploy/superset/``.

One source for both the YAML and the tests: every chart is a GROUP BY of its dataset's view,
so tests/analytics can run the same aggregate in SQL and compare it with a direct count over
the base tables, and benchmarks/analytics.py can compare it with Superset's own answer.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SCHEMA = "analytics"
DATABASE_NAME = "ICOP analytics"
# Fixed so a re-import updates the same objects instead of creating copies.
_NAMESPACE = uuid.UUID("6f2b3c8e-1d7a-4e55-9c0b-2a9e4d1c7b10")
DATABASE_UUID = str(uuid.uuid5(_NAMESPACE, "database"))
VERSION = "1.0.0"


def _uuid(kind: str, name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{name}"))


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    is_dttm: bool = False


@dataclass(frozen=True)
class Metric:
    name: str
    expression: str
    label: str


@dataclass(frozen=True)
class Dataset:
    view: str
    description: str
    columns: tuple[Column, ...]
    metrics: tuple[Metric, ...]
    main_dttm_col: str | None = None

    @property
    def uuid(self) -> str:
        return _uuid("dataset", self.view)

    def metric(self, name: str) -> Metric:
        return next(metric for metric in self.metrics if metric.name == name)


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    dataset: Dataset
    viz_type: str
    groupby: tuple[str, ...]
    metrics: tuple[str, ...]
    x_axis: str | None = None

    @property
    def uuid(self) -> str:
        return _uuid("chart", self.slug)

    @property
    def dimensions(self) -> tuple[str, ...]:
        return ((self.x_axis,) if self.x_axis else ()) + self.groupby

    def sql(self) -> str:
        """The aggregate Superset runs for this chart, as plain SQL over the view."""
        selected = [*self.dimensions] + [
            f"{self.dataset.metric(name).expression} AS {name}" for name in self.metrics
        ]
        # Names from this module's own tables, never from input.
        query = f"SELECT {', '.join(selected)} FROM {SCHEMA}.{self.dataset.view}"  # noqa: S608
        if self.dimensions:
            query += f" GROUP BY {', '.join(self.dimensions)}"
        return query


@dataclass(frozen=True)
class Dashboard:
    slug: str
    title: str
    description: str
    charts: tuple[Chart, ...] = field(default_factory=tuple)

    @property
    def uuid(self) -> str:
        return _uuid("dashboard", self.slug)


def _count(label: str = "Count") -> Metric:
    return Metric("count", "COUNT(*)", label)


def _sum(column: str, label: str) -> Metric:
    return Metric(f"sum_{column}", f"SUM({column})", label)


def _avg(column: str, label: str) -> Metric:
    return Metric(f"avg_{column}", f"AVG({column})", label)


def _max(column: str, label: str) -> Metric:
    return Metric(f"max_{column}", f"MAX({column})", label)


_UUID, _TEXT, _TS, _DATE = "UUID", "VARCHAR", "TIMESTAMP WITH TIME ZONE", "DATE"
_INT, _FLOAT, _BOOL = "INTEGER", "DOUBLE PRECISION", "BOOLEAN"

CONTENT = Dataset(
    "content_production",
    "One row per article: status, language, mode, cost.",
    (
        Column("tenant_id", _UUID),
        Column("article_id", _UUID),
        Column("pipeline_id", _UUID),
        Column("status", _TEXT),
        Column("language", _TEXT),
        Column("mode", _TEXT),
        Column("created_at", _TS, is_dttm=True),
        Column("day", _DATE, is_dttm=True),
        Column("cost_usd", _FLOAT),
    ),
    (_count("Articles"), _sum("cost_usd", "Cost (USD)")),
    "created_at",
)
PIPELINE_RUNS = Dataset(
    "pipeline_runs",
    "One row per pipeline run with its row counts and duration.",
    (
        Column("tenant_id", _UUID),
        Column("run_id", _UUID),
        Column("pipeline_id", _UUID),
        Column("pipeline_name", _TEXT),
        Column("trigger", _TEXT),
        Column("status", _TEXT),
        Column("created_at", _TS, is_dttm=True),
        Column("day", _DATE, is_dttm=True),
        Column("rows_total", _INT),
        Column("rows_done", _INT),
        Column("rows_failed", _INT),
        Column("duration_s", _FLOAT),
    ),
    (
        _count("Runs"),
        _sum("rows_total", "Rows"),
        _sum("rows_done", "Rows done"),
        _sum("rows_failed", "Rows failed"),
    ),
    "created_at",
)
PIPELINE_ROWS = Dataset(
    "pipeline_row_outcomes",
    "One row per plan row of a run: its outcome, articles and cost.",
    (
        Column("tenant_id", _UUID),
        Column("run_id", _UUID),
        Column("pipeline_id", _UUID),
        Column("row_number", _INT),
        Column("status", _TEXT),
        Column("created_at", _TS, is_dttm=True),
        Column("day", _DATE, is_dttm=True),
        Column("articles_total", _INT),
        Column("articles_done", _INT),
        Column("cost_usd", _FLOAT),
    ),
    (_count("Rows"), _sum("articles_done", "Articles done"), _sum("cost_usd", "Cost (USD)")),
    "created_at",
)
MODEL_CALLS = Dataset(
    "model_calls",
    "One row per model call: task, provider, model, tokens, cost, latency (never prompt text).",
    (
        Column("tenant_id", _UUID),
        Column("call_id", _UUID),
        Column("task", _TEXT),
        Column("status", _TEXT),
        Column("provider", _TEXT),
        Column("model", _TEXT),
        Column("created_at", _TS, is_dttm=True),
        Column("day", _DATE, is_dttm=True),
        Column("prompt_tokens", _INT),
        Column("completion_tokens", _INT),
        Column("total_tokens", _INT),
        Column("cost_usd", _FLOAT),
        Column("latency_ms", _FLOAT),
        Column("repaired", _BOOL),
    ),
    (
        _count("Calls"),
        _sum("prompt_tokens", "Prompt tokens"),
        _sum("completion_tokens", "Completion tokens"),
        _sum("total_tokens", "Tokens"),
        _sum("cost_usd", "Cost (USD)"),
        _avg("latency_ms", "Mean latency (ms)"),
    ),
    "created_at",
)
QUALITY = Dataset(
    "article_quality",
    "One row per article with a chosen draft: the editor's rubric scores, brand-voice "
    "similarity and the publishability gate's findings.",
    (
        Column("tenant_id", _UUID),
        Column("article_id", _UUID),
        Column("status", _TEXT),
        Column("created_at", _TS, is_dttm=True),
        Column("day", _DATE, is_dttm=True),
        Column("writer", _TEXT),
        Column("model", _TEXT),
        Column("structure", _INT),
        Column("faithfulness", _INT),
        Column("brand_voice", _INT),
        Column("readability", _INT),
        Column("rubric_total", _INT),
        Column("brand_voice_similarity", _FLOAT),
        Column("findings", _INT),
    ),
    (
        _count("Articles"),
        _avg("rubric_total", "Mean rubric total"),
        _avg("faithfulness", "Mean faithfulness"),
        _avg("brand_voice_similarity", "Mean brand-voice similarity"),
        _sum("findings", "Gate findings"),
    ),
    "created_at",
)
PUBLISHING = Dataset(
    "publishing",
    "One row per post: platform, status, schedule; unconfirmed posts flagged.",
    (
        Column("tenant_id", _UUID),
        Column("post_id", _UUID),
        Column("social_account_id", _UUID),
        Column("article_id", _UUID),
        Column("platform", _TEXT),
        Column("status", _TEXT),
        Column("unconfirmed", _BOOL),
        Column("scheduled_at", _TS, is_dttm=True),
        Column("day", _DATE, is_dttm=True),
        Column("published_at", _TS, is_dttm=True),
        Column("created_at", _TS, is_dttm=True),
    ),
    (
        _count("Posts"),
        Metric("unconfirmed_posts", "SUM(CASE WHEN unconfirmed THEN 1 ELSE 0 END)", "Unconfirmed"),
    ),
    "scheduled_at",
)
QUOTA = Dataset(
    "platform_quota",
    "One row per connected account: the platform's last reported rate limit and window use.",
    (
        Column("tenant_id", _UUID),
        Column("social_account_id", _UUID),
        Column("platform", _TEXT),
        Column("account_name", _TEXT),
        Column("account_status", _TEXT),
        Column("remaining", _INT),
        Column("request_limit", _INT),
        Column("usage_percent", _FLOAT),
        Column("window_used", _INT),
        Column("window_total", _INT),
        Column("window_s", _INT),
        Column("window_used_percent", "NUMERIC"),
        Column("reset_at", _TS, is_dttm=True),
        Column("blocked_until", _TS, is_dttm=True),
        Column("window_checked_at", _TS, is_dttm=True),
        Column("updated_at", _TS, is_dttm=True),
    ),
    (
        _count("Accounts"),
        _max("window_used", "Used in window"),
        _max("window_total", "Window allowance"),
        _max("window_used_percent", "Window used (%)"),
        _max("usage_percent", "Platform usage (%)"),
    ),
    "updated_at",
)
TREND_INTAKE = Dataset(
    "trend_intake",
    "Documents taken in by source and day (knowledge documents until the trend tables land).",
    (
        Column("tenant_id", _UUID),
        Column("document_id", _UUID),
        Column("source_kind", _TEXT),
        Column("language", _TEXT),
        Column("chunk_count", _INT),
        Column("created_at", _TS, is_dttm=True),
        Column("day", _DATE, is_dttm=True),
    ),
    (_count("Documents"), _sum("chunk_count", "Chunks")),
    "created_at",
)
TENANT_USAGE = Dataset(
    "tenant_usage",
    "Each tenant's monthly usage per metric against its plan's quota (empty quota: unlimited).",
    (
        Column("tenant_id", _UUID),
        Column("company_name", _TEXT),
        Column("plan", _TEXT),
        Column("tenant_status", _TEXT),
        Column("period", _DATE, is_dttm=True),
        Column("metric", _TEXT),
        Column("used", _FLOAT),
        Column("quota", _FLOAT),
        Column("used_percent", "NUMERIC"),
    ),
    (
        _sum("used", "Used"),
        _max("quota", "Quota"),
        _max("used_percent", "Used (%)"),
    ),
    "period",
)

DATASETS: tuple[Dataset, ...] = (
    CONTENT,
    PIPELINE_RUNS,
    PIPELINE_ROWS,
    MODEL_CALLS,
    QUALITY,
    PUBLISHING,
    QUOTA,
    TREND_INTAKE,
    TENANT_USAGE,
)

DASHBOARDS: tuple[Dashboard, ...] = (
    Dashboard(
        "icop-content-production",
        "Content production",
        "Articles by status and day.",
        (
            Chart(
                "articles-by-status", "Articles by status", CONTENT, "pie", ("status",), ("count",)
            ),
            Chart(
                "articles-per-day",
                "Articles per day by status",
                CONTENT,
                "echarts_timeseries_bar",
                ("status",),
                ("count",),
                x_axis="day",
            ),
            Chart(
                "article-cost-per-day",
                "Article cost per day",
                CONTENT,
                "echarts_timeseries_bar",
                (),
                ("sum_cost_usd",),
                x_axis="day",
            ),
        ),
    ),
    Dashboard(
        "icop-pipelines",
        "Pipeline runs",
        "Pipeline runs by status and the outcome of their rows.",
        (
            Chart(
                "pipeline-runs-by-status",
                "Runs by pipeline and status",
                PIPELINE_RUNS,
                "table",
                ("pipeline_name", "status"),
                ("count", "sum_rows_total", "sum_rows_done", "sum_rows_failed"),
            ),
            Chart(
                "pipeline-row-outcomes",
                "Row outcomes",
                PIPELINE_ROWS,
                "pie",
                ("status",),
                ("count",),
            ),
            Chart(
                "pipeline-rows-per-day",
                "Rows per day by outcome",
                PIPELINE_ROWS,
                "echarts_timeseries_bar",
                ("status",),
                ("count",),
                x_axis="day",
            ),
        ),
    ),
    Dashboard(
        "icop-model-calls",
        "Model calls, tokens and cost",
        "Model calls, tokens and cost by model and by task.",
        (
            Chart(
                "model-calls-by-model",
                "Calls, tokens and cost by model",
                MODEL_CALLS,
                "table",
                ("provider", "model"),
                ("count", "sum_total_tokens", "sum_cost_usd", "avg_latency_ms"),
            ),
            Chart(
                "model-calls-by-task",
                "Calls, tokens and cost by task",
                MODEL_CALLS,
                "table",
                ("task", "status"),
                ("count", "sum_prompt_tokens", "sum_completion_tokens", "sum_cost_usd"),
            ),
            Chart(
                "model-tokens-per-day",
                "Tokens per day by model",
                MODEL_CALLS,
                "echarts_timeseries_bar",
                ("model",),
                ("sum_total_tokens",),
                x_axis="day",
            ),
        ),
    ),
    Dashboard(
        "icop-article-quality",
        "Article quality",
        "The editor's rubric scores of the chosen drafts and the gate's findings.",
        (
            Chart(
                "quality-by-writer",
                "Rubric scores by writer and model",
                QUALITY,
                "table",
                ("writer", "model"),
                ("count", "avg_rubric_total", "avg_faithfulness", "avg_brand_voice_similarity"),
            ),
            Chart(
                "quality-findings-by-status",
                "Gate findings by article status",
                QUALITY,
                "table",
                ("status",),
                ("count", "sum_findings"),
            ),
        ),
    ),
    Dashboard(
        "icop-publishing",
        "Publishing",
        "Posts by platform and status, and the unconfirmed ones to reconcile.",
        (
            Chart(
                "posts-by-platform-status",
                "Posts by platform and status",
                PUBLISHING,
                "table",
                ("platform", "status"),
                ("count",),
            ),
            Chart(
                "posts-unconfirmed",
                "Unconfirmed posts by platform",
                PUBLISHING,
                "table",
                ("platform",),
                ("unconfirmed_posts", "count"),
            ),
            Chart(
                "posts-per-day",
                "Posts per scheduled day by platform",
                PUBLISHING,
                "echarts_timeseries_bar",
                ("platform",),
                ("count",),
                x_axis="day",
            ),
        ),
    ),
    Dashboard(
        "icop-platform-quota",
        "Platform quota",
        "Rate-limit windows per connected account.",
        (
            Chart(
                "quota-per-account",
                "Window use per account",
                QUOTA,
                "table",
                ("platform", "account_name", "window_s"),
                (
                    "max_window_used",
                    "max_window_total",
                    "max_window_used_percent",
                    "max_usage_percent",
                ),
            ),
            Chart(
                "quota-accounts-by-platform",
                "Accounts by platform",
                QUOTA,
                "pie",
                ("platform",),
                ("count",),
            ),
        ),
    ),
    Dashboard(
        "icop-trend-intake",
        "Trend intake",
        "What the pipelines took in, by source and day.",
        (
            Chart(
                "intake-per-day",
                "Documents per day by source",
                TREND_INTAKE,
                "echarts_timeseries_bar",
                ("source_kind",),
                ("count",),
                x_axis="day",
            ),
            Chart(
                "intake-by-source",
                "Documents and chunks by source",
                TREND_INTAKE,
                "table",
                ("source_kind", "language"),
                ("count", "sum_chunk_count"),
            ),
        ),
    ),
    Dashboard(
        "icop-tenant-usage",
        "Tenant usage",
        "Each tenant's usage this and past months against its plan.",
        (
            Chart(
                "tenant-usage-vs-plan",
                "Usage against plan",
                TENANT_USAGE,
                "table",
                ("company_name", "plan", "period", "metric"),
                ("sum_used", "max_quota", "max_used_percent"),
            ),
        ),
    ),
)

CHARTS: tuple[Chart, ...] = tuple(chart for board in DASHBOARDS for chart in board.charts)


# -- Superset's import format -------------------------------------------------------------------


# How old a chart's data may be (seconds): dashboards refresh every five minutes and each view is
# cheap (tests/analytics measure them), so a minute keeps repeated opens from re-querying.
CHART_DATA_CACHE_S = 60


def database_config(sqlalchemy_uri: str) -> dict[str, Any]:
    return {
        "database_name": DATABASE_NAME,
        "sqlalchemy_uri": sqlalchemy_uri,
        # Charts and datasets inherit this. Superset's own default is a day, so a dashboard
        # opened during a run showed the run as it was at the first look, long after it ended.
        "cache_timeout": CHART_DATA_CACHE_S,
        "expose_in_sqllab": True,
        "allow_run_async": False,
        "allow_ctas": False,
        "allow_cvas": False,
        "allow_dml": False,
        "allow_file_upload": False,
        "extra": {"allows_virtual_table_explore": True, "schemas_allowed_for_file_upload": []},
        "uuid": DATABASE_UUID,
        "version": VERSION,
    }


def dataset_config(dataset: Dataset) -> dict[str, Any]:
    return {
        "table_name": dataset.view,
        "schema": SCHEMA,
        "catalog": None,
        "main_dttm_col": dataset.main_dttm_col,
        "description": dataset.description,
        "default_endpoint": None,
        "offset": 0,
        "cache_timeout": None,
        "sql": None,
        "params": None,
        "template_params": None,
        "filter_select_enabled": True,
        "fetch_values_predicate": None,
        "extra": None,
        "normalize_columns": False,
        "always_filter_main_dttm": False,
        "uuid": dataset.uuid,
        "metrics": [
            {
                "metric_name": metric.name,
                "verbose_name": metric.label,
                "metric_type": None,
                "expression": metric.expression,
                "description": None,
                "d3format": None,
                "extra": None,
                "warning_text": None,
            }
            for metric in dataset.metrics
        ],
        "columns": [
            {
                "column_name": column.name,
                "verbose_name": None,
                "is_dttm": column.is_dttm,
                "is_active": True,
                "type": column.type,
                "advanced_data_type": None,
                "groupby": True,
                "filterable": True,
                "expression": None,
                "description": None,
                "python_date_format": None,
                "extra": None,
            }
            for column in dataset.columns
        ],
        "version": VERSION,
        "database_uuid": DATABASE_UUID,
    }


def _form_data(chart: Chart) -> dict[str, Any]:
    params: dict[str, Any] = {
        "viz_type": chart.viz_type,
        "adhoc_filters": [],
        "row_limit": 10000,
        "color_scheme": "supersetColors",
    }
    if chart.viz_type == "table":
        params |= {
            "query_mode": "aggregate",
            "groupby": list(chart.groupby),
            "metrics": list(chart.metrics),
        }
    elif chart.viz_type == "pie":
        params |= {"groupby": list(chart.groupby), "metric": chart.metrics[0], "show_legend": True}
    else:
        params |= {
            "x_axis": chart.x_axis,
            "time_grain_sqla": "P1D",
            "groupby": list(chart.groupby),
            "metrics": list(chart.metrics),
            "stack": "Stack",
            "show_legend": True,
        }
    return params


def _query_context(chart: Chart, form_data: dict[str, Any]) -> str:
    # What GET /api/v1/chart/{id}/data runs (the import rewrites the datasource id). The
    # browser rebuilds its own from the form data; this one stays a plain GROUP BY so the
    # benchmark compares Superset's numbers with the SQL's one to one.
    return json.dumps(
        {
            "datasource": {"id": 0, "type": "table"},
            "force": False,
            "queries": [
                {
                    "columns": list(chart.dimensions),
                    "metrics": list(chart.metrics),
                    "filters": [],
                    "extras": {"having": "", "where": ""},
                    "orderby": [],
                    "row_limit": 10000,
                    "annotation_layers": [],
                }
            ],
            "form_data": form_data,
            "result_format": "json",
            "result_type": "full",
        },
        sort_keys=True,
    )


def chart_config(chart: Chart) -> dict[str, Any]:
    form_data = _form_data(chart)
    return {
        "slice_name": chart.title,
        "description": None,
        "certified_by": None,
        "certification_details": None,
        "viz_type": chart.viz_type,
        "params": form_data,
        "query_context": _query_context(chart, form_data),
        "cache_timeout": None,
        "uuid": chart.uuid,
        "version": VERSION,
        "dataset_uuid": chart.dataset.uuid,
    }


def dashboard_config(dashboard: Dashboard) -> dict[str, Any]:
    position: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"children": ["GRID_ID"], "id": "ROOT_ID", "type": "ROOT"},
        "GRID_ID": {"children": [], "id": "GRID_ID", "parents": ["ROOT_ID"], "type": "GRID"},
        "HEADER_ID": {"id": "HEADER_ID", "meta": {"text": dashboard.title}, "type": "HEADER"},
    }
    # Two charts a row, each half the grid's twelve columns.
    for row_index in range(0, len(dashboard.charts), 2):
        row_id = f"ROW-{row_index // 2}"
        position["GRID_ID"]["children"].append(row_id)
        position[row_id] = {
            "children": [],
            "id": row_id,
            "meta": {"background": "BACKGROUND_TRANSPARENT"},
            "parents": ["ROOT_ID", "GRID_ID"],
            "type": "ROW",
        }
        for chart in dashboard.charts[row_index : row_index + 2]:
            chart_id = f"CHART-{chart.slug}"
            position[row_id]["children"].append(chart_id)
            position[chart_id] = {
                "children": [],
                "id": chart_id,
                # chartId: the exporting instance's id, which the importer maps to the new
                # one through the uuid; any distinct number does.
                "meta": {
                    "chartId": CHARTS.index(chart) + 1,
                    "height": 50,
                    "sliceName": chart.title,
                    "uuid": chart.uuid,
                    "width": 6,
                },
                "parents": ["ROOT_ID", "GRID_ID", row_id],
                "type": "CHART",
            }
    return {
        "dashboard_title": dashboard.title,
        "description": dashboard.description,
        "css": "",
        "slug": dashboard.slug,
        "certified_by": "",
        "certification_details": "",
        "published": True,
        "uuid": dashboard.uuid,
        "position": position,
        "metadata": {
            "color_scheme": "supersetColors",
            "refresh_frequency": 300,
            "expanded_slices": {},
            "label_colors": {},
            "timed_refresh_immune_slices": [],
            "cross_filters_enabled": True,
            "native_filter_configuration": [],
            "default_filters": "{}",
        },
        "version": VERSION,
    }


# -- tenant scoping ------------------------------------------------------------------------------

# Superset's import bundle has no place for row-level-security rules, so the rule is shipped as
# the body of POST /api/v1/rowlevelsecurity/ (docs/analytics.md). Every view's tenant column is
# named tenant_id, so one clause fits all nine datasets.
TENANT_FILTER_FILE = "rls/tenant_filter.json"


def tenant_filter_rule(
    tenant_id: str, dataset_ids: list[int], role_ids: list[int], name: str | None = None
) -> dict[str, Any]:
    canonical = str(uuid.UUID(tenant_id))  # refuses anything but a uuid before it is quoted
    return {
        "name": name or f"tenant {canonical}",
        "description": "ICOP tenant scope: rows of this tenant only (docs/analytics.md).",
        "filter_type": "Regular",
        "group_key": "tenant_id",
        "clause": f"tenant_id = '{canonical}'",
        "tables": dataset_ids,
        "roles": role_ids,
    }


# The database entry in the bundle: Superset's importer needs a URI; `icop analytics up` and
# the compose init replace the placeholder with the real one (the password never lands here).
URI_PLACEHOLDER = "postgresql+psycopg2://icop_superset:XXXXXXXXXX@localhost:5432/icop"


def bundle_files(sqlalchemy_uri: str = URI_PLACEHOLDER) -> dict[str, str]:
    """Relative path → YAML text, the whole bundle."""

    def dump(data: dict[str, Any]) -> str:
        return yaml.safe_dump(data, sort_keys=True, allow_unicode=True)

    files = {
        "metadata.yaml": dump(
            {"version": VERSION, "type": "Dashboard", "timestamp": "2026-12-07T00:00:00+00:00"}
        ),
        "databases/icop_analytics.yaml": dump(database_config(sqlalchemy_uri)),
    }
    for dataset in DATASETS:
        files[f"datasets/icop_analytics/{dataset.view}.yaml"] = dump(dataset_config(dataset))
    for chart in CHARTS:
        files[f"charts/{chart.slug}.yaml"] = dump(chart_config(chart))
    for dashboard in DASHBOARDS:
        files[f"dashboards/{dashboard.slug}.yaml"] = dump(dashboard_config(dashboard))
    template = tenant_filter_rule(str(uuid.UUID(int=0)), [], [], name="tenant <name>")
    template["tables"] = "<ids of the nine analytics datasets: GET /api/v1/dataset/>"
    template["roles"] = "<id of the tenant's Superset role>"
    files[TENANT_FILTER_FILE] = json.dumps(template, indent=2) + "\n"
    return files


def write_bundle(directory: Path, sqlalchemy_uri: str = URI_PLACEHOLDER) -> list[Path]:
    written = []
    for relative, text in bundle_files(sqlalchemy_uri).items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    return written


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[3] / "deploy" / "superset"
    for path in write_bundle(root):
        print(path.relative_to(root.parent.parent))
