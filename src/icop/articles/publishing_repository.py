"""The tenant's side of its public blog: its slug and its publications (under row-level
security; the public reads go through ``icop.db.system``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from icop.models import Tenant, WebPublication


class BlogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def blog_slug(self, tenant_id: UUID) -> str | None:
        slug: str | None = await self.session.scalar(
            select(Tenant.blog_slug).where(Tenant.id == tenant_id)
        )
        return slug

    async def tenant(self, tenant_id: UUID) -> Tenant:
        tenant: Tenant = (
            await self.session.scalars(select(Tenant).where(Tenant.id == tenant_id))
        ).one()
        return tenant

    async def claim_blog_slug(self, tenant_id: UUID, slug: str) -> bool:
        """Give the tenant ``slug`` unless another tenant has it (which RLS keeps us from
        seeing: the unique constraint answers, inside a savepoint)."""
        try:
            async with self.session.begin_nested():
                await self.session.execute(
                    update(Tenant).where(Tenant.id == tenant_id).values(blog_slug=slug)
                )
        except IntegrityError:
            return False
        return True

    async def publication(self, article_id: UUID) -> WebPublication | None:
        publication: WebPublication | None = await self.session.scalar(
            select(WebPublication).where(WebPublication.article_id == article_id)
        )
        return publication

    async def slug_taken(self, slug: str, *, by_other_than: UUID) -> bool:
        taken = await self.session.scalar(
            select(WebPublication.id).where(
                WebPublication.slug == slug, WebPublication.article_id != by_other_than
            )
        )
        return taken is not None

    async def save(
        self, tenant_id: UUID, article_id: UUID, values: dict[str, Any], at: datetime
    ) -> WebPublication:
        """Create the publication or replace its snapshot (the first publication time is
        kept)."""
        existing = await self.publication(article_id)
        if existing is None:
            existing = WebPublication(
                tenant_id=tenant_id, article_id=article_id, published_at=at, updated_at=at, **values
            )
            self.session.add(existing)
        else:
            for name, value in values.items():
                setattr(existing, name, value)
            existing.updated_at = at
        await self.session.flush()
        await self.session.refresh(existing)
        return existing

    async def remove(self, article_id: UUID) -> bool:
        result = await self.session.execute(
            delete(WebPublication)
            .where(WebPublication.article_id == article_id)
            .returning(WebPublication.id)
        )
        return result.scalar_one_or_none() is not None
