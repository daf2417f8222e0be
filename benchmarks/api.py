"""API benchmark: a list endpoint under concurrent load through the full stack (uvicorn,
middleware, JWT check, tenant-scoped transaction, RLS), plus the cost of row-level security
measured side by side: the same query as the app role through the policies vs as the owner
(BYPASSRLS, so no policies), interleaved in one run.

    .venv/bin/python -m benchmarks.api [--requests 3000] [--concurrency 4]
    .venv/bin/python -m benchmarks.api --scale --fresh [--rounds 40]

Last line: RESULT rps=… p50_ms=… p99_ms=… rls_overhead_ratio=…
With ``--scale`` (benchmarks/api_scale.py): the dashboard's lists at 1,000 tenants and
1,000,000 rows vs a near-empty database, two API servers measured in the same run with their
requests interleaved:
RESULT p99_ms=… empty_p99_ms=… scale_ratio=… rls_overhead_ratio=… rows=…
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
HOME = ROOT / ".icop-bench"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "icop", "up", "--no-demo", "--no-llm"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_ready(base: str, server: subprocess.Popen[bytes], path: str = "/readyz") -> None:
    deadline = time.monotonic() + 180
    while True:
        try:
            if httpx.get(f"{base}{path}", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            raise SystemExit("the API did not start; run `icop up` by hand to see why")
        time.sleep(0.3)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def _seed(base: str) -> tuple[str, str]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        signup = await client.post(
            "/api/v1/auth/signup",
            json={
                "email": f"bench{time.time_ns()}@example.com",
                "password": "benchmark password",
                "company_name": "Bench",
            },
        )
        signup.raise_for_status()
        body = signup.json()
        headers = {"Authorization": f"Bearer {body['access_token']}"}
        for index in range(20):
            created = await client.post(
                "/api/v1/credentials",
                headers=headers,
                json={
                    "platform": "x",
                    "label": f"account {index}",
                    "access_token": f"token-{index}",
                },
            )
            created.raise_for_status()
        return body["access_token"], body["tenant_id"]


async def _load(base: str, token: str, total: int, concurrency: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    remaining = total
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base, limits=limits, timeout=30, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        for _ in range(50):  # warm-up: connections, caches, JIT-free but still
            (await client.get("/api/v1/credentials")).raise_for_status()

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                started = time.perf_counter()
                response = await client.get("/api/v1/credentials")
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200 or len(response.json()) != 20:
                    raise RuntimeError(f"unexpected response {response.status_code}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return elapsed, latencies


LIST_COLUMNS = "SELECT id, platform, label, scopes, expires_at, created_at FROM api_credentials"
# The same rows both ways: RLS adds the tenant filter for the app role; the owner (BYPASSRLS,
# so no policies) states it, as an application without RLS would.
RLS_QUERY = f"{LIST_COLUMNS} ORDER BY created_at, id LIMIT 50"
OWNER_QUERY = f"{LIST_COLUMNS} WHERE tenant_id = $1::uuid ORDER BY created_at, id LIMIT 50"


async def _rls_ratio(
    socket_dir: Path, tenant_id: str, rounds: int = 30, per_round: int = 100
) -> float:
    """Median over rounds of (app role via RLS) / (owner, no policies), same transaction shape."""
    app = await asyncpg.connect(user="icop_app", database="icop", host=str(socket_dir))
    owner = await asyncpg.connect(user="icop_owner", database="icop", host=str(socket_dir))

    async def run(connection: asyncpg.Connection) -> float:
        through_rls = connection is app
        started = time.perf_counter()
        for _ in range(per_round):
            async with connection.transaction():
                await connection.execute("SELECT set_config('app.tenant_id', $1, true)", tenant_id)
                if through_rls:
                    rows = await connection.fetch(RLS_QUERY)
                else:
                    rows = await connection.fetch(OWNER_QUERY, tenant_id)
                assert len(rows) == 20
        return time.perf_counter() - started

    try:
        await run(app)
        await run(owner)
        ratios = []
        for index in range(rounds):
            # Alternate which goes first so drift and caching favour neither side.
            if index % 2:
                with_rls, without = await run(app), await run(owner)
            else:
                without, with_rls = await run(owner), await run(app)
            ratios.append(with_rls / without)
        return statistics.median(ratios)
    finally:
        await app.close()
        await owner.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    # Two cores: a load generator and the server; more clients only measure queueing.
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--fresh", action="store_true", help="delete the benchmark home first")
    parser.add_argument(
        "--scale", action="store_true", help="lists at 1,000 tenants and 1,000,000 rows"
    )
    parser.add_argument("--rounds", type=int, default=40, help="--scale: rounds per request")
    parser.add_argument("--rows", type=int, default=1_000_000, help="--scale: rows to seed")
    parser.add_argument("--tenants", type=int, default=1_000, help="--scale: tenants")
    args = parser.parse_args()
    if args.scale and not args.fresh:
        raise SystemExit("--scale seeds a million rows: run it with --fresh")
    if args.fresh and HOME.exists():
        shutil.rmtree(HOME)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # Only the API: no demo, no model server, no dashboard, and every other port its own, so a
    # run never meets (or measures) an `icop up` already serving on this machine.
    env = {
        **os.environ,
        "ICOP_HOME": str(HOME),
        "ICOP_API_PORT": str(port),
        "ICOP_TEMPORAL_PORT": str(_free_port()),
        "ICOP_EMULATOR_PORT": str(_free_port()),
        "ICOP_WEB_ENABLED": "false",
        "ICOP_LLM_AUTOSTART": "false",
        "ICOP_LOG_LEVEL": "WARNING",
        "ICOP_RATE_LIMIT_USER": "1000000/minute",
        "ICOP_RATE_LIMIT_TENANT": "1000000/minute",
    }
    for variable in ("DATABASE_URL", "DATABASE_APP_URL", "REDIS_URL"):
        env.pop(variable, None)
    if args.scale:
        # Two API processes over one Temporal: workers in both would take each other's tasks
        # (for tenants the other database lacks); the lists need none.
        env["ICOP_API_WORKERS"] = "false"
    # Without workers /readyz never turns ready (it wants a poller on every queue); /healthz
    # answers once the database is migrated and the app has started, which is all lists need.
    ready_path = "/healthz" if args.scale else "/readyz"
    servers = [_start(env)]
    try:
        _wait_ready(base, servers[0], ready_path)
        if args.scale:
            from benchmarks import api_scale
            from icop.db.embedded import EmbeddedPostgres

            # The empty side: a second API on the same PostgreSQL and Temporal, over its own
            # database, so both sides are measured in the same run, request by request.
            empty_port = _free_port()
            empty_base = f"http://127.0.0.1:{empty_port}"
            servers.append(
                _start(
                    {
                        **env,
                        "ICOP_API_PORT": str(empty_port),
                        "ICOP_EMULATOR_PORT": str(_free_port()),
                        "ICOP_DB_NAME": api_scale.EMPTY_DATABASE,
                    }
                )
            )
            _wait_ready(empty_base, servers[1], ready_path)
            socket_dir = str(EmbeddedPostgres(HOME).socket_dir)
            asyncio.run(
                api_scale.run(base, empty_base, socket_dir, args.rounds, args.rows, args.tenants)
            )
            return
        token, tenant_id = asyncio.run(_seed(base))
        elapsed, latencies = asyncio.run(_load(base, token, args.requests, args.concurrency))
        from icop.db.embedded import EmbeddedPostgres

        ratio = asyncio.run(_rls_ratio(EmbeddedPostgres(HOME).socket_dir, tenant_id))
    finally:
        # The second server started none of the services; the first stops them.
        for server in reversed(servers):
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
    rps = len(latencies) / elapsed
    print(f"requests={len(latencies)} concurrency={args.concurrency} elapsed_s={elapsed:.2f}")
    print(
        f"RESULT rps={rps:.0f} p50_ms={_percentile(latencies, 0.5):.2f} "
        f"p99_ms={_percentile(latencies, 0.99):.2f} rls_overhead_ratio={ratio:.3f}"
    )


if __name__ == "__main__":
    main()
