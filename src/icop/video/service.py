"""The video service: create a video (from an article or a brief) and start its workflow after
the transaction commits; read one with its segments, or the list."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from icop.articles.repository import ArticleRepository
from icop.auth.principal import Principal
from icop.brand import kit as brand_kits
from icop.config import Settings
from icop.errors import Conflict
from icop.models import VideoStatus
from icop.models.video import Video, VideoSegment
from icop.orchestrator.connection import LazyClient
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.starts import StartRequest, start_after_commit
from icop.platforms.validation.model import MediaKind
from icop.storage.keys import key_in_url
from icop.syndication import service as posts_service
from icop.syndication.repository import AccountRepository, PostRepository
from icop.syndication.scheduler import PostScheduler
from icop.syndication.schemas import MediaIn, PostCreate, PostOut
from icop.video.jobs import VideoJob
from icop.video.repository import VideoRepository
from icop.video.schemas import SegmentOut, VideoCreate, VideoOut, VideoPublish
from icop.video.workflows import VideoWorkflow

GPU_PROVIDERS = frozenset({"animatediff"})
PLATFORMS = ("instagram", "facebook", "threads", "x")


async def create(
    session: AsyncSession, principal: Principal, body: VideoCreate, temporal: LazyClient | None
) -> Video:
    return await create_for_tenant(session, principal.tenant_id, body, temporal)


async def create_for_tenant(
    session: AsyncSession, tenant_id: UUID, body: VideoCreate, temporal: LazyClient | None
) -> Video:
    """A video row and its workflow, started after the transaction commits: the API's request
    and the article workflow's own (``icop.articles.video``) alike."""
    if body.article_id is not None:
        article = await ArticleRepository(session).must_get(body.article_id)
        if not article.final_markdown:
            raise Conflict("the article has no text yet: make a video once it is written")
        title = article.title or article.sub_topic or article.topic
        text, language = article.final_markdown, article.language
    else:
        assert body.brief is not None  # the schema asks for exactly one source
        title, text, language = body.brief.title, body.brief.text, body.brief.language
    repository = VideoRepository(session)
    video = await repository.add(
        Video(
            tenant_id=tenant_id,
            article_id=body.article_id,
            title=title[:300],
            language=language,
            provider=body.provider,
            platform=body.platform,
            target_seconds=body.target_seconds,
        )
    )
    workflow_id = f"video-{video.id}"
    await repository.update(video.id, workflow_id=workflow_id)
    await session.refresh(video)
    brand = await brand_kits.spec_for(session, tenant_id)
    job = VideoJob(
        tenant_id=str(video.tenant_id),
        video_id=str(video.id),
        title=title,
        text=text,
        language=language,
        provider=body.provider,
        gpu_provider=body.provider in GPU_PROVIDERS,
        platform=body.platform,
        target_seconds=body.target_seconds,
        brand=brand,
    )
    await start_after_commit(
        session,
        temporal,
        video.tenant_id,
        StartRequest(VideoWorkflow, workflow_id, TaskQueue.IMAGES, job),
    )
    return video


async def get(session: AsyncSession, video_id: UUID) -> tuple[Video, Sequence[VideoSegment]]:
    repository = VideoRepository(session)
    video = await repository.must_get(video_id)
    return video, await repository.segments(video_id)


async def list_videos(session: AsyncSession, *, limit: int, offset: int) -> Sequence[Video]:
    return await VideoRepository(session).list(limit=limit, offset=offset)


def to_out(video: Video, segments: Sequence[VideoSegment] = ()) -> VideoOut:
    return VideoOut(
        id=video.id,
        article_id=video.article_id,
        title=video.title,
        status=video.status,
        provider=video.provider,
        platform=video.platform,
        target_seconds=video.target_seconds,
        workflow_id=video.workflow_id,
        url=video.url,
        duration_s=video.duration_s,
        width=video.width,
        height=video.height,
        size_bytes=video.size_bytes,
        valid_for=list(video.valid_for),
        cost_usd=video.cost_usd,
        error=video.error,
        created_at=video.created_at,
        segments=[
            SegmentOut(
                index=s.index,
                status=s.status,
                attempts=s.attempts,
                provider=s.provider,
                model=s.model,
                cost_usd=s.cost_usd,
                reasons=list(s.reasons),
            )
            for s in segments
        ],
    )


async def publish(
    session: AsyncSession,
    settings: Settings,
    scheduler: PostScheduler,
    principal: Principal,
    video_id: UUID,
    body: VideoPublish,
) -> list[PostOut]:
    """Schedule a ready video, now, as one post per connected account on the asked platforms:
    a Reel on Instagram, a Page video, a Threads video, an X video. The publisher fits the file
    to each platform (icop.platforms.video) and sends each post exactly once; an account that
    already has a post of this video is skipped, so asking twice posts nothing twice."""
    video = await VideoRepository(session).must_get(video_id)
    if video.status is not VideoStatus.READY or video.url is None:
        raise Conflict(f"the video is {video.status}: publish it once it is ready")
    key = key_in_url(video.url, video.tenant_id)
    accounts = await AccountRepository(session).connected(body.platforms or PLATFORMS)
    if not accounts:
        wanted = ", ".join(body.platforms or PLATFORMS)
        raise Conflict(f"no connected account on {wanted}: connect one first")
    posted = (
        {
            post.social_account_id
            for post in await PostRepository(session).for_article(video.article_id)
            if any(
                key_in_url(m.url, video.tenant_id) == key for part in post.parts for m in part.media
            )
        }
        if video.article_id is not None and key is not None
        else set()
    )
    targets = [account.id for account in accounts if account.id not in posted]
    if not targets:
        return []
    media = MediaIn(
        url=video.url,
        width=video.width or 1080,
        height=video.height or 1920,
        format="mp4",
        size_bytes=video.size_bytes or 0,
        kind=MediaKind.VIDEO,
        duration_s=video.duration_s,
    )
    post = (
        PostCreate(account_ids=targets, article_id=video.article_id, media=[media])
        if video.article_id is not None
        else PostCreate(account_ids=targets, text=video.title, media=[media])
    )
    return await posts_service.create(session, settings, scheduler, principal, post)
