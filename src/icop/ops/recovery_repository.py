"""The rows the recovery checks read, every tenant's (an owner session) or the bound
tenant's (a unit of work): the queries of ``icop.ops.recovery``."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from icop.models import (
    ApiCredential,
    ArticleStatus,
    ContentPipeline,
    GeneratedArticle,
    Image,
    Post,
    Tenant,
)

# An article in one of these has a workflow that died with the engine's history.
UNFINISHED_ARTICLES = (
    ArticleStatus.QUEUED,
    ArticleStatus.RUNNING,
    ArticleStatus.AWAITING_APPROVAL,
)


class RecoveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def articles(self) -> Sequence[GeneratedArticle]:
        return (await self.session.scalars(select(GeneratedArticle))).all()

    async def images(self) -> Sequence[Image]:
        return (await self.session.scalars(select(Image))).all()

    async def posts(self) -> Sequence[Post]:
        return (await self.session.scalars(select(Post).order_by(Post.scheduled_at, Post.id))).all()

    async def scheduled_pipelines(self) -> Sequence[ContentPipeline]:
        found = await self.session.scalars(
            select(ContentPipeline).where(ContentPipeline.schedule_cron.is_not(None))
        )
        return found.all()

    async def file_pipelines(self) -> Sequence[ContentPipeline]:
        found = await self.session.scalars(
            select(ContentPipeline).where(ContentPipeline.file_path.is_not(None))
        )
        return found.all()

    async def credentials(self) -> Sequence[ApiCredential]:
        return (await self.session.scalars(select(ApiCredential))).all()

    async def tenants(self) -> list[tuple[UUID, str]]:
        rows = await self.session.execute(select(Tenant.id, Tenant.time_zone).order_by(Tenant.id))
        return [(row[0], row[1]) for row in rows]

    async def unfinished_articles(self) -> Sequence[GeneratedArticle]:
        found = await self.session.scalars(
            select(GeneratedArticle)
            .where(GeneratedArticle.status.in_(UNFINISHED_ARTICLES))
            .order_by(GeneratedArticle.created_at)
        )
        return found.all()
