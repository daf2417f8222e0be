"""``icop video ARTICLE_ID``: a short vertical video from an article, through the durable video
workflow, with per-segment progress.

Like ``icop article``, it starts (or reuses) the embedded services and, with ``--wait``, serves
the image and GPU queues itself while it waits. The video belongs to the local workspace tenant
unless ``--tenant`` names one.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from urllib.parse import urlsplit
from uuid import UUID

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.cli.common import console, fail, settings
from icop.cli.workspace import workspace
from icop.config import Settings
from icop.db.session import unit_of_work
from icop.errors import ICOPError
from icop.models import PostStatus
from icop.models.video import SegmentStatus, VideoStatus
from icop.orchestrator.connection import LazyClient
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import running_workers
from icop.runtime.clients import Runtime
from icop.runtime.services import start_services, temporal_settings
from icop.runtime.workers import service_registry
from icop.syndication import service as posts_service
from icop.syndication.scheduler import TemporalPostScheduler
from icop.video import service
from icop.video.repository import VideoRepository
from icop.video.schemas import VideoCreate, VideoPublish


def video(
    article_id: UUID = typer.Argument(..., help="The article to make a video of."),
    platform: str = typer.Option("instagram", help="instagram, facebook, threads or x."),
    seconds: int = typer.Option(30, min=10, max=90, help="Target length in seconds."),
    tenant: UUID | None = typer.Option(None, help="Tenant id (default: the local workspace)."),
    wait: bool = typer.Option(False, "--wait", help="Wait and show progress until it is done."),
    publish: bool = typer.Option(
        False,
        "--publish",
        help="Once ready, post it on every connected account (needs --wait) and follow the posts.",
    ),
) -> None:
    """Make a short vertical video (1080x1920, H.264/AAC) from an article."""
    current = settings()
    try:
        body = VideoCreate.model_validate(
            {"article_id": article_id, "platform": platform, "target_seconds": seconds}
        )
    except ValueError as error:
        raise fail(str(error).splitlines()[-1]) from None
    if publish and not wait:
        raise fail("--publish needs --wait: the video is posted once it is ready")
    if publish and not _emulator_answers(current):
        raise fail(
            f"the platform emulator at {current.emulator_url} is not running: start `icop up` "
            "(which serves it and connects the demo accounts) in another terminal first"
        )
    with console.status("starting PostgreSQL, Temporal and the local model …"):
        start_services(current, llm=True)
    try:
        status = asyncio.run(_run(current, body, tenant, wait, publish))
    except ICOPError as error:
        raise fail(error.detail) from None
    # The Temporal SDK's threads can abort interpreter finalisation (sdk-python#300).
    sys.stdout.flush()
    os._exit(1 if status is VideoStatus.FAILED else 0)


def _emulator_answers(current: Settings) -> bool:
    """Real platforms always answer; on the embedded default the emulator must be up (it lives
    in `icop up`'s process), or every post would wait out its retries."""
    if current.platforms != "emulator" or current.emulator_url is None:
        return True
    address = urlsplit(current.emulator_url)
    try:
        with socket.create_connection((address.hostname or "127.0.0.1", address.port or 80), 2):
            return True
    except OSError:
        return False


async def _run(
    current: Settings, body: VideoCreate, tenant: UUID | None, wait: bool, publish: bool
) -> VideoStatus:
    queues = [TaskQueue.IMAGES, TaskQueue.GPU, *([TaskQueue.SYNDICATION] if publish else [])]
    runtime = Runtime.from_settings(current, queues=queues)
    runtime.temporal = temporal = LazyClient(temporal_settings(current))
    sessionmaker = runtime.sessionmaker
    try:
        principal = await workspace(current, sessionmaker, tenant)
        async with unit_of_work(sessionmaker, principal.tenant_id) as session:
            created = await service.create(session, principal, body, temporal)
        console.print(f"video {created.id} accepted (workflow {created.workflow_id})")
        if not wait:
            console.print("follow it with GET /api/v1/videos/{id}, or pass --wait")
            return created.status
        async with running_workers(
            await temporal(), queues, service_registry(runtime), settings=temporal.settings
        ):
            status = await _follow(sessionmaker, principal.tenant_id, created.id)
            async with unit_of_work(sessionmaker, principal.tenant_id) as session:
                row = await VideoRepository(session).must_get(created.id)
            if status is not VideoStatus.READY:
                console.print(f"[bold red]{status}[/]: {row.error or ''}")
                return status
            console.print(
                f"[bold green]ready[/]: {row.duration_s:.1f} s, valid for "
                f"{', '.join(row.valid_for) or 'no platform'}; {row.url}"
            )
            if publish:
                scheduler = TemporalPostScheduler(temporal)
                async with unit_of_work(sessionmaker, principal.tenant_id) as session:
                    posts = await service.publish(
                        session, current, scheduler, principal, created.id, VideoPublish()
                    )
                await _follow_posts(sessionmaker, principal.tenant_id, [p.id for p in posts])
        return status
    finally:
        await runtime.aclose()


async def _follow(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_id: UUID, video_id: UUID
) -> VideoStatus:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("planning", total=None)
        while True:
            async with unit_of_work(sessionmaker, tenant_id) as session:
                repository = VideoRepository(session)
                row = await repository.must_get(video_id)
                segments = await repository.segments(video_id)
            if segments:
                done = sum(1 for s in segments if s.status is SegmentStatus.OK)
                retried = sum(max(0, s.attempts - 1) for s in segments)
                note = f" ({retried} regenerated)" if retried else ""
                progress.update(
                    task,
                    total=len(segments),
                    completed=done,
                    description=f"segments{note}" if done < len(segments) else "editing",
                )
            if row.status in (VideoStatus.READY, VideoStatus.FAILED):
                return row.status
            await asyncio.sleep(1.0)


async def _follow_posts(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_id: UUID, post_ids: list[UUID]
) -> None:
    """Each post's status until it is final (published, failed, unconfirmed, cancelled)."""
    if not post_ids:
        console.print("every connected account already has this video: nothing posted again")
        return
    with console.status("publishing …") as spinner:
        while True:
            async with unit_of_work(sessionmaker, tenant_id) as session:
                posts = [await posts_service.get(session, post_id) for post_id in post_ids]
            spinner.update("publishing: " + ", ".join(f"{p.platform} {p.status}" for p in posts))
            if all(PostStatus(p.status).final for p in posts):
                break
            await asyncio.sleep(1.0)
    for post in posts:
        colour = "green" if post.status == PostStatus.PUBLISHED else "red"
        console.print(f"[bold {colour}]{post.platform}[/]: {post.status} {post.permalink or ''}")
