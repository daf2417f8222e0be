"""All SQL of designs: the ``designs`` rows and their append-only ``design_versions``.

The head moves by compare-and-set (``advance``): ``UPDATE … WHERE head = expected``. Two edits
made against the same version both read it, but only the first UPDATE matches; the second
waits for the first's row lock, re-reads the row, matches nothing and is refused. So the check
the history makes in memory (``History.change``) also holds between processes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert

from icop.db.repository import Repository
from icop.errors import NotFound
from icop.models.design import DesignRecord, DesignVersionRecord


class DesignNotFound(NotFound):
    code = "design_not_found"
    title = "Design not found"


class DesignRepository(Repository[DesignRecord]):
    model = DesignRecord
    not_found = DesignNotFound
    noun = "design"

    async def add(self, design: DesignRecord) -> DesignRecord:
        self.session.add(design)
        await self.session.flush()
        await self.session.refresh(design)
        return design

    async def add_for_image(self, design: DesignRecord) -> DesignRecord | None:
        """The design of an image, or None when that image has one already (a retried
        article step or a second click finds it instead of making another)."""
        values = {
            column.key: getattr(design, column.key)
            for column in DesignRecord.__table__.columns
            if getattr(design, column.key, None) is not None
        }
        inserted = await self.session.scalar(
            insert(DesignRecord)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["tenant_id", "image_id"])
            .returning(DesignRecord.id)
        )
        if inserted is None:
            return None
        return await self.must_get(inserted)

    async def for_image(self, image_id: UUID) -> DesignRecord | None:
        row: DesignRecord | None = await self.session.scalar(
            select(DesignRecord).where(DesignRecord.image_id == image_id)
        )
        return row

    async def list(
        self, *, article_id: UUID | None, image_id: UUID | None, limit: int, offset: int
    ) -> Sequence[DesignRecord]:
        statement = select(DesignRecord).order_by(DesignRecord.created_at.desc(), DesignRecord.id)
        if article_id is not None:
            statement = statement.where(DesignRecord.article_id == article_id)
        if image_id is not None:
            statement = statement.where(DesignRecord.image_id == image_id)
        result = await self.session.scalars(statement.limit(limit).offset(offset))
        return result.all()

    async def advance(
        self, design_id: UUID, *, expected_head: int, head: int, undone: Sequence[int]
    ) -> bool:
        """Move the head from ``expected_head``; False when it is no longer there."""
        result = await self.session.execute(
            update(DesignRecord)
            .where(DesignRecord.id == design_id, DesignRecord.head == expected_head)
            .values(head=head, undone=list(undone), updated_at=func.now())
            .returning(DesignRecord.id)
            .execution_options(synchronize_session=False)
        )
        return result.scalar_one_or_none() is not None

    async def head_of(self, design_id: UUID) -> int | None:
        """The head as committed now (not the loaded row's)."""
        head: int | None = await self.session.scalar(
            select(DesignRecord.head).where(DesignRecord.id == design_id)
        )
        return head

    async def mark_published(self, design_id: UUID, **values: Any) -> None:
        await self.update(design_id, **values, updated_at=func.now())

    # -- versions ------------------------------------------------------------------------------
    async def add_version(self, version: DesignVersionRecord) -> DesignVersionRecord:
        self.session.add(version)
        await self.session.flush()
        return version

    async def versions(self, design_id: UUID) -> Sequence[DesignVersionRecord]:
        """Every version, oldest first."""
        result = await self.session.scalars(
            select(DesignVersionRecord)
            .where(DesignVersionRecord.design_id == design_id)
            .order_by(DesignVersionRecord.number)
        )
        return result.all()

    async def version(self, design_id: UUID, number: int) -> DesignVersionRecord | None:
        row: DesignVersionRecord | None = await self.session.scalar(
            select(DesignVersionRecord).where(
                DesignVersionRecord.design_id == design_id, DesignVersionRecord.number == number
            )
        )
        return row

    async def version_counts(self, design_ids: Sequence[UUID]) -> dict[UUID, int]:
        if not design_ids:
            return {}
        rows = await self.session.execute(
            select(DesignVersionRecord.design_id, func.count())
            .where(DesignVersionRecord.design_id.in_(design_ids))
            .group_by(DesignVersionRecord.design_id)
        )
        return {design_id: count for design_id, count in rows.tuples()}
