"""``icop trends run|list``: the TrendPipeline from the command line.

Like ``icop pipeline``, it works with or without a running ``icop up``: the embedded services
are started (or reused) and ``run --wait`` serves the planning queue itself while it waits.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID

import typer
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.cli.common import console, settings
from icop.cli.workspace import workspace
from icop.config import Settings
from icop.db.session import unit_of_work
from icop.errors import ICOPError
from icop.models import TrendRun, TrendRunStatus
from icop.orchestrator.connection import LazyClient
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import running_workers
from icop.runtime.clients import Runtime
from icop.runtime.services import start_services, temporal_settings
from icop.runtime.workers import service_registry
from icop.trends import service

app = typer.Typer(
    help="Trends: the nightly TrendPipeline (collect → clean → embed → ingest → cluster)."
)

STEPS = ("collect", "embed", "ingest", "cluster")


def _exit(code: int) -> None:
    # The Temporal SDK's threads can abort interpreter finalisation (sdk-python#300).
    sys.stdout.flush()
    os._exit(code)


@asynccontextmanager
async def _runtime(current: Settings, queues: list[TaskQueue]) -> AsyncIterator[Runtime]:
    runtime = Runtime.from_settings(current, queues=queues)
    runtime.temporal = LazyClient(temporal_settings(current))
    try:
        yield runtime
    finally:
        await runtime.aclose()


@app.command("run")
def run(
    wait: bool = typer.Option(False, "--wait", help="Wait, showing the run's steps."),
    tenant: UUID | None = typer.Option(None, help="Tenant id (default: the local workspace)."),
) -> None:
    """Run the TrendPipeline now (it also runs nightly on its schedule)."""
    current = settings()
    with console.status("starting PostgreSQL and Temporal …"):
        start_services(current, llm=False)
    try:
        status = asyncio.run(_run(current, wait, tenant))
    except ICOPError as error:
        console.print(f"[bold red]error:[/] {error.detail}")
        _exit(1)
    _exit(0 if status != TrendRunStatus.FAILED else 1)


async def _run(current: Settings, wait: bool, tenant: UUID | None) -> TrendRunStatus:
    queues = [TaskQueue.PLANNING]
    async with _runtime(current, queues) as runtime:
        sessionmaker, temporal = runtime.sessionmaker, runtime.temporal
        assert temporal is not None
        principal = await workspace(current, sessionmaker, tenant)
        async with unit_of_work(sessionmaker, principal.tenant_id) as session:
            started = await service.start_run(session, current, temporal, principal)
            run_id = started.id
        console.print(f"trend run {run_id} started")
        if not wait:
            console.print(f"follow it with GET /api/v1/trends/runs/{run_id}")
            return TrendRunStatus.QUEUED
        async with running_workers(
            await temporal(), queues, service_registry(runtime), settings=temporal.settings
        ):
            final = await follow(sessionmaker, principal.tenant_id, run_id)
        console.print(summary(final))
        return final.status


async def follow(
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant_id: UUID,
    run_id: UUID,
    *,
    poll_s: float = 1.0,
) -> TrendRun:
    """Rich progress: the run's step of the four, and what it has counted so far."""
    with Progress(
        TextColumn("[bold]trends[/]"),
        BarColumn(),
        TextColumn("{task.fields[step]}"),
        TextColumn("{task.fields[counted]}"),
        console=console,
    ) as progress:
        task = progress.add_task("run", total=len(STEPS) + 1, step="queued", counted="")
        while True:
            async with unit_of_work(sessionmaker, tenant_id) as session:
                run = await service.get_run(session, run_id)
            step = run.step or str(run.status)
            done = (
                STEPS.index(step)
                if step in STEPS
                else (len(STEPS) + 1 if not run.status.active else 0)
            )
            counts = run.counts or {}
            collected = sum((counts.get("collected") or {}).values())
            progress.update(
                task,
                completed=done,
                step=step,
                counted=f"collected {collected}, kept {counts.get('kept', '…')}",
            )
            if not run.status.active:
                return run
            await asyncio.sleep(poll_s)


def summary(run: TrendRun) -> Table:
    counts = run.counts or {}
    table = Table("what", "count", title=f"trend run {run.status}")
    for source, count in sorted((counts.get("collected") or {}).items()):
        table.add_row(f"collected from {source}", str(count))
    for reason, count in sorted((counts.get("dropped") or {}).items()):
        table.add_row(f"dropped: {reason}", str(count))
    for key in ("kept", "ingested", "aged_out", "trends", "suggestions"):
        table.add_row(key.replace("_", " "), str(counts.get(key, 0)))
    for source, error in sorted((run.source_errors or {}).items()):
        table.add_row(f"[red]failed: {source}[/]", error[:80])
    if run.error:
        table.add_row("[red]error[/]", run.error[:80])
    return table


@app.command("list")
def list_trends(
    items: int = typer.Option(3, help="Evidence items shown per trend."),
    tenant: UUID | None = typer.Option(None, help="Tenant id (default: the local workspace)."),
) -> None:
    """The latest finished run's named trends, best first, with their evidence."""
    current = settings()
    with console.status("starting PostgreSQL …"):
        start_services(current, llm=False)
    try:
        table = asyncio.run(_list(current, items, tenant))
    except ICOPError as error:
        console.print(f"[bold red]error:[/] {error.detail}")
        _exit(1)
    console.print(table)
    _exit(0)


async def _list(current: Settings, items: int, tenant: UUID | None) -> Table | str:
    async with _runtime(current, []) as runtime:
        principal = await workspace(current, runtime.sessionmaker, tenant)
        async with unit_of_work(runtime.sessionmaker, principal.tenant_id) as session:
            found = await service.trends(session, None, items_per_trend=items)
    if found.run is None:
        return "no finished trend run yet: start one with `icop trends run --wait`"
    table = Table("trend", "score", "items", "first seen", "evidence", title=f"run {found.run.id}")
    for trend in found.trends:
        table.add_row(
            trend.label,
            f"{trend.score:.2f}",
            str(trend.size),
            f"{trend.first_seen_at:%Y-%m-%d}",
            "\n".join(f"{item.title[:60]} ({item.source_kind})" for item in trend.items),
        )
    return table
