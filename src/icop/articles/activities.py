"""Activities of the article workflow. They receive their clients (a sessionmaker, the agent
graph) from the worker's activity provider, as in temporalio/samples-python."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from icop.articles.generation import (
    ArticleGenerator,
    Brief,
    GenerationFailed,
    GenerationResult,
    StepProgress,
)
from icop.articles.repository import ArticleRepository
from icop.db.session import unit_of_work
from icop.events import service as events
from icop.llm.contests import record as contests
from icop.models import ArticleStatus, NotificationKind
from icop.notifications import service as notifications
from icop.orchestrator.heartbeat import heartbeating

logger = logging.getLogger(__name__)
# Several beats per heartbeat timeout, so one late beat (a busy event loop) is not a death.
BEATS_PER_TIMEOUT = 4


@dataclass
class ArticleWorkflowInput:
    tenant_id: str
    article_id: str
    approval_timeout_s: float = 72 * 3600
    approve_on_timeout: bool = False
    heartbeat_timeout_s: float = 60.0
    """How soon Temporal notices a dead worker (Settings.article_heartbeat_timeout_s)."""


def wants_video(status: str, video_requested: bool) -> bool:
    """A video is made of a written article whose request asked for one: not of one the gate
    held for review (its text may change) nor of one with no text."""
    return video_requested and status == "ok"


@dataclass
class GenerationOutcome:
    status: str
    """The generator's ``ok`` or ``no_sources``, or ``failed`` (an ArticleStatus)."""
    approval_required: bool


@dataclass
class StatusChange:
    tenant_id: str
    article_id: str
    status: ArticleStatus
    user_id: str | None = None
    reason: str | None = None


def markdown_path(home: Path, tenant_id: UUID, article_id: UUID) -> Path:
    return home / "articles" / str(tenant_id) / f"{article_id}.md"


