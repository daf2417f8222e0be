"""One LISTEN connection per process, fanned out to the streams that wait on it.

A stream waits for its tenant's wake-up, then reads what is new from the table (under the
tenant's row-level security): the notification carries no data, so nothing one tenant may not
see can reach another's stream through it. A missed notification (the connection dropped)
costs at most one heartbeat interval: every stream re-reads when its wait times out."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

import asyncpg

from icop.events.repository import CHANNEL

logger = logging.getLogger(__name__)


class EventHub:
    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._connection: Any = None
        self._connecting = asyncio.Lock()
        self._waiters: defaultdict[str, set[asyncio.Event]] = defaultdict(set)

    @property
    def listening(self) -> bool:
        return self._connection is not None and not self._connection.is_closed()

    async def _listen(self) -> None:
        async with self._connecting:
            if self.listening:
                return
            try:
                connection = await asyncpg.connect(self._dsn)
                await connection.add_listener(CHANNEL, self._notified)
                connection.add_termination_listener(self._terminated)
            except (OSError, asyncpg.PostgresError):
                # Streams still work, by polling at their heartbeat: a degraded live view.
                logger.warning("cannot LISTEN for run events; streams poll", exc_info=True)
                return
            self._connection = connection

    def _notified(self, connection: Any, pid: int, channel: str, payload: str) -> None:
        for waiter in self._waiters.get(payload, ()):
            waiter.set()

    def _terminated(self, connection: Any) -> None:
        self._connection = None  # the next subscriber connects again

    @asynccontextmanager
    async def subscribe(self, tenant_id: UUID) -> AsyncIterator[asyncio.Event]:
        """An event set whenever the tenant's events commit (clear it before reading)."""
        await self._listen()
        waiter = asyncio.Event()
        key = str(tenant_id)
        self._waiters[key].add(waiter)
        try:
            yield waiter
        finally:
            self._waiters[key].discard(waiter)
            if not self._waiters[key]:
                del self._waiters[key]

    async def aclose(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            await connection.close()
