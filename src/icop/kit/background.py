"""A loop that runs beside a process's main work (the outbox relay, the workflow start
sweeper): ``run(stop)`` as a task of the current event loop while a block runs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any


@asynccontextmanager
async def in_background(
    run: Callable[[asyncio.Event], Coroutine[Any, Any, None]],
    *,
    name: str,
    stop_timeout_s: float | None = None,
) -> AsyncIterator[None]:
    """Start ``run(stop)``; on leaving the block set ``stop`` and wait for the task to end
    (``TimeoutError`` when it takes longer than ``stop_timeout_s``; the task is then
    cancelled)."""
    stop = asyncio.Event()
    task = asyncio.create_task(run(stop), name=name)
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=stop_timeout_s)
