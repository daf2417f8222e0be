"""benchmarks/dashboard.py's pure parts, without a build or a browser: which pages a build's
manifest holds (fixtures/dashboard: a real build's, plus a page added later and one whose
segment nobody seeds), how their URLs are filled, and the figures' arithmetic."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from benchmarks.dashboard import (
    DRIVER,
    PageRoute,
    RouteFigures,
    fill_route,
    gzipped_size,
    page_routes,
    percentile,
    result_line,
    route_js_kb,
    table,
)

MANIFEST = Path(__file__).parent / "fixtures" / "dashboard" / "app-path-routes-manifest.json"
IDS = {"articles": "a1", "pipelines": "p1", "runs": "r1"}


@pytest.fixture
def routes() -> list[PageRoute]:
    return page_routes(json.loads(MANIFEST.read_text()))


def test_pages_only_not_handlers_nor_next_own(routes: list[PageRoute]) -> None:
    patterns = [route.pattern for route in routes]
    assert patterns == sorted(patterns)
    assert "/" in patterns
    assert "/pipelines/[id]/runs/[runId]" in patterns
    assert "/settings/members" in patterns  # added after this benchmark: measured anyway
    assert not any(p.startswith(("/api/", "/bff/", "/_")) for p in patterns)
    signed_out = {route.pattern for route in routes if route.signed_out}
    assert signed_out == {"/login", "/signup"}


def test_dynamic_segments_take_the_seeded_id_of_their_collection(
    routes: list[PageRoute],
) -> None:
    filled = {route.pattern: fill_route(route.pattern, IDS) for route in routes}
    assert filled["/"] == "/"
    assert filled["/articles/[id]"] == "/articles/a1"
    assert filled["/pipelines/[id]/runs/[runId]"] == "/pipelines/p1/runs/r1"
    assert filled["/blog/[tenant]/[slug]"] is None  # no seeded id: listed as skipped
    assert fill_route("/docs/[...path]", {"docs": "x"}) is None


def test_percentile_is_nearest_rank() -> None:
    loads = [120.0, 80.0, 100.0, 90.0, 400.0]
    assert percentile(loads, 0.5) == 100.0
    assert percentile(loads, 0.95) == 400.0
    assert percentile([7.0], 0.95) == 7.0
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.5)


def test_route_js_is_its_distinct_scripts_gzipped_at_level_6() -> None:
    body = b"function f(){return 1}\n" * 400
    size = gzipped_size(body)
    assert size == len(gzip.compress(body, compresslevel=6, mtime=0))
    assert size < len(body) / 10
    gzipped = {"/a.js": 1500, "/b.js": 500}
    assert route_js_kb(["/a.js", "/b.js", "/a.js"], gzipped) == 2.0


def test_table_and_the_result_line() -> None:
    figures = [
        RouteFigures("/", "/", [300.0, 320.0, 900.0], 180.25, 9, ["h1"]),
        RouteFigures("/articles/[id]", "/articles/a1", [500.0, 1200.0], 240.0, 12, ["p"], 580.5),
    ]
    lines = table(figures).splitlines()
    assert lines[0].split()[:1] == ["route"]
    assert lines[2].split() == ["/articles/[id]", "500", "1200", "240.0", "580.5", "12"]
    assert result_line(figures, [100.0, 250.0, 90.0]) == (
        "RESULT lcp_p95_ms=1200 max_route_js_kb=240.0 max_route_later_js_kb=580.5 "
        "sse_lag_p95_ms=250 routes=2"
    )


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_browser_driver_parses() -> None:
    checked = subprocess.run(
        ["node", "--check", str(DRIVER)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stderr
