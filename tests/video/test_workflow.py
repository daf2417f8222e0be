"""The video workflow on a real Temporal dev server (one test: the expensive fixture is the
server): segments rendered concurrently, the one the reviewer refuses regenerated alone, the
cost kept per segment attempt, the edit stored and valid."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from temporalio.client import Client

from icop.db.session import unit_of_work
from icop.images.providers.local import LocalRendererProvider
from icop.models.video import SegmentStatus, Video, VideoStatus
from icop.orchestrator.connection import TemporalSettings, connect
from icop.orchestrator.dev_server import EmbeddedTemporal
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import WorkerRegistry, running_workers
from icop.runtime.workers import register_video
from icop.storage.local import LocalObjectStore
from icop.storage.signing import UrlSigner
from icop.video.activities import VideoActivities
from icop.video.jobs import VideoJob, VideoOutcome
from icop.video.media import probe
from icop.video.repository import VideoRepository
from icop.video.workflows import VideoWorkflow
from tests.helpers import committed_tenant
from tests.storage.seaweed import free_port_pairs
from tests.video.test_render import FPS, SIZE, FlakyOnce


@pytest.fixture(scope="module")
async def dev_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[EmbeddedTemporal]:
    temporal = EmbeddedTemporal(
        tmp_path_factory.mktemp("video-temporal"), port=free_port_pairs(1)[0]
    )
    await temporal.start()
    try:
        yield temporal
    finally:
        temporal.stop()


async def test_a_refused_segment_is_regenerated_alone_and_costs_are_kept(
    dev_server: EmbeddedTemporal, tmp_path: Path, app_engine: AsyncEngine
) -> None:
    sessionmaker = async_sessionmaker(app_engine, expire_on_commit=False)
    tenant_id = await committed_tenant(sessionmaker, "Video")
    async with unit_of_work(sessionmaker, tenant_id) as session:
        video = await VideoRepository(session).add(
            Video(
                tenant_id=tenant_id,
                title="Home composting",
                provider="local",
                platform="instagram",
                target_seconds=8,
            )
        )
    settings = dataclasses.replace(
        TemporalSettings(home=dev_server.home, port=dev_server.port),
        task_queue_prefix=f"vid{uuid.uuid4().hex[:8]}-",
    )
    client: Client = await connect(settings)
    store = LocalObjectStore(
        tmp_path / "media",
        UrlSigner(b"test-media-signing-key-0123456789"),
        base_url="http://testserver/api/v1/media",
        default_ttl_s=3600,
    )
    flaky = FlakyOnce()
    registry = WorkerRegistry()
    register_video(
        registry,
        VideoActivities(sessionmaker, {"local": flaky}, store, images=LocalRendererProvider()),  # type: ignore[dict-item]
    )
    job = VideoJob(
        tenant_id=str(tenant_id),
        video_id=str(video.id),
        title="Home composting in a small garden",
        text="Composting turns kitchen scraps into soil that feeds your plants for free.\n"
        "Keep the pile as damp as a wrung-out sponge and turn it every week or two.",
        target_seconds=8,
        width=SIZE[0],
        height=SIZE[1],
        fps=FPS,
        seed=1,
    )
    async with running_workers(
        client, [TaskQueue.IMAGES, TaskQueue.GPU], registry, settings=settings
    ):
        outcome = await client.execute_workflow(
            VideoWorkflow.run,
            job,
            id=f"video-{job.video_id}",
            task_queue=settings.queue_name(TaskQueue.IMAGES),
            result_type=VideoOutcome,
        )
    by_segment: dict[int, list[int]] = {}
    for segment in outcome.segments:
        by_segment.setdefault(segment.index, []).append(segment.attempt)
    assert by_segment[1] == [1, 2]  # refused once (black frames), regenerated alone
    assert all(attempts == [1] for index, attempts in by_segment.items() if index != 1)
    first = next(s for s in outcome.segments if s.index == 1 and s.attempt == 1)
    assert not first.ok and first.reasons
    assert outcome.cost_usd == 0.0 and all(s.cost_usd == 0.0 for s in outcome.segments)
    assert outcome.key is not None
    facts = probe(await store.get(outcome.key))
    assert (facts.video_codec, facts.audio_codec, facts.width) == ("h264", "aac", SIZE[0])
    async with unit_of_work(sessionmaker, tenant_id) as session:
        repository = VideoRepository(session)
        row = await repository.must_get(video.id)
        rows = await repository.segments(video.id)
    assert row.status is VideoStatus.READY and row.storage_key == outcome.key
    assert row.valid_for == outcome.valid_for and row.duration_s == facts.duration_s
    assert [(s.index, s.attempts, s.status) for s in rows] == [
        (s.index, 2 if s.index == 1 else 1, SegmentStatus.OK) for s in rows
    ]
