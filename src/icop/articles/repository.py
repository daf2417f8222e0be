from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import Text, cast, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from icop.articles.generation import DraftRecord
from icop.db.keyset import Cursor
from icop.db.repository import Repository
from icop.models import ArticleDraft, ArticleStatus, ArticleVersion, GeneratedArticle


class ArticleRepository(Repository[GeneratedArticle]):
    model = GeneratedArticle
    noun = "article"

    async def add(self, article: GeneratedArticle) -> GeneratedArticle:
        self.session.add(article)
        await self.session.flush()
        await self.session.refresh(article)
        return article

    async def carrying_objects(self, shas: Sequence[str]) -> Sequence[GeneratedArticle]:
        """Articles whose images or thumbnail name one of these stored objects (by content
        hash, which every URL of ours carries), locked: a published design replaces them."""
        if not shas:
            return []
        mentions = [cast(GeneratedArticle.images, Text).contains(sha) for sha in shas] + [
            GeneratedArticle.thumbnail_url.contains(sha) for sha in shas
        ]
        result = await self.session.scalars(
            select(GeneratedArticle)
            .where(or_(*mentions))
            .order_by(GeneratedArticle.id)
            .with_for_update()
        )
        return result.all()

    async def list_recent(
        self,
        *,
        limit: int,
        offset: int,
        status: ArticleStatus | None,
        after: Cursor | None = None,
    ) -> Sequence[GeneratedArticle]:
        """Newest first. Served by ``(tenant_id, created_at, id)`` or, filtered by status,
        ``(tenant_id, status, created_at, id)``: a page reads ``limit`` index entries however
        many rows the tenant has (migration 0026)."""
        statement = select(GeneratedArticle).order_by(
            GeneratedArticle.created_at.desc(), GeneratedArticle.id.desc()
        )
        if status is not None:
            statement = statement.where(GeneratedArticle.status == status)
        if after is not None:
            statement = statement.where(
                tuple_(GeneratedArticle.created_at, GeneratedArticle.id) < (after.at, after.id)
            )
        result = await self.session.scalars(statement.limit(limit).offset(offset))
        return result.all()

    async def drafts(self, article_id: UUID) -> Sequence[ArticleDraft]:
        result = await self.session.scalars(
            select(ArticleDraft)
            .where(ArticleDraft.article_id == article_id)
            .order_by(ArticleDraft.writer)
        )
        return result.all()

    async def replace_drafts(
        self, tenant_id: UUID, article_id: UUID, drafts: Sequence[DraftRecord]
    ) -> None:
        for existing in await self.drafts(article_id):
            await self.session.delete(existing)
        await self.session.flush()
        for draft in drafts:
            self.session.add(
                ArticleDraft(
                    tenant_id=tenant_id,
                    article_id=article_id,
                    writer=draft.writer,
                    provider=draft.provider,
                    model=draft.model,
                    text=draft.text,
                    scores=draft.scores,
                    brand_voice_similarity=draft.brand_voice_similarity,
                    selected=draft.selected,
                )
            )
        await self.session.flush()

    async def decide(
        self, article_id: UUID, *, status: ArticleStatus, user_id: UUID | None, at: datetime
    ) -> bool:
        """Record an approval decision, only while one is awaited."""
        result = await self.session.execute(
            update(GeneratedArticle)
            .where(
                GeneratedArticle.id == article_id,
                GeneratedArticle.status == ArticleStatus.AWAITING_APPROVAL,
            )
            .values(status=status, decided_by=user_id, decided_at=at)
            .returning(GeneratedArticle.id)
        )
        return result.scalar_one_or_none() is not None


class VersionRepository:
    """An article's versions: append-only (the app role may only insert and read)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list(self, article_id: UUID) -> Sequence[ArticleVersion]:
        result = await self.session.scalars(
            select(ArticleVersion)
            .where(ArticleVersion.article_id == article_id)
            .order_by(ArticleVersion.number.desc())
        )
        return result.all()

    async def get(self, article_id: UUID, number: int) -> ArticleVersion | None:
        return await self.session.scalar(
            select(ArticleVersion).where(
                ArticleVersion.article_id == article_id, ArticleVersion.number == number
            )
        )

    async def latest(self, article_id: UUID) -> ArticleVersion | None:
        return await self.session.scalar(
            select(ArticleVersion)
            .where(ArticleVersion.article_id == article_id)
            .order_by(ArticleVersion.number.desc())
            .limit(1)
        )

    async def add_first(self, version: ArticleVersion) -> None:
        """Version 1, unless a concurrent request recorded it first."""
        await self.session.execute(
            insert(ArticleVersion)
            .values(
                tenant_id=version.tenant_id,
                article_id=version.article_id,
                number=1,
                markdown=version.markdown,
                seo=version.seo,
                source=version.source,
                summary=version.summary,
                findings=version.findings,
            )
            .on_conflict_do_nothing(index_elements=["tenant_id", "article_id", "number"])
        )

    async def add(self, version: ArticleVersion) -> ArticleVersion:
        """A later version. Two writers that both read version n collide on n + 1: the
        unique constraint refuses the second (``IntegrityError``)."""
        self.session.add(version)
        await self.session.flush()
        await self.session.refresh(version)
        return version
