"""Units of work: one transaction, one tenant.

The tenant is bound with ``set_config('app.tenant_id', …, true)`` (transaction-local) at the
start of every unit of work, never with a session-level SET: pooled connections would carry it
into the next tenant's request. An empty value makes every tenant policy match nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.errors import ICOPError

TENANT_SETTING = "app.tenant_id"

_SET_TENANT = text("SELECT set_config('app.tenant_id', :tenant_id, true)")


async def bind_tenant(session: AsyncSession, tenant_id: UUID | None) -> None:
    await session.execute(_SET_TENANT, {"tenant_id": str(tenant_id) if tenant_id else ""})
    session.info["tenant_id"] = tenant_id


def bound_tenant(session: AsyncSession) -> UUID | None:
    tenant_id: UUID | None = session.info.get("tenant_id")
    return tenant_id


async def finish(session: AsyncSession, error: BaseException | None) -> None:
    """Commit on success; roll back on failure unless the error asks to keep what was recorded."""
    if error is None or (isinstance(error, ICOPError) and error.commit_before_raise):
        await session.commit()
    else:
        await session.rollback()


@asynccontextmanager
async def unit_of_work(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_id: UUID | None
) -> AsyncIterator[AsyncSession]:
    """A transaction bound to ``tenant_id``; with None, to no tenant until the code binds one
    (a new transaction has no ``app.tenant_id``, so tenant tables read empty until then)."""
    async with sessionmaker() as session:
        if tenant_id is not None:
            await bind_tenant(session, tenant_id)
        try:
            yield session
        except BaseException as error:
            await finish(session, error)
            raise
        await finish(session, None)
