"""deploy/superset/: Superset's import bundle is the one icop.analytics.bundle generates, and it
holds together (every chart's dataset, every dashboard's charts, eight dashboards)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from icop.analytics.bundle import URI_PLACEHOLDER, bundle_files

ROOT = Path(__file__).resolve().parents[2] / "deploy" / "superset"


def _load(pattern: str) -> dict[str, dict[str, Any]]:
    return {str(p.relative_to(ROOT)): yaml.safe_load(p.read_text()) for p in ROOT.glob(pattern)}


def test_the_committed_bundle_is_the_generated_one() -> None:
    committed = {str(p.relative_to(ROOT)): p.read_text() for p in ROOT.rglob("*.yaml")}
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
