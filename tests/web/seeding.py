"""Data the dashboard's browser suite and its benchmark both need, added the way the workers
add it (repositories and the event service in the caller's unit of work)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from icop.events import service as events
from icop.models import (
    PipelineRun,
    Post,
    SegmentStatus,
    SocialAccount,
    SubTopic,
    Trend,
    TrendItem,
    TrendRun,
    TrendSuggestion,
    Video,
    VideoStatus,
)
from icop.planning.repository import RunRepository, SubTopicRepository
from icop.syndication.repository import AccountRepository, PostRepository
from icop.video.repository import VideoRepository

TOPIC_KEY = "vegetable-garden"


async def add_live_run(
    session: AsyncSession,
    tenant: uuid.UUID,
    pipeline: uuid.UUID,
    article_id: uuid.UUID,
    started: datetime,
) -> uuid.UUID:
    """A run in the middle of writing its one row's article (``article_id``, sub-topic
    "Raised beds"): research done, writer_a busy. Returns the run's id."""
    run_id = uuid.uuid4()
    runs = RunRepository(session)
    await runs.add(
        PipelineRun(
            id=run_id,
            tenant_id=tenant,
            pipeline_id=pipeline,
            trigger="manual",
            status="running",
            workflow_id=f"pipeline-run-{pipeline}-{run_id}",
            rows_total=1,
            started_at=started,
        )
    )
    await runs.upsert_row(
        tenant,
        run_id,
        1,
        topic="vegetable garden",
        status="writing",
        step="writing",
        options={"topic_key": TOPIC_KEY},
        articles_total=1,
    )
    await SubTopicRepository(session).add_all(
        [
            SubTopic(
                tenant_id=tenant,
                pipeline_id=pipeline,
                topic_key=TOPIC_KEY,
                topic="vegetable garden",
                position=0,
                label="Raised beds",
                article_id=article_id,
            )
        ]
    )
    for step, status, begun, ended in (
        ("research", "started", started, None),
        ("research", "finished", started, started + timedelta(seconds=2)),
        ("writer_a", "started", started + timedelta(seconds=2), None),
    ):
        await events.record(
            session,
            tenant,
            kind="step",
            status=status,
            run_id=run_id,
            row_number=1,
            article_id=article_id,
            step=step,
            started_at=begun,
            finished_at=ended,
        )
    return run_id


async def add_trends(session: AsyncSession, tenant: uuid.UUID, now: datetime) -> list[uuid.UUID]:
    """A finished nightly trend run as its cluster step leaves it: two named trends with their
    evidence items, and a suggested plan row for each (one per trend, as the step makes them).
    Returns the suggestions' ids, the better trend's first."""
    run_id = uuid.uuid4()
    session.add(
        TrendRun(
            id=run_id,
            tenant_id=tenant,
            trigger="schedule",
            status="succeeded",
            workflow_id=f"trend-run-{run_id}",
            started_at=now - timedelta(minutes=4),
            finished_at=now - timedelta(minutes=1),
        )
    )
    await session.flush()
    suggestions = []
    trends = (
        (
            "worm bins, compost tea",
            2.5,
            ("Worm bins on a balcony", "Brewing compost tea at home"),
            "Worm bins turn scraps into soil",
            1.55,
        ),
        (
            "tomato blight, mulch",
            1.4,
            ("Mulch against tomato blight",),
            "Compost tea for tomatoes",
            1.2,
        ),
    )
    for rank, (label, score, titles, topic, suggested) in enumerate(trends):
        trend_id = uuid.uuid4()
        session.add(
            Trend(
                id=trend_id,
                tenant_id=tenant,
                run_id=run_id,
                label=label,
                keywords=label.replace(",", "").split(),
                size=len(titles),
                score=score,
                sources=["garden-news", "instagram"],
                centroid=[1.0 - rank] + [float(rank)] + [0.0] * 382,
                first_seen_at=now - timedelta(days=2 - rank),
            )
        )
        await session.flush()
        for index, title in enumerate(titles):
            session.add(
                TrendItem(
                    tenant_id=tenant,
                    run_id=run_id,
                    trend_id=trend_id,
                    source="garden-news",
                    source_kind="rss",
                    external_id=f"item-{rank}-{index}",
                    url=f"https://garden-news.example/{rank}/{index}",
                    title=title,
                    text=title,
                    published_at=now - timedelta(hours=10 + index),
                    trend_score=score - index / 4,
                )
            )
        suggestion = TrendSuggestion(
            id=uuid.uuid4(),
            tenant_id=tenant,
            trend_id=trend_id,
            topic=topic,
            matched_topic="home composting",
            similarity=0.62 - rank / 10,
            score=suggested,
        )
        session.add(suggestion)
        suggestions.append(suggestion.id)
    await session.flush()
    return suggestions


# A 9:16 cover frame: dark green with a lighter band (a data: URL, so the browser needs no
# network to show it).
VIDEO_COVER = (
    "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='90' height='160'>"
    "<rect width='90' height='160' fill='%2314532d'/><rect y='60' width='90' height='40' "
    "fill='%23facc15'/></svg>"
)


async def add_video_post(
    session: AsyncSession, tenant: uuid.UUID, article_id: uuid.UUID, when: datetime
) -> dict[str, uuid.UUID]:
    """A ready video of ``article_id`` (made the way the video workflow records it: planned,
    three segments, one regenerated after the reviewer refused it) and a scheduled Instagram
    post carrying it (a Reel) with its cover, on a connected account."""
    videos = VideoRepository(session)
    video = await videos.add(
        Video(
            tenant_id=tenant,
            article_id=article_id,
            title="Composting at home in 30 seconds",
            provider="local",
            platform="instagram",
            target_seconds=30,
        )
    )
    await videos.planned(video.id, tenant, {"scenes": 3}, 3)
    for index in range(3):
        await videos.record_segment(
            video.id,
            index,
            attempt=2 if index == 1 else 1,
            status=SegmentStatus.OK,
            provider="local",
            model="pan-zoom",
            storage_key=f"{tenant}/videos/{video.id}/{index}.mp4",
            cost_usd=0.0,
            reasons=["regenerated: the first take missed the shot"] if index == 1 else [],
        )
    video_url = f"https://media.example/{tenant}/videos/{video.id}.mp4"
    await videos.finish(
        video.id,
        status=VideoStatus.READY,
        url=video_url,
        duration_s=29.5,
        width=1080,
        height=1920,
        size_bytes=4_200_000,
        valid_for=["instagram", "facebook", "threads", "x"],
    )
    account = await AccountRepository(session).add(
        SocialAccount(
            id=uuid.uuid4(),
            tenant_id=tenant,
            platform="instagram",
            platform_account_id=f"reels-{uuid.uuid4().hex[:8]}",
            name="Garden Reels",
            provider="instagram",
            status="connected",
        )
    )
    post = await PostRepository(session).add(
        Post(
            id=uuid.uuid4(),
            tenant_id=tenant,
            social_account_id=account.id,
            article_id=article_id,
            platform="instagram",
            parts=[
                {
                    "text": "Compost in 30 seconds: greens, browns, air.",
                    "media": [{"url": video_url, "kind": "video", "cover_url": VIDEO_COVER}],
                }
            ],
            scheduled_at=when,
            status="scheduled",
            platform_post_ids=[],
        )
    )
    return {"video": video.id, "post": post.id, "account": account.id}