class ArticleActivities:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        generator: ArticleGenerator,
        home: Path,
        base_url: str,
        after_written: Callable[[UUID], Awaitable[None]] | None = None,
        request_video: Callable[[UUID, UUID], Awaitable[None]] | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.generator = generator
        self.home = home
        self.base_url = base_url
        # The brand's re-learning check (icop.brand.triggers), after the result commits.
        self.after_written = after_written
        # The video an article's request asked for (icop.video.from_articles), started once
        # the text is saved; it never fails nor delays the article.
        self.request_video = request_video
        self._after: dict[UUID, asyncio.Task[None]] = {}

    @activity.defn(name="article.generate")
    async def generate(self, request: ArticleWorkflowInput) -> GenerationOutcome:
        tenant_id, article_id = UUID(request.tenant_id), UUID(request.article_id)
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            repository = ArticleRepository(session)
            article = await repository.get(article_id)
            if article is None:
                # The workflow started after the row committed (icop.orchestrator.starts): an
                # article that is not there was deleted, and retrying cannot bring it back.
                raise ApplicationError(
                    f"article {article_id} does not exist",
                    type="ArticleNotFound",
                    non_retryable=True,
                )
            await repository.update(article_id, status=ArticleStatus.RUNNING, error=None)
            await _status_event(session, tenant_id, article_id, ArticleStatus.RUNNING)
            brief = Brief(
                topic=article.topic,
                sub_topic=article.sub_topic,
                audience=article.audience,
                language=article.language,
                mode="merge" if article.mode == "merge" else "compare",
                length_words=article.length_words,
                url=f"{self.base_url}/api/v1/articles/{article_id}/markdown",
            )
            approval_required = article.approval_required
            video_requested = article.video_requested

        started: dict[str, datetime] = {}

        async def note(reports: list[StepProgress]) -> None:
            async with unit_of_work(self.sessionmaker, tenant_id) as session:
                current = [r.step for r in reports if r.state == "started"]
                if current:
                    await ArticleRepository(session).update(article_id, current_step=current[-1])
                for report in reports:
                    if report.state == "started":
                        started[report.step] = report.at
                    await events.record(
                        session,
                        tenant_id,
                        kind="step",
                        article_id=article_id,
                        step=report.step,
                        status=report.state,
                        started_at=started.get(report.step, report.at),
                        finished_at=None if report.state == "started" else report.at,
                        cost_usd=None if report.state == "started" else report.cost_usd,
                        detail=report.detail,
                    )

        notes = StepNotes(note)

        async def progress(report: StepProgress) -> None:
            activity.heartbeat(report.step)
            notes.note(report)

        # Model calls can outlast the heartbeat timeout; a liveness beat keeps a healthy
        # attempt alive while a dead worker is still noticed within the timeout.
        timeout = activity.info().heartbeat_timeout
        every = timeout.total_seconds() / BEATS_PER_TIMEOUT if timeout else 10.0
        try:
            async with heartbeating(every_s=every):
                result = await self.generator.generate(
                    tenant_id=tenant_id, article_id=article_id, brief=brief, progress=progress
                )
        except GenerationFailed as error:
            # Final: the graph's thread is finished, a retry would read the same checkpoint.
            async with unit_of_work(self.sessionmaker, tenant_id) as session:
                await ArticleRepository(session).update(
                    article_id,
                    status=ArticleStatus.FAILED,
                    current_step=None,
                    error=str(error)[:2000],
                )
                await _status_event(
                    session, tenant_id, article_id, ArticleStatus.FAILED, detail=str(error)
                )
            return GenerationOutcome(
                status=ArticleStatus.FAILED, approval_required=approval_required
            )
        finally:
            await notes.close()
        await self._save(tenant_id, article_id, result, approval_required)
        self._check_after_written(tenant_id)
        if self.request_video is not None and wants_video(result.status, video_requested):
            await self.request_video(tenant_id, article_id)
        return GenerationOutcome(status=result.status, approval_required=approval_required)

    def _check_after_written(self, tenant_id: UUID) -> None:
        """The re-learning check in the background: it is advisory (a failure is logged)
        and can take a model call when a trigger holds, which the article, already stored,
        must not wait for. One check per tenant at a time: an article finished while one runs
        is counted by the next article's check (the triggers count what is stored)."""
        if self.after_written is None:
            return
        running = self._after.get(tenant_id)
        if running is not None and not running.done():
            return
        check = self.after_written

        async def run() -> None:
            await check(tenant_id)

        task = asyncio.create_task(run(), name="brand-relearn-check")
        self._after[tenant_id] = task
        task.add_done_callback(lambda done: self._forget(tenant_id, done))

    def _forget(self, tenant_id: UUID, task: asyncio.Task[None]) -> None:
        if self._after.get(tenant_id) is task:
            del self._after[tenant_id]

    async def _save(
        self,
        tenant_id: UUID,
        article_id: UUID,
        result: GenerationResult,
        approval_required: bool,
    ) -> None:
        """The article and the status it ends in, in one transaction: the workflow needs no
        second activity to publish the status (one round trip less per article)."""
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            repository = ArticleRepository(session)
            if result.status == "no_sources":
                await repository.update(
                    article_id,
                    status=ArticleStatus.NO_SOURCES,
                    current_step=None,
                    error=result.message or "research found no usable sources; nothing was written",
                )
                await _status_event(
                    session, tenant_id, article_id, ArticleStatus.NO_SOURCES, cost=result.cost_usd
                )
                return
            if result.status == "needs_review":
                # Kept for a person to edit or reject; no file, no URL: nothing publishes it.
                await repository.update(
                    article_id,
                    status=ArticleStatus.NEEDS_REVIEW,
                    current_step=None,
                    final_markdown=result.markdown,
                    selection_rationale=result.selection_rationale,
                    quality=result.quality,
                    cost_usd=result.cost_usd,
                    error=result.message or "the publishability gate blocked the article",
                )
                await repository.replace_drafts(tenant_id, article_id, result.drafts)
                await _status_event(
                    session, tenant_id, article_id, ArticleStatus.NEEDS_REVIEW, cost=result.cost_usd
                )
                await notifications.notify(
                    session,
                    tenant_id=tenant_id,
                    kind=NotificationKind.ARTICLE_NEEDS_REVIEW,
                    title=f"Needs review: {result.title or 'an article'}",
                    detail=result.message or "the publishability gate blocked the article",
                    target_type="article",
                    target_id=article_id,
                    occurrence=_workflow_run(),
                )
                return
            path = markdown_path(self.home, tenant_id, article_id)
            await asyncio.to_thread(write_markdown, path, result.markdown or "")
            status = ArticleStatus.AWAITING_APPROVAL if approval_required else ArticleStatus.READY
            await repository.update(
                article_id,
                title=result.title,
                final_markdown=result.markdown,
                final_markdown_url=f"{self.base_url}/api/v1/articles/{article_id}/markdown",
                thumbnail_url=result.images[0].url if result.images else None,
                seo=result.seo,
                citations=result.citations,
                image_prompts=result.image_prompts,
                images=result.images,
                social=result.social,
                selection_rationale=result.selection_rationale,
                cost_usd=result.cost_usd,
                quality=result.quality,
                current_step=None,
                status=status,
            )
            await repository.replace_drafts(tenant_id, article_id, result.drafts)
            if result.contest is not None:
                # The judgement and the record it adds to commit together: a retried save
                # replaces the article's contest, it never counts it twice.
                await contests.record(session, tenant_id, article_id, result.contest)
            await _status_event(session, tenant_id, article_id, status, cost=result.cost_usd)
            if status == ArticleStatus.AWAITING_APPROVAL:
                await notifications.notify(
                    session,
                    tenant_id=tenant_id,
                    kind=NotificationKind.APPROVAL_WAITING,
                    title=f"Waiting for approval: {result.title or 'an article'}",
                    target_type="article",
                    target_id=article_id,
                    occurrence=_workflow_run(),
                )

    @activity.defn(name="article.set_status")
    async def set_status(self, change: StatusChange) -> None:
        tenant_id, article_id = UUID(change.tenant_id), UUID(change.article_id)
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            repository = ArticleRepository(session)
            decision = (ArticleStatus.READY, ArticleStatus.REJECTED)
            if change.status in decision and (change.user_id or change.reason):
                decided = await repository.decide(
                    article_id,
                    status=change.status,
                    user_id=UUID(change.user_id) if change.user_id else None,
                    at=datetime.now(UTC),
                )
                if decided:
                    if change.reason:
                        await repository.update(
                            article_id,
                            error=None if change.status == ArticleStatus.READY else change.reason,
                        )
                    await _status_event(
                        session, tenant_id, article_id, change.status, detail=change.reason
                    )
                    return
            if change.status == ArticleStatus.FAILED:
                await repository.update(
                    article_id, status=ArticleStatus.FAILED, current_step=None, error=change.reason
                )
            else:
                await repository.update(article_id, status=change.status)
            await _status_event(session, tenant_id, article_id, change.status, detail=change.reason)


