"""Heartbeating while an activity's work runs.

Model calls, image generation and platform publishing can each outlast an activity's heartbeat
timeout while being perfectly healthy; a background beat keeps such an attempt alive, and a
dead worker is still noticed within the timeout::

    async with heartbeating(every_s=10.0):
        result = await long_call()

    async with heartbeating(every_s=5.0, details=lambda: dict(latest), immediately=True):
        ...  # each beat carries the latest progress, shown by `temporal workflow describe`
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

from temporalio import activity

Details = Callable[[], object]


@contextlib.asynccontextmanager
async def heartbeating(
    *, every_s: float, details: Details | None = None, immediately: bool = False
) -> AsyncIterator[None]:
    """Call ``activity.heartbeat()`` every ``every_s`` seconds while the body runs.

    ``details``, when given, is called at each beat and its value sent as the heartbeat's one
    detail (so a beat reports the latest state, not the state at entry). The first beat comes
    after ``every_s`` unless ``immediately``. On exit — normal, error or cancellation — the beat
    task is cancelled and awaited, so no beat outlives the body; an error of the beat itself
    (a heartbeat outside an activity) is raised when the body succeeded.
    """
    if every_s <= 0:
        raise ValueError(f"every_s must be positive, not {every_s}")

    async def beat() -> None:
        if not immediately:
            await asyncio.sleep(every_s)
        while True:
            if details is None:
                activity.heartbeat()
            else:
                activity.heartbeat(details())
            await asyncio.sleep(every_s)

    task = asyncio.create_task(beat(), name="activity-heartbeat")
    try:
        yield
    except BaseException:
        await _stop(task)
        raise
    failure = await _stop(task)
    if failure is not None:
        raise failure


async def _stop(task: asyncio.Task[None]) -> BaseException | None:
    """Cancel the beat and wait for it; its own error, if it died of one. A cancellation of the
    caller while waiting propagates (``asyncio.wait`` never swallows it)."""
    task.cancel()
    await asyncio.wait({task})
    if task.cancelled():
        return None
    return task.exception()
