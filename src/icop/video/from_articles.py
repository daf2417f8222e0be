"""The video an article's request asked for (``ArticleCreate.video``), started by the article
workflow's activity once the text is saved: the same service and workflow as ``POST
/api/v1/videos`` with the article as the source, the tenant's defaults (the local renderer,
Instagram first, 30 seconds).

The article never waits for the video: starting it is one row and a workflow start after the
commit (``start_after_commit``, so a start that fails is retried by the outbox sweeper), and a
failure to start is logged, never raised into the article's activity. A retried activity asks
again; an article that already has a video is left alone, so it gets one video."""

from __future__ import annotations

import logging
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.articles.repository import ArticleRepository
from icop.db.session import unit_of_work
from icop.orchestrator.connection import LazyClient
from icop.video import service
from icop.video.repository import VideoRepository
from icop.video.schemas import VideoCreate

logger = logging.getLogger(__name__)


class ArticleVideos:
    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], temporal: LazyClient | None
    ) -> None:
        self.sessionmaker = sessionmaker
        self.temporal = temporal

    async def request(self, tenant_id: UUID, article_id: UUID) -> UUID | None:
        """The article's video (started now, or the one it has); None when it asked for none
        or has no text."""
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            article = await ArticleRepository(session).get(article_id)
            if article is None or not article.video_requested or not article.final_markdown:
                return None
            existing = await VideoRepository(session).for_article(article_id)
            if existing is not None:
                return existing.id
            video = await service.create_for_tenant(
                session, tenant_id, VideoCreate(article_id=article_id), self.temporal
            )
            return video.id

    async def request_quietly(self, tenant_id: UUID, article_id: UUID) -> None:
        try:
            video_id = await self.request(tenant_id, article_id)
        except Exception:  # a video must never fail the article that asked for it
            logger.warning("the article %s's video could not be started", article_id, exc_info=True)
            return
        if video_id is not None:
            logger.info("article %s: video %s", article_id, video_id)
