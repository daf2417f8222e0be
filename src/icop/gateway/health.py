"""Liveness and readiness.

``/healthz`` answers while the process runs. ``/readyz`` answers 200 only when every
registered dependency check passes (the database here; later services register theirs, e.g.
Temporal and a poller on every task queue that should be served).
"""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from icop.gateway.context import AppContext
from icop.gateway.dependencies import ContextDep

router = APIRouter(tags=["health"])
CHECK_TIMEOUT_S = 3.0


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(context: ContextDep) -> JSONResponse:
    checks = {"database": lambda: database_check(context), **context.readiness_checks}
    results: dict[str, dict[str, object]] = {}
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            await asyncio.wait_for(check(), CHECK_TIMEOUT_S)
            results[name] = {"ok": True}
        except Exception as error:  # any failure means "not ready"; say which and why
            results[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    ready = all(result["ok"] for result in results.values())
    return JSONResponse(
        {"status": "ready" if ready else "not_ready", "checks": results},
        status_code=200 if ready else 503,
    )


async def database_check(context: AppContext) -> None:
    async with context.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
