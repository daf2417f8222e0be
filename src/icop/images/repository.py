"""All SQL of the image service."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from icop.db.repository import Repository
from icop.models.image import Image, ImageRouting, ImageStatus

FINISHED = tuple(status for status in ImageStatus if status.finished)


class ImageRepository(Repository[Image]):
    model = Image
    noun = "image"

    async def add(self, image: Image) -> Image:
        self.session.add(image)
        await self.session.flush()
        await self.session.refresh(image)
        return image

    async def list(self, *, limit: int, offset: int, status: ImageStatus | None) -> Sequence[Image]:
        statement = select(Image).order_by(Image.created_at.desc(), Image.id)
        if status is not None:
            statement = statement.where(Image.status == status)
        result = await self.session.scalars(statement.limit(limit).offset(offset))
        return result.all()

    async def mark_running(self, image_id: UUID, workflow_id: str) -> bool:
        """False when the row does not exist: it was deleted (a job's workflow starts only
        once the row is committed, icop.orchestrator.starts)."""
        result = await self.session.execute(
            update(Image)
            .where(Image.id == image_id)
            # A finished job stays finished if its workflow is replayed or reset.
            .values(
                status=case((Image.status.in_(FINISHED), Image.status), else_=ImageStatus.RUNNING),
                workflow_id=workflow_id,
            )
            .returning(Image.id)
            .execution_options(synchronize_session=False)
        )
        return result.scalar_one_or_none() is not None

    async def finish(self, image_id: UUID, **values: Any) -> bool:
        result = await self.session.execute(
            update(Image)
            .where(Image.id == image_id)
            .values(**values, completed_at=datetime.now(UTC))
            .returning(Image.id)
            .execution_options(synchronize_session=False)
        )
        return result.scalar_one_or_none() is not None


class ImageRoutingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, tenant_id: UUID) -> ImageRouting | None:
        return await self.session.scalar(
            select(ImageRouting).where(ImageRouting.tenant_id == tenant_id)
        )

    async def put(self, tenant_id: UUID, providers: list[str], updated_by: UUID | None) -> None:
        statement = insert(ImageRouting).values(
            tenant_id=tenant_id, providers=providers, updated_by=updated_by
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[ImageRouting.tenant_id],
                set_={
                    "providers": statement.excluded.providers,
                    "updated_by": statement.excluded.updated_by,
                    "updated_at": datetime.now(UTC),
                },
            )
        )

    async def delete(self, tenant_id: UUID) -> bool:
        result = await self.session.execute(
            delete(ImageRouting)
            .where(ImageRouting.tenant_id == tenant_id)
            .returning(ImageRouting.tenant_id)
        )
        return result.scalar_one_or_none() is not None
