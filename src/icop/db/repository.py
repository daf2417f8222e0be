"""The queries every tenant table's repository starts with, written once.

A domain's repository subclasses ``Repository[Model]`` for its main table and adds its own
queries; tenancy is the database's job (row-level security), so nothing here names a tenant.
Like every repository, it flushes but never commits (the unit of work does).
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from icop.errors import ICOPError, NotFound
from icop.models.base import TenantOwned

ModelT = TypeVar("ModelT", bound=TenantOwned)


class Repository(Generic[ModelT]):
    model: type[ModelT]
    not_found: ClassVar[type[ICOPError]] = NotFound
    """What ``must_get`` raises: the domain's own error (``PostNotFound`` …) where it has one."""
    noun: ClassVar[str] = "row"
    """The row as the API names it in a not-found message ("post not found")."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, id: UUID, *, lock: bool = False) -> ModelT | None:
        """The row, or None. ``lock``: ``FOR UPDATE`` until the unit of work ends."""
        statement = select(self.model).where(self.model.id == id)
        if lock:
            statement = statement.with_for_update()
        row: ModelT | None = await self.session.scalar(statement)
        return row

    async def must_get(self, id: UUID, *, lock: bool = False, detail: str | None = None) -> ModelT:
        """The row; ``not_found`` (a 404) when there is none."""
        row = await self.get(id, lock=lock)
        if row is None:
            raise self.not_found(detail or f"{self.noun} not found")
        return row

    async def update(self, id: UUID, **values: Any) -> None:
        """Set columns with one UPDATE. Rows already loaded keep their old values until
        refreshed (no identity-map sync: the callers read the row again when they need it)."""
        if not values:
            return
        await self.session.execute(
            update(self.model)
            .where(self.model.id == id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
