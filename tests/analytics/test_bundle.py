"""deploy/superset/: Superset's import bundle is the one icop.analytics.bundle generates, and it
holds together (every chart's dataset, every dashboard's charts, eight dashboards)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from icop.analytics.bundle import (
    TENANT_FILTER_FILE,
    URI_PLACEHOLDER,
    bundle_files,
    tenant_filter_rule,
)

ROOT = Path(__file__).resolve().parents[2] / "deploy" / "superset"


def _load(pattern: str) -> dict[str, dict[str, Any]]:
    return {str(p.relative_to(ROOT)): yaml.safe_load(p.read_text()) for p in ROOT.glob(pattern)}


def test_the_committed_bundle_is_the_generated_one() -> None:
    committed = {str(p.relative_to(ROOT)): p.read_text() for p in ROOT.rglob("*") if p.is_file()}
    assert committed == bundle_files(), "run: PYTHONPATH=src python -m icop.analytics.bundle"


def test_the_bundle_holds_together() -> None:
    assert yaml.safe_load((ROOT / "metadata.yaml").read_text())["type"] == "Dashboard"
    databases = _load("databases/*.yaml")
    datasets = _load("datasets/*/*.yaml")
    charts = _load("charts/*.yaml")
    dashboards = _load("dashboards/*.yaml")
    assert [db["sqlalchemy_uri"] for db in databases.values()] == [URI_PLACEHOLDER]
    database_uuids = {db["uuid"] for db in databases.values()}
    assert all(ds["database_uuid"] in database_uuids for ds in datasets.values())
    assert {ds["schema"] for ds in datasets.values()} == {"analytics"}
    by_uuid = {ds["uuid"]: ds for ds in datasets.values()}
    for chart in charts.values():
        dataset = by_uuid[chart["dataset_uuid"]]
        columns = {c["column_name"] for c in dataset["columns"]}
        metrics = {m["metric_name"] for m in dataset["metrics"]}
        query = json.loads(chart["query_context"])["queries"][0]
        assert set(query["columns"]) <= columns, chart["slice_name"]
        assert query["metrics"] and set(query["metrics"]) <= metrics, chart["slice_name"]
        assert chart["params"]["viz_type"] == chart["viz_type"]
    chart_uuids = {chart["uuid"] for chart in charts.values()}
    placed: list[str] = []
    for dashboard in dashboards.values():
        in_layout = [
            item["meta"]["uuid"]
            for item in dashboard["position"].values()
            if isinstance(item, dict) and item.get("type") == "CHART"
        ]
        assert in_layout and set(in_layout) <= chart_uuids, dashboard["dashboard_title"]
        for item in dashboard["position"].values():
            if isinstance(item, dict):
                for child in item.get("children", []):
                    assert child in dashboard["position"], (dashboard["slug"], child)
        placed += in_layout
    assert len(dashboards) == 8
    assert sorted(placed) == sorted(chart_uuids), "every chart on exactly one dashboard"
    assert len({d["uuid"] for d in dashboards.values()}) == 8


def test_compose_imports_the_same_bundle() -> None:
    deploy = ROOT.parent
    compose = yaml.safe_load((deploy / "docker-compose.yml").read_text())["services"]
    assert {"superset", "superset-init"} <= set(compose)
    assert "./superset:/app/icop/bundle:ro" in compose["superset-init"]["volumes"]
    assert URI_PLACEHOLDER in (deploy / "superset-init.sh").read_text()


def test_the_tenant_filter_scopes_every_dataset_by_tenant_id() -> None:
    tenant = "0b6f6c6e-8d1e-4a53-9a57-5d0f3f1b2c3d"
    rule = tenant_filter_rule(tenant, [1, 2], [7])
    assert rule["clause"] == f"tenant_id = '{tenant}'"
    assert rule["filter_type"] == "Regular" and rule["tables"] == [1, 2] and rule["roles"] == [7]
    with pytest.raises(ValueError):
        tenant_filter_rule("x' OR '1'='1", [1], [1])
    template = json.loads((ROOT / TENANT_FILTER_FILE).read_text())
    assert template["group_key"] == "tenant_id"
    datasets = _load("datasets/*/*.yaml").values()
    assert all(
        "tenant_id" in {c["column_name"] for c in dataset["columns"]} for dataset in datasets
    )
