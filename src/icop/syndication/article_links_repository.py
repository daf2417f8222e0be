"""Queries of the article-link follower: the tenant's per-platform choice, and the posts not
yet sent that may carry an article's public link (locked, so a publish run cannot take one
while its parts change)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from icop.models import Post, PostStatus, Tenant

UNSENT = (PostStatus.SCHEDULED, PostStatus.WAITING_QUOTA)


class ArticleLinkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def choices(self, tenant_id: UUID) -> dict[str, Any]:
        stored: dict[str, Any] | None = await self.session.scalar(
            select(Tenant.post_links).where(Tenant.id == tenant_id)
        )
        return dict(stored or {})

    async def save_choices(self, tenant_id: UUID, choices: dict[str, bool]) -> None:
        await self.session.execute(
            update(Tenant).where(Tenant.id == tenant_id).values(post_links=choices)
        )

    async def unsent_article_posts(self, article_id: UUID | None) -> Sequence[Post]:
        """Posts of one article (None: of any article) not sent yet, whose link follows the
        article's page (not one their author gave), oldest first, locked."""
        statement = (
            select(Post)
            .where(
                Post.article_id.is_not(None),
                Post.status.in_(UNSENT),
                Post.own_link.is_(False),
            )
            .order_by(Post.scheduled_at, Post.id)
            .with_for_update()
        )
        if article_id is not None:
            statement = statement.where(Post.article_id == article_id)
        result = await self.session.scalars(statement)
        return result.all()
