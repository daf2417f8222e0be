"""Liveness and readiness.

``/healthz`` answers while the process runs. ``/readyz`` answers 200 only when every
registered dependency check passes: the database here, and what the runtime registers (Temporal
and a poller on every task queue that should be served, see ``icop.runtime.orchestration``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from icop.gateway.dependencies import process_client

router = APIRouter(tags=["health"])
CHECK_TIMEOUT_S = 3.0
Check = Callable[[], Awaitable[None]]


def get_readiness_checks(request: Request) -> Mapping[str, Check]:
    engine: AsyncEngine = process_client(request, "engine")
    checks: Mapping[str, Check] = process_client(request, "readiness_checks")
    return {"database": lambda: database_check(engine), **checks}


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(
    checks: Annotated[Mapping[str, Check], Depends(get_readiness_checks)],
) -> JSONResponse:
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


async def database_check(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
