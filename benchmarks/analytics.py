"""Analytics benchmark: the whole ``icop analytics up`` path against a temporary home (a seeded
embedded database, Superset installed in its own venv, the eight dashboards imported, the
server started), then every chart's data through Superset's API (GET /api/v1/chart/{id}/data)
compared with the direct count over the base tables (icop.analytics.reference).

    flock /tmp/icop-heavy.lock nice .venv/bin/python -m benchmarks.analytics [--keep]

Last line: RESULT dashboards=… charts=… charts_matching=… up_s=… chart_data_p50_ms=…
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _number(value: Any) -> float | None:
    if value is None:
        return None
    return round(float(value), 6)


def _metric_rows(rows: list[tuple[Any, ...]]) -> list[tuple[float | None, ...]]:
    return sorted((tuple(_number(v) for v in row) for row in rows), key=repr)


async def _seed_and_reference(admin_dsn: str) -> dict[str, list[tuple[Any, ...]]]:
    from icop.analytics.bundle import CHARTS
    from icop.analytics.reference import REFERENCE_SQL
    from tests.analytics.seed import seed

    conn = await asyncpg.connect(admin_dsn)
    try:
        async with conn.transaction():
            await seed(conn)
        expected = {}
        for chart in CHARTS:
            rows = await conn.fetch(REFERENCE_SQL[chart.slug])
            dims = len(chart.dimensions)
            expected[chart.slug] = [tuple(row)[dims:] for row in rows]
        return expected
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true", help="Leave the home and Superset up.")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="icop-analytics-"))
    os.environ["ICOP_HOME"] = str(home)
    os.environ.setdefault("ICOP_ENVIRONMENT", "development")

    from icop.analytics.bundle import CHARTS, DASHBOARDS
    from icop.analytics.service import analytics_down, analytics_up
    from icop.config import Settings
    from icop.db.embedded import EmbeddedPostgres
    from icop.runtime.database import prepare_database

    settings = Settings()
    try:
        prepare_database(settings)
        admin = EmbeddedPostgres(settings.home).dsn("postgres", settings.db_name)
        expected = asyncio.run(_seed_and_reference(admin))

        started = time.perf_counter()
        up = analytics_up(
            settings, host="127.0.0.1", port=_free_port(), step=lambda s: print("…", s)
        )
        up_s = time.perf_counter() - started
        print(f"Superset at {up.url} after {up_s:.1f}s")

        with httpx.Client(base_url=up.url, timeout=60) as client:
            token = client.post(
                "/api/v1/security/login",
                json={
                    "username": up.admin_user,
                    "password": up.admin_password,
                    "provider": "db",
                    "refresh": True,
                },
            ).json()["access_token"]
            client.headers["Authorization"] = f"Bearer {token}"
            boards = client.get("/api/v1/dashboard/", params={"q": "(page_size:100)"}).json()
            charts = client.get("/api/v1/chart/", params={"q": "(page_size:100)"}).json()
            ids = {row["slice_name"]: row["id"] for row in charts["result"]}
            matching, timings = 0, []
            for chart in CHARTS:
                began = time.perf_counter()
                answer = client.get(f"/api/v1/chart/{ids[chart.title]}/data/")
                timings.append((time.perf_counter() - began) * 1000)
                if answer.status_code != 200:
                    print(f"✗ {chart.slug}: HTTP {answer.status_code} {answer.text[:300]}")
                    continue
                data = answer.json()["result"][0]["data"]
                got = [tuple(row[name] for name in chart.metrics) for row in data]
                want = [
                    tuple(Decimal(str(v)) if v is not None else None for v in row)
                    for row in expected[chart.slug]
                ]
                same = _metric_rows(got) == _metric_rows(want)
                matching += same
                print(("✓ " if same else "✗ ") + f"{chart.slug}: {len(data)} rows")
                if not same:
                    print("   superset:", _metric_rows(got)[:5])
                    print("   direct:  ", _metric_rows(want)[:5])
        imported = sum(1 for b in boards["result"] if b["slug"] in {d.slug for d in DASHBOARDS})
        print(
            f"RESULT dashboards={imported} charts={len(CHARTS)} charts_matching={matching} "
            f"up_s={up_s:.1f} chart_data_p50_ms={statistics.median(timings):.0f}"
        )
    finally:
        if not args.keep:
            analytics_down(settings)
            EmbeddedPostgres(settings.home).stop()
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
