"""A real Prometheus (Debian's package) scrapes the API's /metrics from a live uvicorn."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from icop.config import Settings
from icop.db.engine import DatabaseUrls
from tests.system_services import free_port, require, served_api


@pytest.fixture(scope="module")
def live_api(database_urls: DatabaseUrls, settings: Settings) -> Iterator[str]:
    with served_api(database_urls, settings) as port:
        yield f"127.0.0.1:{port}"


@pytest.fixture
def prometheus(live_api: str, tmp_path: Path) -> Iterator[str]:
    require("prometheus")
    port = free_port()
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        "scrape_configs:\n  - job_name: icop-api\n    metrics_path: /metrics\n"
        f"    static_configs:\n      - targets: ['{live_api}']\n"
    )
    log = open(tmp_path / "prometheus.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            "prometheus",
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        log.close()


def _query(base: str, expression: str) -> list[Any]:
    response = httpx.get(f"{base}/api/v1/query", params={"query": expression}, timeout=5)
    response.raise_for_status()
    body = response.json()
    assert body["status"] == "success", body
    result: list[Any] = body["data"]["result"]
    return result


def test_prometheus_scrapes_the_api(live_api: str, prometheus: str) -> None:
    assert httpx.get(f"http://{live_api}/healthz", timeout=5).status_code == 200
    deadline = time.monotonic() + 30
    up: list[Any] = []
    requests: list[Any] = []
    while time.monotonic() < deadline:
        try:
            up = _query(prometheus, 'up{job="icop-api"}')
            requests = _query(prometheus, 'icop_http_requests_total{route="/healthz"}')
        except httpx.HTTPError:
            pass  # Prometheus still starting
        if up and up[0]["value"][1] == "1" and requests:
            break
        time.sleep(0.5)
    assert up and up[0]["value"][1] == "1", up
    assert requests and float(requests[0]["value"][1]) >= 1
    # Other tests in this process may have counted other methods on the same route.
    assert any(series["metric"]["method"] == "GET" for series in requests), requests
    build = _query(prometheus, "icop_build_info")
    assert build is not None
