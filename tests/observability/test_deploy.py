"""The production layout's files: the compose file parses and is complete, Prometheus'
configuration passes promtool, the Grafana dashboard covers the metrics we export."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
QUEUES = ["agents", "images", "gpu", "planning", "syndication"]


def compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def test_compose_has_every_service_with_an_image_or_build() -> None:
    services = compose()["services"]
    wanted = {
        "postgres",
        "temporal",
        "rabbitmq",
        "minio",
        "migrate",
        "api",
        "relay",
        "nginx",
        "prometheus",
        "grafana",
        "jaeger",
        *(f"worker-{queue}" for queue in QUEUES),
    }
    assert wanted <= set(services)
    for name, service in services.items():
        assert "image" in service or "build" in service, name
    for queue in QUEUES:
        assert services[f"worker-{queue}"]["command"] == ["icop", "worker", "--queue", queue]
    assert "pgvector" in services["postgres"]["image"]
    assert services["jaeger"]["environment"]["COLLECTOR_OTLP_ENABLED"] == "true"
    # Mounted files exist.
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./") and "${" not in source:
                assert (DEPLOY / source).exists(), source
    build = services["migrate"]["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).exists()


def test_every_compose_variable_is_documented() -> None:
    text = (DEPLOY / "docker-compose.yml").read_text()
    variables = set(re.findall(r"\$\{([A-Z0-9_]+)", text))
    assert variables
    operations = (ROOT / "docs" / "operations.md").read_text()
    example = (DEPLOY / ".env.example").read_text()
    missing = sorted(v for v in variables if f"`{v}`" not in operations or f"{v}=" not in example)
    assert not missing, f"document these in docs/operations.md and deploy/.env.example: {missing}"


def test_prometheus_scrapes_the_api_and_every_worker() -> None:
    config = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())
    targets = {
        t
        for job in config["scrape_configs"]
        for group in job["static_configs"]
        for t in group["targets"]
    }
    assert "api:8000" in targets
    assert {f"worker-{queue}:9464" for queue in QUEUES} <= targets


def test_promtool_accepts_the_prometheus_config() -> None:
    if shutil.which("promtool") is None:
        pytest.skip("promtool is not installed: run scripts/system-deps.sh (make test does)")
    done = subprocess.run(
        ["promtool", "check", "config", str(DEPLOY / "prometheus.yml")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_grafana_dashboard_covers_the_exported_metrics() -> None:
    dashboard = json.loads((DEPLOY / "grafana" / "dashboards" / "icop.json").read_text())
    expressions = " ".join(t["expr"] for p in dashboard["panels"] for t in p["targets"])
    for metric in (
        "icop_http_request_duration_seconds",
        "icop_workflows_total",
        "icop_activities_total",
        "icop_model_tokens_total",
        "icop_model_cost_usd_total",
        "icop_publish_total",
        "icop_quota_wait_seconds",
    ):
        assert metric in expressions, metric
    provisioning = DEPLOY / "grafana" / "provisioning"
    assert yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())
    dashboards = yaml.safe_load((provisioning / "dashboards" / "icop.yml").read_text())
    assert dashboards["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
