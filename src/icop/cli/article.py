"""``icop article "TOPIC"``: write one article through the durable workflow, with live progress.

It works with or without a running ``icop up``: the embedded services are started (or reused)
and this process serves the task queues itself while it waits, so a fresh clone needs nothing
else. Articles belong to the home's local workspace tenant unless ``--tenant`` names one.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from uuid import UUID

import typer
from pydantic import ValidationError
from rich.live import Live
from rich.spinner import Spinner
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.articles import service
from icop.articles.activities import markdown_path
from icop.articles.repository import ArticleRepository
from icop.articles.schemas import ArticleCreate
from icop.cli.common import console, fail, settings
from icop.cli.workspace import add_sources, workspace
from icop.config import Settings
from icop.db.session import unit_of_work
from icop.errors import ICOPError
from icop.models import ArticleStatus
from icop.orchestrator.connection import LazyClient
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import running_workers
from icop.runtime.clients import Runtime
from icop.runtime.services import start_services, temporal_settings
from icop.runtime.workers import service_registry

# Statuses the command exits 0 with (without --wait an article is still queued or running).
SUCCEEDED = (
    ArticleStatus.READY,
    ArticleStatus.QUEUED,
    ArticleStatus.RUNNING,
    ArticleStatus.AWAITING_APPROVAL,
)


def article(
    topic: str = typer.Argument(..., help="What to write about."),
    mode: str = typer.Option("compare", help="compare (editor picks) or merge (merger)."),
    language: str = typer.Option("en", help="Article language (e.g. en, ko, de)."),
    words: int = typer.Option(600, min=150, max=4000, help="Target length."),
    tenant: UUID | None = typer.Option(None, help="Tenant id (default: the local workspace)."),
    wait: bool = typer.Option(False, "--wait", help="Wait and show progress until it is done."),
    source: list[Path] = typer.Option(
        [],
        "--source",
        exists=True,
        dir_okay=False,
        readable=True,
        help="A .md/.txt file to add to the knowledge store first (repeatable).",
    ),
) -> None:
    """Research, write (three writers), edit, illustrate and format one article."""
    current = settings()
    try:
        brief = ArticleCreate.model_validate(
            {"topic": topic, "mode": mode, "language": language, "length_words": words}
        )
    except ValidationError as error:
        raise fail(brief_problem(error)) from None
    with console.status("starting PostgreSQL, Temporal and the local model …"):
        start_services(current, llm=True)
    try:
        status = asyncio.run(_run(current, brief, tenant, wait, source))
    except ICOPError as error:
        raise fail(error.detail) from None
    # The Temporal SDK's threads can abort interpreter finalisation (sdk-python#300).
    sys.stdout.flush()
    os._exit(0 if status in SUCCEEDED else 1)


def brief_problem(error: ValidationError) -> str:
    """The first problem with a brief as one line (``--words: …``), in the CLI's own terms."""
    first = error.errors(include_url=False)[0]
    field = str(first["loc"][0]) if first["loc"] else "brief"
    option = {"topic": "TOPIC", "length_words": "--words"}.get(field, f"--{field}")
    return f"{option}: {first['msg']}"


async def _run(
    current: Settings, brief: ArticleCreate, tenant: UUID | None, wait: bool, sources: list[Path]
) -> ArticleStatus:
    queues = [TaskQueue.AGENTS, TaskQueue.IMAGES, TaskQueue.GPU]
    runtime = Runtime.from_settings(current, queues=queues)
    runtime.temporal = temporal = LazyClient(temporal_settings(current))
    sessionmaker = runtime.sessionmaker
    try:
        principal = await workspace(current, sessionmaker, tenant)
        if sources:
            with console.status(f"adding {len(sources)} source(s) to the knowledge store …"):
                await add_sources(current, sessionmaker, principal, sources)
        async with unit_of_work(sessionmaker, principal.tenant_id) as session:
            accepted = await service.create(session, current, temporal, principal, brief)
        console.print(f"article {accepted.id} accepted (workflow {accepted.workflow_id})")
        if not wait:
            console.print("follow it with GET /api/v1/articles/{id}, or pass --wait")
            return accepted.status
        async with running_workers(
            await temporal(), queues, service_registry(runtime), settings=temporal.settings
        ):
            status = await _follow(sessionmaker, principal.tenant_id, accepted.id)
        path = markdown_path(current.home, principal.tenant_id, accepted.id)
        if status == ArticleStatus.READY and path.exists():
            console.print(f"[bold green]ready[/]: {path}")
        else:
            async with unit_of_work(sessionmaker, principal.tenant_id) as session:
                row = await ArticleRepository(session).get(accepted.id)
            console.print(f"[bold]{status}[/]: {row.error if row else ''}")
        return status
    finally:
        await runtime.aclose()


async def _follow(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_id: UUID, article_id: UUID
) -> ArticleStatus:
    spinner = Spinner("dots", text="queued")
    with Live(spinner, console=console, refresh_per_second=8):
        while True:
            async with unit_of_work(sessionmaker, tenant_id) as session:
                row = await ArticleRepository(session).get(article_id)
            assert row is not None
            spinner.update(text=f"{row.status}: {row.current_step or '…'}")
            if row.status.final:
                return row.status
            await asyncio.sleep(1.0)
