"""``icop status``: the operator's view — services, task queues with their pollers, running
workflows, recent failures and unconfirmed posts (every tenant, through the audited system
listing of tenants). It starts nothing: what is down is reported as down.

What it needs to find a service down is imported at the top; the Temporal SDK, SQLAlchemy and
the HTTP client only once Temporal, the database or a port answers, so that the command answers
at once when nothing runs (benchmarks/cli.py)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from uuid import UUID

import typer
from rich.table import Table

from icop.cli.common import console, settings
from icop.config import Settings
from icop.db.embedded import EmbeddedPostgres
from icop.llm.local.server import local_llm_server
from icop.orchestrator.dev_server import EmbeddedTemporal
from icop.runtime.services import temporal_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

RECENT = timedelta(hours=24)
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass
class Report:
    services: list[tuple[str, str, str]] = field(default_factory=list)
    queues: list[tuple[str, str, str]] = field(default_factory=list)
    workflows: list[tuple[str, str, str]] = field(default_factory=list)
    failures: list[tuple[str, str, str, str]] = field(default_factory=list)
    unconfirmed: list[tuple[str, str, str, str]] = field(default_factory=list)


def status(
    limit: int = typer.Option(20, min=1, max=500, help="Rows per section."),
) -> None:
    """Services, queues and pollers, running workflows, recent failures, unconfirmed posts."""
    current = settings()
    report = asyncio.run(_collect(current, limit))
    _print(report)
    sys.stdout.flush()
    # The Temporal SDK's threads can abort interpreter finalisation (sdk-python#300).
    os._exit(1 if report.unconfirmed or any(s[1] != "up" for s in report.services) else 0)


async def _collect(current: Settings, limit: int) -> Report:
    report = Report()
    database_up = await _database_up(current, report)
    api = await _probe(f"{current.base_url}/healthz")
    report.services.append(("API", "up" if api else "down", current.base_url))
    llm = local_llm_server(current).status()
    report.services.append(
        ("local model", "up" if llm else "down", f"{llm.model} at {llm.base_url}" if llm else "")
    )
    if current.platforms == "emulator" and current.emulator_url:
        emulator = await _probe(f"{current.emulator_url}/_emulator/posts")
        report.services.append(
            ("platform emulator", "up" if emulator else "down", current.emulator_url)
        )
    await _temporal(current, report, limit)
    if database_up:
        await _database_rows(current, report, limit)
    return report


async def _probe(url: str) -> bool:
    if not await _local_port_open(url):
        return False
    # Imported only when something may answer: a closed local port needs no HTTP client.
    import httpx

    try:
        async with httpx.AsyncClient(timeout=2.0) as http:
            return (await http.get(url)).status_code < 500
    except httpx.HTTPError:
        return False


async def _local_port_open(url: str) -> bool:
    """False when the URL's host is this machine and its port refuses connections; True
    otherwise, leaving remote hosts (a proxy may stand between) to the HTTP probe."""
    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK:
        return True
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(parts.hostname, port), 2.0)
    except TimeoutError:
        return True
    except OSError:
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


async def _database_up(current: Settings, report: Report) -> bool:
    if current.embedded_database:
        running = EmbeddedPostgres(current.home).is_running()
        report.services.append(
            ("PostgreSQL", "up" if running else "down", f"embedded under {current.home}")
        )
        return running
    report.services.append(("PostgreSQL", "up", "external (DATABASE_URL)"))
    return True


async def _temporal(current: Settings, report: Report, limit: int) -> None:
    temporal = temporal_settings(current)
    if temporal.embedded and EmbeddedTemporal.from_settings(temporal).running() is None:
        report.services.append(("Temporal", "down", "embedded dev server"))
        return
    from icop.orchestrator.connection import connect
    from icop.orchestrator.queues import TaskQueue
    from icop.orchestrator.readiness import check_task_queues

    try:
        client = await asyncio.wait_for(connect(temporal), timeout=5)
    except (TimeoutError, RuntimeError, OSError) as error:
        report.services.append(("Temporal", "down", f"{temporal.target}: {error}"))
        return
    report.services.append(("Temporal", "up", temporal.target))
    names = {temporal.queue_name(queue): queue.value for queue in TaskQueue}
    readiness = await check_task_queues(client, names)
    for queue_status in readiness.queues:
        pollers = sorted(
            {poller.identity for seen in queue_status.pollers.values() for poller in seen}
        )
        report.queues.append(
            (
                names[queue_status.queue],
                "served" if queue_status.ready else "NO POLLER: " + ", ".join(queue_status.missing),
                ", ".join(pollers) or "—",
            )
        )
    async for execution in client.list_workflows("ExecutionStatus = 'Running'", limit=limit):
        started = execution.start_time.strftime("%Y-%m-%d %H:%M") if execution.start_time else ""
        report.workflows.append((execution.id, execution.workflow_type, started))


async def _database_rows(current: Settings, report: Report, limit: int) -> None:
    from icop.db.engine import create_engine, create_sessionmaker, resolve_urls

    engine = create_engine(resolve_urls(current).app, current, pool_size=1, max_overflow=1)
    try:
        await collect_rows(create_sessionmaker(engine), report, limit)
    finally:
        await engine.dispose()


async def collect_rows(
    sessionmaker: async_sessionmaker[AsyncSession], report: Report, limit: int
) -> None:
    from icop.db.session import unit_of_work
    from icop.tenants.repository import TenantRepository

    since = datetime.now(UTC) - RECENT
    async with unit_of_work(sessionmaker, None) as session:
        tenants = await TenantRepository(session).all_ids("icop status")
    for tenant_id in tenants:
        await _tenant_rows(sessionmaker, tenant_id, since, report, limit)


async def _tenant_rows(
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant_id: UUID,
    since: datetime,
    report: Report,
    limit: int,
) -> None:
    from sqlalchemy import select

    from icop.db.session import unit_of_work
    from icop.models import (
        ArticleStatus,
        GeneratedArticle,
        PipelineRun,
        Post,
        PostStatus,
        RunStatus,
    )

    async with unit_of_work(sessionmaker, tenant_id) as session:
        articles = await session.scalars(
            select(GeneratedArticle)
            .where(
                GeneratedArticle.status.in_(
                    (ArticleStatus.FAILED, ArticleStatus.NO_SOURCES, ArticleStatus.NEEDS_REVIEW)
                ),
                GeneratedArticle.updated_at >= since,
            )
            .order_by(GeneratedArticle.updated_at.desc())
            .limit(limit)
        )
        for article in articles:
            report.failures.append(
                (f"article {article.id}", article.status, article.topic[:40], article.error or "")
            )
        runs = await session.scalars(
            select(PipelineRun)
            .where(
                PipelineRun.status.in_((RunStatus.FAILED, RunStatus.PARTIAL)),
                PipelineRun.created_at >= since,
            )
            .limit(limit)
        )
        for run in runs:
            report.failures.append(
                (
                    f"pipeline run {run.id}",
                    run.status,
                    f"{run.rows_failed} row(s) failed",
                    run.error or "",
                )
            )
        posts = await session.scalars(
            select(Post)
            .where(Post.status.in_((PostStatus.FAILED, PostStatus.UNCONFIRMED)))
            .order_by(Post.scheduled_at.desc())
            .limit(limit)
        )
        for post in posts:
            row = (f"post {post.id}", post.platform, post.status, post.error or "")
            if post.status == PostStatus.UNCONFIRMED:
                report.unconfirmed.append(row)
            elif post.scheduled_at >= since:
                report.failures.append(row)


def _print(report: Report) -> None:
    sections: list[tuple[str, tuple[str, ...], list[tuple[str, ...]]]] = [
        ("services", ("service", "state", "where"), list(report.services)),
        ("task queues", ("queue", "state", "pollers"), list(report.queues)),
        ("running workflows", ("id", "type", "started"), list(report.workflows)),
        ("failures in the last 24 h", ("what", "status", "about", "error"), list(report.failures)),
        (
            "unconfirmed posts (check the platform, then retry or dismiss)",
            ("post", "platform", "status", "reason"),
            list(report.unconfirmed),
        ),
    ]
    for title, columns, rows in sections:
        table = Table(*columns, title=title, title_justify="left")
        for row in rows:
            table.add_row(*[str(cell) for cell in row])
        if not rows:
            table.add_row(*(["—"] + [""] * (len(columns) - 1)))
        console.print(table)
