"""Activities of the pipeline run workflow: sheet I/O, sub-topics, article bookkeeping.

Each activity is one unit of work (one transaction) plus, where it reads or writes the plan, one
round of sheet I/O. Writes to the sheet overwrite whole cells, so a retried activity writes the
same values again: retrying is always safe, and a write that failed is retried, never dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory

from icop.articles import service as articles
from icop.articles.activities import ArticleWorkflowInput
from icop.articles.repository import ArticleRepository
from icop.articles.schemas import ArticleCreate
from icop.auth.principal import Principal, PrincipalKind
from icop.config import Settings
from icop.db.session import unit_of_work
from icop.errors import ICOPError, ValidationFailed
from icop.events import service as events
from icop.models import (
    ArticleStatus,
    ContentPipeline,
    NotificationKind,
    PipelineRun,
    Role,
    RowStatus,
    RunStatus,
    SubTopic,
)
from icop.notifications import service as notifications
from icop.orchestrator.heartbeat import heartbeating
from icop.outbox import service as outbox
from icop.planning import control
from icop.planning.generated import SubtopicGenerator
from icop.planning.keys import topic_key
from icop.planning.repository import PipelineRepository, RunRepository, SubTopicRepository
from icop.planning.sheets.a1 import parse_a1
from icop.planning.sheets.layout import (
    STATUS_DONE,
    STATUS_ERROR,
    STATUS_PARTIAL,
    STATUS_RUNNING,
    ColumnMapping,
    PlanDefaults,
    RowUpdate,
    parse_plan,
)
from icop.planning.sheets.source import SheetSource
from icop.syndication import service as posts_service
from icop.syndication.repository import AccountRepository, PostRepository
from icop.syndication.scheduler import PostScheduler
from icop.syndication.schemas import PostCreate

logger = logging.getLogger(__name__)
HEARTBEAT_EVERY_S = 10.0
POLL_ARTICLE_S = 5.0
# How often the sheet watcher looks at the database (cheap: the run's rows and posts); the
# sheet itself is read every ``planning_sheet_poll_s`` or as soon as a post's status changed.
WATCH_CHECK_S = 2.0
# After the run's rows are finished, posts still on their way are followed this long.
WATCH_POSTS_AFTER_ROWS_S = 3600.0
_FINISHED_ROWS = frozenset({RowStatus.DONE, RowStatus.PARTIAL, RowStatus.ERROR, RowStatus.SKIPPED})
# uuid5 namespace for article ids derived from a pipeline's sub-topics.
ARTICLE_NAMESPACE = uuid.UUID("6f1d2b1e-8a52-4a55-9d3c-3c1b0c0a7e11")


@dataclass
class PipelineRunInput:
    tenant_id: str
    pipeline_id: str
    # None when a schedule started the run: the first activity records it then.
    run_id: str | None = None
    trigger: str = "manual"


@dataclass
class RunRef:
    tenant_id: str
    pipeline_id: str
    run_id: str


@dataclass
class RowWork:
    row_number: int
    topic: str
    mode: str
    language: str
    audience: str | None
    sub_topic_count: int
    approval_required: bool
    platforms: list[str] = field(default_factory=list)
    length_words: int = 800


@dataclass
class RunPlan:
    run_id: str
    rows: list[RowWork]
    max_concurrent_articles: int


@dataclass
class ArticleSlot:
    tenant_id: str
    article_id: str
    workflow_id: str
    task_queue: str
    article_input: ArticleWorkflowInput
    finished: bool


@dataclass
class PublishRequest:
    tenant_id: str
    article_id: str
    platforms: list[str]


@dataclass
class RowOutcome:
    row_number: int
    error: str | None = None


class PlanSources(Protocol):
    """Opens the plan of a pipeline: a Google Sheet, a local file, or the imported rows."""

    async def open(self, pipeline: ContentPipeline) -> SheetSource: ...


def article_id_for(pipeline_id: UUID, key: str, position: int) -> UUID:
    return uuid.uuid5(ARTICLE_NAMESPACE, f"{pipeline_id}:{key}:{position}")


def _fail(error: ICOPError) -> ApplicationError:
    """Client errors are final (retrying reads the same bad input); others are retried.
    Either way the workflow handles it (a retry, or the row's error written back): one line
    in the log, and benign for the SDK, which then prints no traceback."""
    final = error.status < 500
    logger.warning(
        "%s: %s (%s)", type(error).__name__, error.detail, "final" if final else "retried"
    )
    return ApplicationError(
        error.detail,
        type=type(error).__name__,
        non_retryable=final,
        category=ApplicationErrorCategory.BENIGN,
    )


async def _worker_client() -> Client:
    return activity.client()


class PlanningActivities:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        sources: PlanSources,
        subtopics: SubtopicGenerator,
        agents_queue: str,
        posts: PostScheduler | None = None,
        temporal: Callable[[], Awaitable[Client]] | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.sources = sources
        self.subtopics = subtopics
        self.agents_queue = agents_queue
        self.posts = posts
        # Sheet decisions signal article workflows: with the worker's own client by default.
        self.temporal = temporal or _worker_client

    @contextlib.asynccontextmanager
    async def _tenant(self, tenant_id: str) -> AsyncIterator[AsyncSession]:
        async with unit_of_work(self.sessionmaker, UUID(tenant_id)) as session:
            yield session

    async def _pipeline(self, session: AsyncSession, pipeline_id: str) -> ContentPipeline:
        pipeline = await PipelineRepository(session).get(UUID(pipeline_id))
        if pipeline is None:
            raise ApplicationError(
                f"pipeline {pipeline_id} no longer exists",
                type="PipelineNotFound",
                non_retryable=True,
            )
        return pipeline

    async def _write(self, pipeline: ContentPipeline, updates: Sequence[RowUpdate]) -> None:
        if not updates:
            return
        source = await self.sources.open(pipeline)
        try:
            await source.write(updates)
        except ICOPError as error:
            raise _fail(error) from error

    async def _control(
        self, pipeline: ContentPipeline, values: Sequence[Sequence[str]]
    ) -> tuple[list[RowUpdate], bool]:
        """The control panel's part of a sheet read: decisions typed into rows applied, posts
        cells brought up to date (updates for the step's one write) and whether anything is
        still outstanding. A failure here never fails the step that read the sheet."""
        mapping = ColumnMapping.model_validate(pipeline.column_mapping)
        rows = control.rows_of(values, pipeline.sheet_range, mapping)
        try:
            async with self._tenant(str(pipeline.tenant_id)) as session:
                plan = await control.plan_sync(session, pipeline.id, rows, mapping)
            failures = await control.apply_decisions(
                self.sessionmaker, pipeline, plan.verdicts, self.temporal
            )
        except ICOPError as error:
            logger.warning("sheet decisions of pipeline %s: %s", pipeline.id, error.detail)
            return [], True
        return plan.updates + failures, plan.outstanding

    @activity.defn(name="planning.watch_sheet")
    async def watch_sheet(self, run: RunRef) -> None:
        """Keep the plan and the run in step while the run lasts: decisions typed into the
        sheet are applied within ``planning_sheet_poll_s`` (one read of the plan), and a post's
        new status or live link reaches its row within ``WATCH_CHECK_S`` of the change. Ends
        when the run's rows are finished and their posts are published, failed or
        unconfirmed (or an hour later); the workflow cancels it on a cancelled run. A plan
        without a Decision or Posts column is not watched."""
        run_id = UUID(run.run_id)
        last_read = float("-inf")
        synced: tuple[str, ...] | None = None
        finished_at: float | None = None
        loop = asyncio.get_running_loop()
        while True:
            async with self._tenant(run.tenant_id) as session:
                pipeline = await self._pipeline(session, run.pipeline_id)
                mapping = ColumnMapping.model_validate(pipeline.column_mapping)
                if mapping.decision is None and mapping.posts is None:
                    return  # a plan without control columns: nothing to watch
                runs = RunRepository(session)
                record = await runs.get(run_id)
                rows = await runs.rows(run_id)
                ids = await runs.article_ids(record) if record is not None else []
                marks, posts_waiting = await control.post_fingerprint(session, ids)
            rows_finished = all(row.status in _FINISHED_ROWS for row in rows)
            now = loop.time()
            if rows_finished and finished_at is None:
                finished_at = now
            if now - last_read >= self.settings.planning_sheet_poll_s or marks != synced:
                try:
                    values = await (await self.sources.open(pipeline)).read(pipeline.sheet_range)
                    updates, _ = await self._control(pipeline, values)
                    await self._write(pipeline, updates)
                except ICOPError as error:
                    raise _fail(error) from error
                last_read, synced = now, marks
            if rows_finished and (
                not posts_waiting
                or (finished_at is not None and now - finished_at > WATCH_POSTS_AFTER_ROWS_S)
            ):
                return
            activity.heartbeat()
            await asyncio.sleep(WATCH_CHECK_S)

    @activity.defn(name="planning.start_run")
    async def start_run(self, request: PipelineRunInput) -> RunPlan:
        workflow_id = activity.info().workflow_id
        assert workflow_id is not None  # always run by a workflow
        async with self._tenant(request.tenant_id) as session:
            pipeline = await self._pipeline(session, request.pipeline_id)
            runs = RunRepository(session)
            run = await (
                runs.get(UUID(request.run_id))
                if request.run_id
                else runs.by_workflow_id(workflow_id)
            )
            if run is None:
                run = await runs.add(
                    PipelineRun(
                        tenant_id=pipeline.tenant_id,
                        pipeline_id=pipeline.id,
                        trigger=request.trigger,
                        workflow_id=workflow_id,
                    )
                )
            await runs.update(run.id, status=RunStatus.RUNNING, started_at=datetime.now(UTC))
            run_id = run.id
            await events.record(
                session, pipeline.tenant_id, kind="run", run_id=run_id, status=RunStatus.RUNNING
            )
        # The plan is read outside the transaction: a slow sheet must not hold a connection.
        defaults = PlanDefaults.model_validate(pipeline.defaults)
        try:
            source = await self.sources.open(pipeline)
            values = await source.read(pipeline.sheet_range)
            rows, errors = parse_plan(
                values,
                first_row=parse_a1(pipeline.sheet_range).first_row,
                mapping=ColumnMapping.model_validate(pipeline.column_mapping),
                defaults=defaults,
            )
            controlled, _ = await self._control(pipeline, values)
        except ICOPError as error:
            async with self._tenant(request.tenant_id) as session:
                await RunRepository(session).update(
                    run_id,
                    status=RunStatus.FAILED,
                    error=error.detail,
                    finished_at=datetime.now(UTC),
                )
                await events.record(
                    session,
                    pipeline.tenant_id,
                    kind="run",
                    run_id=run_id,
                    status=RunStatus.FAILED,
                    finished_at=datetime.now(UTC),
                    detail=error.detail,
                )
                await notifications.notify(
                    session,
                    tenant_id=pipeline.tenant_id,
                    kind=NotificationKind.RUN_FAILED,
                    title=f"Run failed: {pipeline.name}",
                    detail=error.detail,
                    target_type="run",
                    target_id=run_id,
                )
            raise _fail(error) from error
        work = [
            RowWork(
                row_number=row.row_number,
                topic=row.topic,
                mode=row.mode,
                language=row.language,
                audience=row.audience,
                sub_topic_count=row.sub_topic_count,
                approval_required=row.approval_required,
                platforms=list(row.platforms),
                length_words=defaults.length_words,
            )
            for row in rows
        ]
        async with self._tenant(request.tenant_id) as session:
            runs = RunRepository(session)
            for item in work:
                await runs.upsert_row(
                    pipeline.tenant_id,
                    run_id,
                    item.row_number,
                    topic=item.topic,
                    status=RowStatus.PENDING,
                    step="queued",
                    options={"topic_key": topic_key(item.topic), "mode": item.mode},
                )
            for bad in errors:
                await runs.upsert_row(
                    pipeline.tenant_id,
                    run_id,
                    bad.row_number,
                    status=RowStatus.ERROR,
                    step=None,
                    error=bad.message,
                )
            await runs.update(run_id, rows_total=len(work) + len(errors), rows_failed=len(errors))
            # Each row's first state for the live view, committed with the rows themselves.
            first_states: list[tuple[int, RowStatus, str | None, str | None]] = [
                (item.row_number, RowStatus.PENDING, "queued", None) for item in work
            ]
            first_states += [(bad.row_number, RowStatus.ERROR, None, bad.message) for bad in errors]
            for row_number, status, step, detail in first_states:
                await events.record(
                    session,
                    pipeline.tenant_id,
                    kind="row",
                    run_id=run_id,
                    row_number=row_number,
                    status=status,
                    step=step,
                    detail=detail,
                )
        await self._write(
            pipeline,
            controlled
            + [
                RowUpdate(row_number=bad.row_number, status=STATUS_ERROR, notes=bad.message)
                for bad in errors
            ]
            + [
                RowUpdate(row_number=item.row_number, status=STATUS_RUNNING, notes="queued")
                for item in work
            ],
        )
        return RunPlan(
            run_id=str(run_id), rows=work, max_concurrent_articles=pipeline.max_concurrent_articles
        )

    @activity.defn(name="planning.prepare_row")
    async def prepare_row(self, run: RunRef, work: RowWork) -> list[ArticleSlot]:
        """Sub-topics for the row's topic (reused when an earlier run made them), one article
        per sub-topic (reused when it exists), the sub-topics written back."""
        tenant_id, pipeline_id, run_id = (
            UUID(run.tenant_id),
            UUID(run.pipeline_id),
            UUID(run.run_id),
        )
        key = topic_key(work.topic)
        async with self._tenant(run.tenant_id) as session:
            pipeline = await self._pipeline(session, run.pipeline_id)
            await RunRepository(session).set_row(
                run_id, work.row_number, status=RowStatus.SUBTOPICS, step="generating sub-topics"
            )
            existing = list(await SubTopicRepository(session).for_topic(pipeline_id, key))
            await events.record(
                session,
                tenant_id,
                kind="row",
                run_id=run_id,
                row_number=work.row_number,
                status=RowStatus.SUBTOPICS,
                step="generating sub-topics",
                started_at=datetime.now(UTC),
            )
        relevance_note = ""
        if not existing:
            try:
                # Model calls outlast the heartbeat timeout; beat while they run.
                async with heartbeating(every_s=HEARTBEAT_EVERY_S):
                    generated = await self.subtopics(
                        work.topic,
                        count=work.sub_topic_count,
                        language=work.language,
                        tenant_id=tenant_id,
                    )
            except ICOPError as error:
                raise _fail(error) from error
            if generated.candidates:
                logger.info("sub-topics for row %s: %s", work.row_number, generated.describe())
            if generated.candidates_off_topic:
                relevance_note = f"; {generated.off_topic_note()}"
            existing = [
                SubTopic(
                    tenant_id=tenant_id,
                    pipeline_id=pipeline_id,
                    topic_key=key,
                    topic=work.topic,
                    position=position,
                    label=item.label,
                    keywords=list(item.keywords),
                    members=list(item.members),
                    size=item.size,
                    centrality=item.centrality,
                )
                for position, item in enumerate(generated.subtopics)
            ]
            async with self._tenant(run.tenant_id) as session:
                if generated.candidates:
                    await RunRepository(session).merge_row_options(
                        run_id, work.row_number, {"subtopic_relevance": generated.relevance()}
                    )
                # A concurrent run may have stored them first: theirs win, ours are dropped.
                stored = await SubTopicRepository(session).for_topic(pipeline_id, key)
                if stored:
                    existing = list(stored)
                else:
                    await SubTopicRepository(session).add_all(existing)
        slots: list[ArticleSlot] = []
        try:
            async with self._tenant(run.tenant_id) as session:
                principal = Principal(
                    # The pipeline acts for whoever created it (their articles, their quota).
                    kind=PrincipalKind.USER,
                    tenant_id=tenant_id,
                    role=Role.EDITOR,
                    user_id=pipeline.created_by,
                )
                repository = ArticleRepository(session)
                for sub_topic in await SubTopicRepository(session).for_topic(pipeline_id, key):
                    article_id = sub_topic.article_id or article_id_for(
                        pipeline_id, key, sub_topic.position
                    )
                    article = await repository.get(article_id)
                    if article is None:
                        article = await articles.register(
                            session,
                            principal,
                            ArticleCreate(
                                topic=work.topic,
                                sub_topic=sub_topic.label,
                                audience=work.audience,
                                language=work.language,
                                mode=work.mode,
                                length_words=work.length_words,
                                approval_required=work.approval_required,
                            ),
                            article_id=article_id,
                            pipeline_id=pipeline_id,
                        )
                    if sub_topic.article_id is None:
                        await SubTopicRepository(session).link_article(sub_topic.id, article_id)
                    slots.append(
                        ArticleSlot(
                            tenant_id=run.tenant_id,
                            article_id=str(article_id),
                            workflow_id=articles.workflow_id(article_id),
                            task_queue=self.agents_queue,
                            article_input=articles.workflow_input(
                                self.settings, tenant_id, article_id
                            ),
                            finished=article.status.final,
                        )
                    )
                await RunRepository(session).set_row(
                    run_id,
                    work.row_number,
                    status=RowStatus.WRITING,
                    step=f"writing {len(slots)} article(s)",
                    articles_total=len(slots),
                )
                await events.record(
                    session,
                    tenant_id,
                    kind="row",
                    run_id=run_id,
                    row_number=work.row_number,
                    status=RowStatus.WRITING,
                    step=f"writing {len(slots)} article(s)",
                    detail=", ".join(slot.article_id for slot in slots),
                )
        except ICOPError as error:
            raise _fail(error) from error
        await self._write(
            pipeline,
            [
                RowUpdate(
                    row_number=work.row_number,
                    status=STATUS_RUNNING,
                    sub_topics=[s.label for s in existing],
                    notes=f"writing {len(slots)} article(s){relevance_note}",
                )
            ],
        )
        return slots

    @activity.defn(name="planning.await_article")
    async def await_article(self, slot: ArticleSlot) -> ArticleStatus:
        while True:
            async with self._tenant(slot.tenant_id) as session:
                article = await ArticleRepository(session).get(UUID(slot.article_id))
            status = article.status if article else ArticleStatus.FAILED
            if status.final:
                return status
            activity.heartbeat(status)
            await asyncio.sleep(POLL_ARTICLE_S)

    @activity.defn(name="planning.publish_article")
    async def publish_article(self, request: PublishRequest) -> list[str]:
        """Schedule a ready article's social copy, now, to the tenant's connected accounts on
        the row's platforms. Accounts that already have a post of this article are skipped,
        so a retried activity or a re-run schedules nothing twice. Returns problems."""
        if self.posts is None or not request.platforms:
            return []
        tenant_id, article_id = UUID(request.tenant_id), UUID(request.article_id)
        async with self._tenant(request.tenant_id) as session:
            article = await ArticleRepository(session).get(article_id)
            if article is None or article.status != ArticleStatus.READY:
                return []  # awaiting approval, rejected or failed: nothing to publish
            accounts = await AccountRepository(session).connected(request.platforms)
            posted = {
                p.social_account_id for p in await PostRepository(session).for_article(article_id)
            }
            targets = [a.id for a in accounts if a.id not in posted]
            missing = sorted(set(request.platforms) - {a.platform for a in accounts})
            problems = [f"no connected {name} account" for name in missing]
            if not targets:
                return problems
            principal = Principal(
                kind=PrincipalKind.USER,
                tenant_id=tenant_id,
                role=Role.EDITOR,
                user_id=article.created_by,
            )
            try:
                await posts_service.create(
                    session,
                    self.settings,
                    self.posts,
                    principal,
                    PostCreate(account_ids=targets, article_id=article_id),
                )
            except ValidationFailed as error:
                issues = error.extra.get("issues") or []
                problems += [f"{i['platform']}: {i['message']}" for i in issues] or [error.detail]
            except ICOPError as error:
                raise _fail(error) from error
        return problems

    @activity.defn(name="planning.finish_row")
    async def finish_row(self, run: RunRef, outcome: RowOutcome) -> RowStatus:
        run_id = UUID(run.run_id)
        async with self._tenant(run.tenant_id) as session:
            pipeline = await self._pipeline(session, run.pipeline_id)
            runs = RunRepository(session)
            row = next(
                (r for r in await runs.rows(run_id) if r.row_number == outcome.row_number), None
            )
            key = (row.options or {}).get("topic_key") if row else None
            urls: list[str] = []
            problems: list[str] = []
            cost = Decimal(0)
            done = total = 0
            if key and outcome.error is None:
                repository = ArticleRepository(session)
                for sub_topic in await SubTopicRepository(session).for_topic(
                    UUID(run.pipeline_id), key
                ):
                    article = (
                        await repository.get(sub_topic.article_id) if sub_topic.article_id else None
                    )
                    total += 1
                    if article is None:
                        problems.append(f"{sub_topic.label}: no article")
                        continue
                    cost += article.cost_usd or Decimal(0)
                    if article.status.written and article.final_markdown_url:
                        done += 1
                        urls.append(article.final_markdown_url)
                    else:
                        problems.append(
                            f"{sub_topic.label}: {article.status} {article.error or ''}".strip()
                        )
            status: RowStatus
            if outcome.error is not None:
                status, notes = RowStatus.ERROR, outcome.error
            elif total and done == total:
                status, notes = RowStatus.DONE, f"cost ${cost:.4f}"
            elif done:
                status, notes = (
                    RowStatus.PARTIAL,
                    f"{done}/{total} ready; cost ${cost:.4f}; " + "; ".join(problems),
                )
            else:
                status, notes = RowStatus.ERROR, "; ".join(problems) or "no article was written"
            await runs.set_row(
                run_id,
                outcome.row_number,
                status=status,
                step=None,
                articles_done=done,
                cost_usd=cost,
                error=None if status == RowStatus.DONE else notes,
            )
            # The run's counts move with each row, so a live view never says "0 of 3 rows
            # done" beside a row marked done (they were only counted at the run's end).
            rows_done, rows_failed = await runs.tally(run_id)
            await runs.update(run_id, rows_done=rows_done, rows_failed=rows_failed)
            posts = (
                await control.row_post_lines(session, UUID(run.pipeline_id), key)
                if key and ColumnMapping.model_validate(pipeline.column_mapping).posts
                else None
            )
            await events.record(
                session,
                pipeline.tenant_id,
                kind="row",
                run_id=run_id,
                row_number=outcome.row_number,
                status=status,
                finished_at=datetime.now(UTC),
                cost_usd=cost,
                detail=None if status == RowStatus.DONE else notes,
            )
        sheet_status = {
            RowStatus.DONE: STATUS_DONE,
            RowStatus.PARTIAL: STATUS_PARTIAL,
            RowStatus.ERROR: STATUS_ERROR,
        }[status]
        await self._write(
            pipeline,
            [
                RowUpdate(
                    row_number=outcome.row_number,
                    status=sheet_status,
                    article_urls=urls,
                    notes=notes,
                    posts=posts,
                )
            ],
        )
        return status

    @activity.defn(name="planning.finish_run")
    async def finish_run(self, run: RunRef, cancelled: bool) -> RunStatus:
        run_id = UUID(run.run_id)
        async with self._tenant(run.tenant_id) as session:
            runs = RunRepository(session)
            counts = await runs.count_rows(run_id)
            done, failed = await runs.tally(run_id)
            if cancelled:
                status = RunStatus.CANCELLED
            elif failed and not done:
                status = RunStatus.FAILED
            elif failed or counts.get(RowStatus.PARTIAL, 0):
                status = RunStatus.PARTIAL
            else:
                status = RunStatus.SUCCEEDED
            await runs.update(
                run_id,
                status=status,
                rows_done=done,
                rows_failed=failed,
                finished_at=datetime.now(UTC),
            )
            await outbox.emit(
                session,
                tenant_id=UUID(run.tenant_id),
                topic="pipeline.run.finished",
                payload={
                    "pipeline_id": run.pipeline_id,
                    "run_id": run.run_id,
                    "status": status,
                    "rows_done": done,
                    "rows_failed": failed,
                },
            )
            await events.record(
                session,
                UUID(run.tenant_id),
                kind="run",
                run_id=run_id,
                status=status,
                finished_at=datetime.now(UTC),
                detail=f"{done} row(s) done, {failed} failed",
            )
            if status == RunStatus.FAILED:
                pipeline = await PipelineRepository(session).get(UUID(run.pipeline_id))
                await notifications.notify(
                    session,
                    tenant_id=UUID(run.tenant_id),
                    kind=NotificationKind.RUN_FAILED,
                    title=f"Run failed: {pipeline.name if pipeline else 'a pipeline'}",
                    detail=f"all {failed} row(s) failed",
                    target_type="run",
                    target_id=run_id,
                )
        return status
