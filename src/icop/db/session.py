"""Units of work: one transaction, one tenant.

The tenant is bound with ``set_config('app.tenant_id', …, true)`` (transaction-local) at the
start of every unit of work, never with a session-level SET: pooled connections would carry it
into the next tenant's request. An empty value makes every tenant policy match nothing.

Work that must follow a commit, and only a commit, registers itself with ``after_commit``
(starting the workflow a request asked for): it runs once the transaction committed and the
session is closed, and is dropped when the transaction rolls back.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.errors import ICOPError

logger = logging.getLogger(__name__)

TENANT_SETTING = "app.tenant_id"
_AFTER_COMMIT = "icop.after_commit"
# Given the sessionmaker of the unit of work that committed, to open units of work of its own.
AfterCommit = Callable[[async_sessionmaker[AsyncSession]], Awaitable[None]]

_SET_TENANT = text("SELECT set_config('app.tenant_id', :tenant_id, true)")


async def bind_tenant(session: AsyncSession, tenant_id: UUID | None) -> None:
    await session.execute(_SET_TENANT, {"tenant_id": str(tenant_id) if tenant_id else ""})
    session.info["tenant_id"] = tenant_id


def bound_tenant(session: AsyncSession) -> UUID | None:
    tenant_id: UUID | None = session.info.get("tenant_id")
    return tenant_id


def after_commit(session: AsyncSession, callback: AfterCommit) -> None:
    """Run ``callback`` once this session's unit of work has committed (never if it rolls
    back). It must handle its own failures: the commit has happened, nothing can undo it."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


async def finish(session: AsyncSession, error: BaseException | None) -> bool:
    """Commit on success; roll back on failure unless the error asks to keep what was
    recorded. Whether it committed."""
    if error is None or (isinstance(error, ICOPError) and error.commit_before_raise):
        await session.commit()
        return True
    await session.rollback()
    session.info.pop(_AFTER_COMMIT, None)
    return False


@asynccontextmanager
async def unit_of_work(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_id: UUID | None
) -> AsyncIterator[AsyncSession]:
    """A transaction bound to ``tenant_id``; with None, to no tenant until the code binds one
    (a new transaction has no ``app.tenant_id``, so tenant tables read empty until then)."""
    callbacks: list[AfterCommit] = []
    try:
        async with sessionmaker() as session:
            if tenant_id is not None:
                await bind_tenant(session, tenant_id)
            try:
                yield session
            except BaseException as error:
                if await finish(session, error):
                    callbacks = session.info.pop(_AFTER_COMMIT, [])
                raise
            await finish(session, None)
            callbacks = session.info.pop(_AFTER_COMMIT, [])
    finally:
        # After the session closed: the callbacks' own units of work need no second connection.
        for callback in callbacks:
            try:
                await callback(sessionmaker)
            except Exception:  # the commit stands; the callback's owner recovers (a sweeper)
                logger.exception("after-commit work failed")
