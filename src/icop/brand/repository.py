"""All SQL of the brand: voice samples and the brand kit (tenancy by row-level security)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from pgvector.sqlalchemy import Vector
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from icop.brand.palette import BrandSpec
from icop.db.repository import Repository
from icop.models import BrandLogo, BrandVoiceSample, TenantBrandKit
from icop.models.knowledge import EMBEDDING_DIMENSIONS


class BrandVoiceRepository(Repository[BrandVoiceSample]):
    model = BrandVoiceSample
    noun = "voice sample"

    async def add(self, sample: BrandVoiceSample) -> BrandVoiceSample:
        self.session.add(sample)
        await self.session.flush()
        await self.session.refresh(sample)
        return sample

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


class BrandKitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, tenant_id: UUID) -> TenantBrandKit | None:
        return await self.session.scalar(
            select(TenantBrandKit).where(TenantBrandKit.tenant_id == tenant_id)
        )

    async def put(
        self, tenant_id: UUID, spec: BrandSpec, updated_by: UUID | None
    ) -> TenantBrandKit:
        """Create or replace the tenant's kit in one statement, so two admins saving at once
        cannot both insert."""
        statement = insert(TenantBrandKit).values(_values(tenant_id, spec, updated_by))
        stored = await self.session.scalar(
            statement.on_conflict_do_update(
                index_elements=[TenantBrandKit.tenant_id],
                set_={
                    "name": statement.excluded.name,
                    "background": statement.excluded.background,
                    "accent": statement.excluded.accent,
                    "text": statement.excluded.text,
                    "font": statement.excluded.font,
                    "updated_by": statement.excluded.updated_by,
                    "updated_at": func.now(),
                },
            )
            .returning(TenantBrandKit)
            .execution_options(populate_existing=True)
        )
        if stored is None:  # pragma: no cover - an upsert always returns its row
            raise RuntimeError("the brand kit upsert returned no row")
        return stored

    async def add_if_absent(
        self, tenant_id: UUID, spec: BrandSpec, updated_by: UUID | None
    ) -> bool:
        """Insert the kit unless the tenant has one; whether it was inserted."""
        result = await self.session.execute(
            insert(TenantBrandKit)
            .values(_values(tenant_id, spec, updated_by))
            .on_conflict_do_nothing(index_elements=[TenantBrandKit.tenant_id])
            .returning(TenantBrandKit.tenant_id)
        )
        return result.scalar_one_or_none() is not None

    async def delete(self, tenant_id: UUID) -> bool:
        result = await self.session.execute(
            delete(TenantBrandKit)
            .where(TenantBrandKit.tenant_id == tenant_id)
            .returning(TenantBrandKit.tenant_id)
        )
        return result.scalar_one_or_none() is not None


class BrandLogoRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, tenant_id: UUID) -> BrandLogo | None:
        return await self.session.scalar(select(BrandLogo).where(BrandLogo.tenant_id == tenant_id))

    async def replace(self, logo: BrandLogo) -> str | None:
        """Make ``logo`` the tenant's logo; the storage key of the one it replaces, if any.
        The old row is locked first, so two admins uploading at once replace in turn."""
        previous = await self.session.scalar(
            select(BrandLogo).where(BrandLogo.tenant_id == logo.tenant_id).with_for_update()
        )
        old_key = previous.storage_key if previous else None
        if previous is not None:
            await self.session.delete(previous)
            await self.session.flush()
        self.session.add(logo)
        await self.session.flush()
        await self.session.refresh(logo)
        return old_key

    async def delete(self, tenant_id: UUID) -> str | None:
        """Remove the tenant's logo; its storage key, or None when it had none."""
        result = await self.session.execute(
            delete(BrandLogo)
            .where(BrandLogo.tenant_id == tenant_id)
            .returning(BrandLogo.storage_key)
        )
        return result.scalar_one_or_none()


def _values(tenant_id: UUID, spec: BrandSpec, updated_by: UUID | None) -> dict[str, object]:
    return {
        "tenant_id": tenant_id,
        "name": spec.name,
        "background": spec.background,
        "accent": spec.accent,
        "text": spec.text,
        "font": spec.font,
        "updated_by": updated_by,
    }