class StepNotes:
    """Stores the article's step reports in the background: a node does not wait for the
    write before it starts, and reports that come faster than writes are written together in
    one unit of work (the current step and an event per report). Progress is advisory (a
    live view), so a failed write is logged, not raised; what is pending at ``close`` is
    still written, so every node's end is on record before the article's final status."""

    def __init__(self, write: Callable[[list[StepProgress]], Awaitable[None]]) -> None:
        self._write = write
        self._pending: list[StepProgress] = []
        self._wake = asyncio.Event()
        self._closed = False
        self._task: asyncio.Task[None] | None = None

    def note(self, report: StepProgress) -> None:
        self._pending.append(report)
        self._wake.set()
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="article-step-notes")

    async def close(self) -> None:
        """Write what is pending and stop."""
        self._closed = True
        self._wake.set()
        if self._task is not None:
            await self._task

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            reports, self._pending = self._pending, []
            if reports:
                try:
                    await self._write(reports)
                except Exception:
                    logger.warning(
                        "could not store the article's steps %s",
                        [r.step for r in reports],
                        exc_info=True,
                    )
            if self._closed and not self._pending:
                return


async def _status_event(
    session: AsyncSession,
    tenant_id: UUID,
    article_id: UUID,
    status: ArticleStatus,
    *,
    detail: str | None = None,
    cost: Decimal | None = None,
) -> None:
    """The article's new status for live views; the last write of its unit of work."""
    await events.record(
        session,
        tenant_id,
        kind="article",
        article_id=article_id,
        status=status,
        finished_at=datetime.now(UTC) if status.final else None,
        cost_usd=cost,
        detail=detail,
    )


def write_markdown(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".md.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def _workflow_run() -> str | None:
    """The workflow execution this activity serves: the same for every retry of the activity,
    different when the article is written again by a new workflow."""
    return activity.info().workflow_run_id if activity.in_activity() else None
