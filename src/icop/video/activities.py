"""The video workflow's activities: plan, render one segment (with its review), assemble.
Segments and the finished video live in the object store; only keys cross Temporal."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory

from icop.db.session import unit_of_work
from icop.embeddings.base import Embedder
from icop.images.branding import load_brand_kit
from icop.images.providers.base import ImageProvider, ImageProviderError
from icop.images.render import BrandKit
from icop.llm.smart_router import SmartRouter
from icop.models.video import SegmentStatus, VideoStatus
from icop.storage.base import ObjectStore
from icop.video import plan_document
from icop.video.compose import assemble
from icop.video.jobs import SegmentCall, StoredSegment, VideoJob, VideoOutcome
from icop.video.media import probe
from icop.video.pipeline import (
    Look,
    VideoFormat,
    check_segment,
    edit_spec,
    layout_check,
    look_for,
    max_total,
    plan_video,
    segment_request,
    still_for,
)
from icop.video.providers.base import VideoProvider
from icop.video.repository import VideoRepository
from icop.video.review import valid_for

logger = logging.getLogger(__name__)
MP4 = "video/mp4"


def video_format(job: VideoJob) -> VideoFormat:
    return VideoFormat(width=job.width, height=job.height, fps=job.fps, platform=job.platform)


class VideoActivities:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        providers: Mapping[str, VideoProvider],
        store: ObjectStore,
        *,
        router: SmartRouter | None = None,
        images: ImageProvider | None = None,
        embedder: Embedder | None = None,
        brand: BrandKit | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.providers = providers
        self.store = store
        self.router = router
        self.images = images
        self.embedder = embedder
        self.brand = brand or BrandKit()

    async def _brand(self, job: VideoJob) -> BrandKit:
        """The job's kit with the logo fetched here (the worker's fonts, the store's logo)."""
        return await load_brand_kit(job.brand, self.store) if job.brand else self.brand

    @activity.defn(name="video.plan")
    async def plan(self, job: VideoJob) -> str:
        video = video_format(job)
        plan = await plan_video(
            self.router,
            title=job.title,
            text=job.text,
            language=job.language,
            brand=await self._brand(job),
            target_seconds=job.target_seconds,
            video=video,
            embedder=self.embedder,
            tenant_id=UUID(job.tenant_id),
        )
        document = plan_document.dump(plan, max_total(video, job.target_seconds))
        async with unit_of_work(self.sessionmaker, UUID(job.tenant_id)) as session:
            found = await VideoRepository(session).planned(
                UUID(job.video_id), UUID(job.tenant_id), json.loads(document), len(plan.scenes)
            )
        if not found:
            raise ApplicationError(
                f"video {job.video_id} does not exist", type="VideoNotFound", non_retryable=True
            )
        return document

    @activity.defn(name="video.render_segment")
    async def render_segment(self, call: SegmentCall) -> StoredSegment:
        """One attempt at one segment: rendered, reviewed, stored. A provider failure is an
        activity failure (Temporal retries it); a segment the reviewer refuses is returned
        with ``ok`` false, and the workflow decides whether to regenerate it."""
        job = call.job
        provider = self.providers.get(job.provider)
        if provider is None or not provider.configured():
            raise ApplicationError(
                f"{job.provider}: not configured on this worker",
                type="not_configured",
                non_retryable=True,
                category=ApplicationErrorCategory.BENIGN,
            )
        plan = plan_document.load(call.plan)
        video = video_format(job)
        seed = job.seed + call.index + 1000 * call.attempt
        brand = await self._brand(job)
        still = (
            await still_for(call.index, plan, self.images, brand, video, job.seed + call.index)
            if provider.needs_still
            else None
        )
        request = segment_request(call.index, plan, video, brand, still, seed)
        try:
            rendered = await provider.render(request)
        except ImageProviderError as error:
            raise ApplicationError(
                error.detail,
                type=error.kind,
                non_retryable=not error.retry_later,
                category=ApplicationErrorCategory.BENIGN,
            ) from None
        verdict = await asyncio.to_thread(check_segment, call.index, plan, video, rendered.data)
        stored = await self.store.put(UUID(job.tenant_id), rendered.data, MP4)
        async with unit_of_work(self.sessionmaker, UUID(job.tenant_id)) as session:
            await VideoRepository(session).record_segment(
                UUID(job.video_id),
                call.index,
                attempt=call.attempt,
                status=SegmentStatus.OK if verdict.ok else SegmentStatus.REFUSED,
                provider=rendered.provider,
                model=rendered.model,
                storage_key=stored.key,
                cost_usd=rendered.cost_usd,
                reasons=list(verdict.reasons),
            )
        return StoredSegment(
            index=call.index,
            attempt=call.attempt,
            provider=rendered.provider,
            model=rendered.model,
            key=stored.key,
            cost_usd=rendered.cost_usd,
            ok=verdict.ok,
            reasons=list(verdict.reasons),
        )

    @activity.defn(name="video.fail")
    async def fail(self, job: VideoJob, error: str) -> None:
        async with unit_of_work(self.sessionmaker, UUID(job.tenant_id)) as session:
            await VideoRepository(session).finish(
                UUID(job.video_id), status=VideoStatus.FAILED, error=error[:2000]
            )

    @activity.defn(name="video.assemble")
    async def assemble_video(self, job: VideoJob, plan: str, keys: list[str]) -> VideoOutcome:
        loaded = plan_document.load(plan)
        segments = [await self.store.get(key) for key in keys]
        provider = self.providers.get(job.provider)
        look = look_for(provider, self.images) if provider is not None else Look.BACKDROP
        spec = edit_spec(loaded, video_format(job), await self._brand(job), look)
        data = await asyncio.to_thread(assemble, segments, spec)
        for problem in await asyncio.to_thread(layout_check, loaded, data):
            logger.warning("video %s: %s", job.video_id, problem)
        stored = await self.store.put(UUID(job.tenant_id), data, MP4)
        facts = probe(data)
        async with unit_of_work(self.sessionmaker, UUID(job.tenant_id)) as session:
            repository = VideoRepository(session)
            cost = sum(
                segment.cost_usd for segment in await repository.segments(UUID(job.video_id))
            )
            await repository.finish(
                UUID(job.video_id),
                status=VideoStatus.READY,
                storage_key=stored.key,
                url=stored.url,
                duration_s=facts.duration_s,
                width=facts.width,
                height=facts.height,
                size_bytes=len(data),
                valid_for=valid_for(facts),
                cost_usd=cost,
                error=None,
            )
        return VideoOutcome(
            video_id=job.video_id,
            key=stored.key,
            url=stored.url,
            duration_s=facts.duration_s,
            segments=[],
            valid_for=valid_for(facts),
            cost_usd=0.0,
        )
