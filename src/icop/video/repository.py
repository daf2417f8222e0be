"""All SQL of the video service."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert

from icop.db.repository import Repository
from icop.models.video import SegmentStatus, Video, VideoSegment, VideoStatus


class VideoRepository(Repository[Video]):
    model = Video
    noun = "video"

    async def add(self, video: Video) -> Video:
        self.session.add(video)
        await self.session.flush()
        await self.session.refresh(video)
        return video

    async def list(self, *, limit: int, offset: int) -> Sequence[Video]:
        result = await self.session.scalars(
            select(Video).order_by(Video.created_at.desc(), Video.id).limit(limit).offset(offset)
        )
        return result.all()

    async def for_article(self, article_id: UUID) -> Video | None:
        """The article's earliest video, if any."""
        found = await self.session.scalars(
            select(Video)
            .where(Video.article_id == article_id)
            .order_by(Video.created_at, Video.id)
            .limit(1)
        )
        return found.first()

    async def segments(self, video_id: UUID) -> Sequence[VideoSegment]:
        result = await self.session.scalars(
            select(VideoSegment)
            .where(VideoSegment.video_id == video_id)
            .order_by(VideoSegment.index)
        )
        return result.all()

    async def planned(
        self, video_id: UUID, tenant_id: UUID, plan: dict[str, Any], count: int
    ) -> bool:
        """The plan stored and one pending row per segment (idempotent: a replayed activity
        finds them there)."""
        result = await self.session.execute(
            update(Video)
            .where(Video.id == video_id)
            .values(plan=plan, status=VideoStatus.RUNNING)
            .returning(Video.id)
            .execution_options(synchronize_session=False)
        )
        if result.scalar_one_or_none() is None:
            return False
        await self.session.execute(
            insert(VideoSegment)
            .values(
                [{"tenant_id": tenant_id, "video_id": video_id, "index": i} for i in range(count)]
            )
            .on_conflict_do_nothing(index_elements=["tenant_id", "video_id", "index"])
        )
        return True

    async def record_segment(
        self,
        video_id: UUID,
        index: int,
        *,
        attempt: int,
        status: SegmentStatus,
        provider: str,
        model: str,
        storage_key: str,
        cost_usd: float,
        reasons: Sequence[str],
    ) -> None:
        await self.session.execute(
            update(VideoSegment)
            .where(VideoSegment.video_id == video_id, VideoSegment.index == index)
            .values(
                attempts=attempt,
                status=status,
                provider=provider,
                model=model,
                storage_key=storage_key,
                cost_usd=VideoSegment.cost_usd + Decimal(str(cost_usd)),
                reasons=list(reasons),
            )
            .execution_options(synchronize_session=False)
        )

    async def finish(self, video_id: UUID, **values: Any) -> None:
        await self.session.execute(
            update(Video)
            .where(Video.id == video_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
