"""All SQL of the brand: voice samples and the brand kit (tenancy by row-level security)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from pgvector.sqlalchemy import Vector
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from icop.brand.palette import BrandSpec
from icop.db.repository import Repository
from icop.models import (
    ArticleDraft,
    ArticleStatus,
    BrandKitVersion,
    BrandLogo,
    BrandProposal,
    BrandVoiceSample,
    GeneratedArticle,
    TenantBrandKit,
)
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


class BrandKitVersionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_kit(self, tenant_id: UUID) -> TenantBrandKit | None:
        """The tenant's kit row, locked: two saves at once number their versions in turn."""
        return await self.session.scalar(
            select(TenantBrandKit).where(TenantBrandKit.tenant_id == tenant_id).with_for_update()
        )

    async def next_number(self) -> int:
        latest = await self.session.scalar(select(func.max(BrandKitVersion.number)))
        return int(latest or 0) + 1

    async def add(self, version: BrandKitVersion) -> BrandKitVersion:
        self.session.add(version)
        await self.session.flush()
        await self.session.refresh(version)
        return version

    async def list_versions(self, *, limit: int, offset: int) -> Sequence[BrandKitVersion]:
        result = await self.session.scalars(
            select(BrandKitVersion)
            .order_by(BrandKitVersion.number.desc())
            .limit(limit)
            .offset(offset)
        )
        return result.all()

    async def by_number(self, number: int) -> BrandKitVersion | None:
        return await self.session.scalar(
            select(BrandKitVersion).where(BrandKitVersion.number == number)
        )

    async def latest(self) -> BrandKitVersion | None:
        return await self.session.scalar(
            select(BrandKitVersion).order_by(BrandKitVersion.number.desc()).limit(1)
        )

    async def save_kit(
        self,
        tenant_id: UUID,
        spec: BrandSpec,
        *,
        updated_by: UUID | None,
        version: int,
        profile: dict[str, Any],
        voice_embedding: list[float] | None,
    ) -> TenantBrandKit:
        """Create or replace the kit row as version ``version`` (the caller holds the lock);
        a None embedding keeps the one the kit has."""
        values = {
            **_values(tenant_id, spec, updated_by),
            "version": version,
            "profile": profile,
        }
        if voice_embedding is not None:
            values["voice_embedding"] = voice_embedding
        statement = insert(TenantBrandKit).values(values)
        update = {key: statement.excluded[key] for key in values if key != "tenant_id"}
        stored = await self.session.scalar(
            statement.on_conflict_do_update(
                index_elements=[TenantBrandKit.tenant_id],
                set_={**update, "updated_at": func.now()},
            )
            .returning(TenantBrandKit)
            .execution_options(populate_existing=True)
        )
        if stored is None:  # pragma: no cover - an upsert always returns its row
            raise RuntimeError("the brand kit upsert returned no row")
        return stored


class BrandProposalRepository(Repository[BrandProposal]):
    model = BrandProposal
    noun = "brand kit proposal"

    async def add(self, proposal: BrandProposal) -> BrandProposal:
        self.session.add(proposal)
        await self.session.flush()
        await self.session.refresh(proposal)
        return proposal

    async def list_proposals(
        self, *, status: str | None, limit: int, offset: int
    ) -> Sequence[BrandProposal]:
        query = select(BrandProposal)
        if status is not None:
            query = query.where(BrandProposal.status == status)
        result = await self.session.scalars(
            query.order_by(BrandProposal.created_at.desc(), BrandProposal.id)
            .limit(limit)
            .offset(offset)
        )
        return result.all()

    async def pending_exists(self) -> bool:
        found = await self.session.scalar(
            select(BrandProposal.id).where(BrandProposal.status == "pending").limit(1)
        )
        return found is not None

    async def latest_created_at(self) -> datetime | None:
        return await self.session.scalar(select(func.max(BrandProposal.created_at)))


class RelearnRepository:
    """What the re-learning triggers count. It reads the articles' tables too (finished
    articles, drafts' similarity): counts only, through the same row-level security."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def last_change(self) -> datetime | None:
        """The latest proposal, decision on one, or version: triggers count what came after."""
        proposed, decided = (
            await self.session.execute(
                select(func.max(BrandProposal.created_at), func.max(BrandProposal.decided_at))
            )
        ).one()
        version = await self.session.scalar(select(func.max(BrandKitVersion.created_at)))
        found = [moment for moment in (proposed, decided, version) if moment is not None]
        return max(found) if found else None

    async def samples_since(self, since: datetime | None) -> int:
        query = select(func.count(BrandVoiceSample.id))
        if since is not None:
            query = query.where(BrandVoiceSample.created_at > since)
        return int(await self.session.scalar(query) or 0)

    async def finished_articles_since(self, since: datetime | None) -> int:
        query = select(func.count(GeneratedArticle.id)).where(
            GeneratedArticle.status == ArticleStatus.READY
        )
        if since is not None:
            query = query.where(GeneratedArticle.updated_at > since)
        return int(await self.session.scalar(query) or 0)

    async def recent_similarities(self, since: datetime | None, window: int) -> list[float]:
        """The brand-voice similarity of the latest ``window`` drafts written since."""
        query = select(ArticleDraft.brand_voice_similarity).where(
            ArticleDraft.brand_voice_similarity.is_not(None)
        )
        if since is not None:
            query = query.where(ArticleDraft.created_at > since)
        rows = await self.session.scalars(
            query.order_by(ArticleDraft.created_at.desc()).limit(window)
        )
        return [float(value) for value in rows if value is not None]

    async def recent_texts(self, samples: int, articles: int) -> list[str]:
        """The newest voice samples and finished articles: what re-learning reads."""
        sample_rows = await self.session.scalars(
            select(BrandVoiceSample.text)
            .order_by(BrandVoiceSample.created_at.desc())
            .limit(samples)
        )
        article_rows = await self.session.scalars(
            select(GeneratedArticle.final_markdown)
            .where(
                GeneratedArticle.status == ArticleStatus.READY,
                GeneratedArticle.final_markdown.is_not(None),
            )
            .order_by(GeneratedArticle.updated_at.desc())
            .limit(articles)
        )
        return [*sample_rows, *(text for text in article_rows if text)]
