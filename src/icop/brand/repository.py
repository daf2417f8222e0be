"""All SQL of brand-voice samples (tenancy by row-level security)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from pgvector.sqlalchemy import Vector
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from icop.models import BrandVoiceSample
from icop.models.knowledge import EMBEDDING_DIMENSIONS


class BrandVoiceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, sample: BrandVoiceSample) -> BrandVoiceSample:
        self.session.add(sample)
        await self.session.flush()
        await self.session.refresh(sample)
        return sample

    async def get(self, sample_id: UUID) -> BrandVoiceSample | None:
        return await self.session.scalar(
            select(BrandVoiceSample).where(BrandVoiceSample.id == sample_id)
        )

    async def list_samples(self, *, limit: int, offset: int) -> Sequence[BrandVoiceSample]:
        result = await self.session.scalars(
            select(BrandVoiceSample)
            .order_by(BrandVoiceSample.created_at.desc(), BrandVoiceSample.id)
            .limit(limit)
            .offset(offset)
        )
        return result.all()

    async def count(self) -> int:
        return int(await self.session.scalar(select(func.count(BrandVoiceSample.id))) or 0)

    async def delete(self, sample: BrandVoiceSample) -> None:
        await self.session.delete(sample)
        await self.session.flush()

    async def nearest(self, embedding: list[float], k: int) -> list[tuple[BrandVoiceSample, float]]:
        distance = BrandVoiceSample.embedding.cosine_distance(embedding).label("distance")
        rows = await self.session.execute(
            select(BrandVoiceSample, distance).order_by(distance, BrandVoiceSample.id).limit(k)
        )
        return [(sample, float(value)) for sample, value in rows]

    async def centroid(self) -> tuple[list[float] | None, int]:
        """The mean of the samples' vectors (pgvector's ``avg(vector)``) and their count."""
        row = (
            await self.session.execute(
                select(
                    func.avg(BrandVoiceSample.embedding, type_=Vector(EMBEDDING_DIMENSIONS)),
                    func.count(BrandVoiceSample.id),
                )
            )
        ).one()
        mean, count = row
        return (None if mean is None else [float(value) for value in mean]), int(count)
