"""``icop pipeline create|list|run``: content pipelines from the command line.

Like ``icop article``, it works with or without a running ``icop up``: the embedded services
are started (or reused) and ``run --wait`` serves the task queues itself while it waits.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from uuid import UUID

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.auth.principal import Principal
from icop.cli.common import console, fail, settings
from icop.cli.workspace import workspace
from icop.config import Settings
from icop.db.session import unit_of_work
from icop.errors import ICOPError, NotFound
from icop.kit.polling import Backoff
from icop.models import ArticleStatus, RowStatus, RunStatus
from icop.observability.tracing import stage_span
from icop.orchestrator.connection import LazyClient
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import running_workers
from icop.planning import service
from icop.planning.repository import PipelineRepository
from icop.planning.schemas import PipelineCreate, RunOut
from icop.planning.sheets.layout import ColumnMapping, PlanDefaults
from icop.planning.sheets.local import LocalSheet
from icop.planning.sheets.source import detect_layout
from icop.runtime.clients import Runtime
from icop.runtime.services import start_services, temporal_settings
from icop.runtime.workers import service_registry

app = typer.Typer(help="Content pipelines: a plan (sheet or file) → sub-topics → articles.")

# Statuses the command exits 0 with (without --wait a run is still queued or running).
SUCCEEDED = (RunStatus.SUCCEEDED, RunStatus.QUEUED, RunStatus.RUNNING)


def _exit(code: int) -> None:
    # The Temporal SDK's threads can abort interpreter finalisation (sdk-python#300).
    sys.stdout.flush()
    os._exit(code)


@app.command("create")
def create(
    file: Path | None = typer.Option(None, "--file", help="A local CSV or XLSX plan."),
    sheet: str | None = typer.Option(None, "--sheet", help="A Google spreadsheet id."),
    name: str | None = typer.Option(None, help="A name (default: the file or sheet id)."),
    sheet_range: str | None = typer.Option(
        None, "--range", help="The plan's range (default: from a file's header row)."
    ),
    cron: str | None = typer.Option(None, "--cron", help="Run on this cron schedule."),
    credential: UUID | None = typer.Option(None, help="Vault credential for a Google Sheet."),
    mode: str = typer.Option("compare", help="Default mode: compare or merge."),
    language: str = typer.Option("en", help="Default article language."),
    sub_topics: int = typer.Option(3, "--sub-topics", min=1, max=10, help="Per main topic."),
    tenant: UUID | None = typer.Option(None, help="Tenant id (default: the local workspace)."),
) -> None:
    """Create a pipeline on a Google Sheet (--sheet) or a local file (--file)."""
    if (file is None) == (sheet is None):
        raise fail("give exactly one of --file PATH or --sheet ID")
    current = settings()
    mapping: ColumnMapping | None = None
    if file is not None and sheet_range is None:
        # The header row says which columns hold what (Topic, Status, …, Mode, Language).
        try:
            mapping, sheet_range = asyncio.run(detect_layout(LocalSheet(file.resolve())))
        except ICOPError as error:
            raise fail(f"{file}: {error.detail}") from None
    try:
        body = PipelineCreate.model_validate(
            {
                "name": name or (file.name if file else sheet),
                "source_type": "file" if file else "google_sheet",
                "file_path": str(file.resolve()) if file else None,
                "google_sheet_id": sheet,
                "sheet_range": sheet_range or "ContentPlan!A2:E",
                "column_mapping": mapping or ColumnMapping(),
                "credential_id": credential,
                "schedule_cron": cron,
                "defaults": PlanDefaults.model_validate(
                    {"mode": mode, "language": language, "sub_topic_count": sub_topics}
                ),
            }
        )
    except ValueError as error:
        raise fail(str(error).splitlines()[-1].strip()) from None
    with console.status("starting PostgreSQL and Temporal …"):
        start_services(current, llm=False)
    try:
        pipeline_id = asyncio.run(_create(current, body, tenant))
    except ICOPError as error:
        console.print(f"[bold red]error:[/] {error.detail}")
        _exit(1)
    console.print(f"pipeline {pipeline_id} created; run it with: icop pipeline run {pipeline_id}")
    _exit(0)


async def _create(current: Settings, body: PipelineCreate, tenant: UUID | None) -> UUID:
    async with _runtime(current) as runtime:
        principal = await workspace(current, runtime.sessionmaker, tenant)
        async with unit_of_work(runtime.sessionmaker, principal.tenant_id) as session:
            created = await service.create(session, current, runtime.temporal, principal, body)
        return created.id


@app.command("list")
def list_pipelines(
    tenant: UUID | None = typer.Option(None, help="Tenant id (default: the local workspace)."),
) -> None:
    """The pipelines with their source and schedule."""
    current = settings()
    with console.status("starting PostgreSQL …"):
        start_services(current, llm=False)
    table = asyncio.run(_list(current, tenant))
    console.print(table)
    _exit(0)


async def _list(current: Settings, tenant: UUID | None) -> Table:
    async with _runtime(current) as runtime:
        principal = await workspace(current, runtime.sessionmaker, tenant)
        async with unit_of_work(runtime.sessionmaker, principal.tenant_id) as session:
            pipelines = await service.list_pipelines(session, limit=200, offset=0)
            table = Table("id", "name", "source", "schedule", "last run")
            for pipeline in pipelines:
                runs = await service.list_runs(session, pipeline.id, limit=1, offset=0)
                table.add_row(
                    str(pipeline.id),
                    pipeline.name,
                    pipeline.file_path or pipeline.google_sheet_id or "imported rows",
                    (pipeline.schedule_cron or "—")
                    + (" (paused)" if pipeline.schedule_paused else ""),
                    f"{runs[0].status} {runs[0].created_at:%Y-%m-%d %H:%M}" if runs else "—",
                )
    return table


@app.command("run")
def run(
    pipeline: str = typer.Argument(..., help="Pipeline id or name."),
    wait: bool = typer.Option(False, "--wait", help="Wait and show per-row progress."),
    tenant: UUID | None = typer.Option(None, help="Tenant id (default: the local workspace)."),
) -> None:
    """Run a pipeline now: sub-topics, one article per sub-topic, results written back."""
    current = settings()
    with console.status("starting PostgreSQL, Temporal and the local model …"):
        start_services(current, llm=wait)
    try:
        status = asyncio.run(_run(current, pipeline, wait, tenant))
    except ICOPError as error:
        console.print(f"[bold red]error:[/] {error.detail}")
        _exit(1)
    _exit(0 if status in SUCCEEDED else 1)


async def _run(current: Settings, name_or_id: str, wait: bool, tenant: UUID | None) -> RunStatus:
    queues = [TaskQueue.PLANNING, TaskQueue.AGENTS, TaskQueue.IMAGES, TaskQueue.GPU]
    async with _runtime(current, queues) as runtime:
        sessionmaker, temporal = runtime.sessionmaker, runtime.temporal
        assert temporal is not None
        principal = await workspace(current, sessionmaker, tenant)
        async with unit_of_work(sessionmaker, principal.tenant_id) as session:
            pipeline_id = await _resolve(session, name_or_id)
            run = await service.start_run(session, temporal, principal, pipeline_id)
        console.print(f"run {run.id} started (workflow {run.workflow_id})")
        if not wait:
            console.print(f"follow it with GET /api/v1/pipelines/{pipeline_id}/runs/{run.id}")
            return run.status
        async with running_workers(
            await temporal(), queues, service_registry(runtime), settings=temporal.settings
        ):
            final = await follow(sessionmaker, principal, pipeline_id, run.id)
        console.print(summary(final))
        return final.status


async def _resolve(session: AsyncSession, name_or_id: str) -> UUID:
    try:
        return UUID(name_or_id)
    except ValueError:
        pipeline = await PipelineRepository(session).by_name(name_or_id)
        if pipeline is None:
            raise NotFound(f"no pipeline named {name_or_id!r}") from None
        return pipeline.id


async def follow(
    sessionmaker: async_sessionmaker[AsyncSession],
    principal: Principal,
    pipeline_id: UUID,
    run_id: UUID,
    *,
    poll_s: float = 1.0,
    first_poll_s: float = 0.1,
) -> RunOut:
    """Rich progress: one bar per plan row (its articles), with the current step.

    Polls adaptively: ``first_poll_s`` after a change, doubling up to ``poll_s`` while nothing
    changes, so a step that ends is shown (and the run's end noticed) within a moment."""
    tasks: dict[int, TaskID] = {}
    backoff = Backoff(first_s=min(first_poll_s, poll_s), max_s=poll_s)
    seen: object = None
    with Progress(
        TextColumn("[bold]{task.fields[row]}[/]"),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[step]}"),
        console=console,
    ) as progress:
        while True:
            with stage_span("demo driver: reading progress"):
                async with unit_of_work(sessionmaker, principal.tenant_id) as session:
                    run = await service.get_run(session, pipeline_id, run_id)
            for row in run.rows:
                done = sum(1 for a in row.articles if a.status and a.status.written)
                step = row.error if row.status == RowStatus.ERROR else (row.step or row.status)
                writing = [
                    a for a in row.articles if a.current_step and a.status == ArticleStatus.RUNNING
                ]
                if writing:
                    step = f"{writing[0].sub_topic[:40]}: {writing[0].current_step}"
                if row.row_number not in tasks:
                    tasks[row.row_number] = progress.add_task(
                        (row.topic or "")[:40], total=None, row=f"row {row.row_number}", step=""
                    )
                progress.update(
                    tasks[row.row_number],
                    total=row.articles_total or None,
                    completed=done,
                    step=(step or "")[:60],
                )
            if not run.status.active:
                return run
            state = run.model_dump_json(include={"status", "rows"})
            if state != seen:
                seen = state
                backoff.reset()
            await backoff.wait()


def summary(run: RunOut) -> Table:
    table = Table("row", "topic", "status", "articles", "cost", title=f"run {run.status}")
    for row in run.rows:
        status = row.status if row.status != RowStatus.ERROR else f"error: {row.error}"
        counted = row.subtopic_relevance
        if counted is not None and (counted.candidates_off_topic or counted.labels_off_topic):
            status += (
                f"\n{counted.candidates_off_topic} of {counted.candidates} angles off topic, "
                f"{counted.labels_off_topic} labels replaced"
            )
        table.add_row(
            str(row.row_number),
            (row.topic or "")[:40],
            status,
            "\n".join(a.markdown_url or f"{a.sub_topic} ({a.status})" for a in row.articles),
            f"${row.cost_usd:.4f}",
        )
    return table


@asynccontextmanager
async def _runtime(current: Settings, queues: Sequence[TaskQueue] = ()) -> AsyncIterator[Runtime]:
    """The clients of one command, linked to Temporal, sized for the queues it serves."""
    runtime = Runtime.from_settings(current, queues=queues)
    runtime.temporal = LazyClient(temporal_settings(current))
    try:
        yield runtime
    finally:
        await runtime.aclose()
