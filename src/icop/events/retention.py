"""Pruning the run events of finished work once they are older than the retention.

Run events feed the live run view and the article graph's durations; once a run has finished
and its articles are written, they are history that grows with every run (a row per step of
every article). The API process deletes those older than ``ICOP_RUN_EVENT_RETENTION_DAYS``
hourly, beside its other background loops (the workflow start sweeper, webhook deliveries), in
batches so no transaction holds many rows. Events of a run or article still queued or running
are kept however old: the live view of a long run must not lose its beginning. Several API
processes pruning at once only find less to delete.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.db import system
from icop.db.session import unit_of_work
from icop.kit.background import in_background

logger = logging.getLogger(__name__)

PRUNE_EVERY_S = 3600.0
BATCH = 5_000


class RunEventPruner:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        retention_days: int,
        every_s: float = PRUNE_EVERY_S,
        batch: int = BATCH,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.retention_days = retention_days
        self.every_s = every_s
        self.batch = batch

    async def prune(self) -> int:
        """One round: batches until one comes back short; how many events were deleted."""
        total = 0
        while True:
            async with unit_of_work(self.sessionmaker, None) as session:
                deleted = await system.prune_run_events(
                    session, older_than_days=self.retention_days, limit=self.batch
                )
            total += deleted
            if deleted < self.batch:
                return total

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                deleted = await self.prune()
                if deleted:
                    logger.info(
                        "pruned %d run event(s) older than %d days",
                        deleted,
                        self.retention_days,
                    )
            except Exception as error:  # the database away: try again next round
                logger.warning("run event pruning failed (%s: %s)", type(error).__name__, error)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.every_s)


@asynccontextmanager
async def background_pruner(
    sessionmaker: async_sessionmaker[AsyncSession], *, retention_days: int
) -> AsyncIterator[RunEventPruner]:
    """The pruner as a background task of the current event loop (the API process)."""
    pruner = RunEventPruner(sessionmaker, retention_days=retention_days)
    async with in_background(pruner.run, name="run-event-pruner"):
        yield pruner
