"""``icop design``: change a design with a sentence, render one to a JPEG.

Designs belong to the home's local workspace tenant unless ``--tenant`` names one. A command
applies to the design's current version; the fast path needs no model, anything else asks the
routed model (offline: the bundled local model, started on first use).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from uuid import UUID

import typer
from rich.markup import escape
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.auth.principal import Principal
from icop.cli.common import console, error_console, friendly_errors, settings
from icop.cli.workspace import workspace
from icop.config import Settings
from icop.db.engine import create_engine, create_sessionmaker
from icop.db.session import unit_of_work
from icop.designs import commanding, service, sources
from icop.designs.commanding import AmbiguousReference, CommandNotUnderstood, CommandResult
from icop.llm.registry import build_router, default_providers
from icop.platforms import Platform
from icop.runtime.database import prepare_database
from icop.storage.factory import build_object_store

app = typer.Typer(
    help='Designs: `icop design command ID "make the title bigger"`, `icop design render ID '
    "OUT.jpg`.",
    no_args_is_help=True,
)
TENANT_HELP = "Tenant id (default: the local workspace)."


@asynccontextmanager
async def _database(current: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    status = await asyncio.to_thread(prepare_database, current)
    engine = create_engine(
        status.urls.app, current, pool_size=2, max_overflow=0, application_name="icop-cli"
    )
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


@app.command("command")
@friendly_errors
def command(
    design_id: UUID = typer.Argument(..., help="The design to change."),
    text: str = typer.Argument(..., help='What to change, e.g. "make the title yellow".'),
    tenant: UUID | None = typer.Option(None, help=TENANT_HELP),
) -> None:
    """Change a design with one sentence (English or Korean): one new version."""
    current = settings()
    try:
        result = asyncio.run(_command(current, design_id, text, tenant))
    except AmbiguousReference as error:
        error_console.print(f"[bold red]ambiguous:[/] {escape(error.detail)}", soft_wrap=True)
        for candidate in error.extra.get("candidates", []):
            label = candidate.get("name") or candidate.get("text") or candidate["type"]
            error_console.print(f"  {candidate['id']}: {escape(str(label))}", soft_wrap=True)
        raise typer.Exit(code=1) from None
    except CommandNotUnderstood as error:
        error_console.print(f"[bold red]not understood:[/] {escape(error.detail)}")
        raise typer.Exit(code=1) from None
    console.print(escape(result.description), soft_wrap=True)
    console.print(
        f"version {result.stored.history.head} of design {design_id} "
        f"({len(result.actions)} action(s), {result.source.replace('_', ' ')})",
        soft_wrap=True,
    )


async def _command(
    current: Settings, design_id: UUID, text: str, tenant: UUID | None
) -> CommandResult:
    async with _database(current) as sessionmaker:
        router = build_router(current, sessionmaker, default_providers(current))
        try:
            principal = await workspace(current, sessionmaker, tenant)
            head = await _head(sessionmaker, principal, design_id)
            return await commanding.run_command(
                sessionmaker, router, principal, design_id, text, head
            )
        finally:
            await router.aclose()


async def _head(
    sessionmaker: async_sessionmaker[AsyncSession], principal: Principal, design_id: UUID
) -> int:
    async with unit_of_work(sessionmaker, principal.tenant_id) as session:
        return (await service.load(session, design_id)).history.head


@app.command("render")
@friendly_errors
def render(
    design_id: UUID = typer.Argument(..., help="The design to draw."),
    out: Path = typer.Argument(..., help="Where to write the JPEG."),
    platform: Platform | None = typer.Option(
        None, "--platform", help="Fit the platform's rules (aspect, width, size cap)."
    ),
    version: int | None = typer.Option(None, "--version", min=1, help="Default: the head."),
    tenant: UUID | None = typer.Option(None, help=TENANT_HELP),
) -> None:
    """Draw a version of a design as the platform-ready JPEG a post would carry."""
    current = settings()
    data, width, height, number = asyncio.run(
        _render(current, design_id, platform, version, tenant)
    )
    out.write_bytes(data)
    console.print(
        f"wrote {escape(str(out))} ({width}x{height}, {len(data) / 1024:.0f} KB): "
        f"version {number} of design {design_id}",
        soft_wrap=True,
    )


async def _render(
    current: Settings,
    design_id: UUID,
    platform: Platform | None,
    version: int | None,
    tenant: UUID | None,
) -> tuple[bytes, int, int, int]:
    store = build_object_store(current)
    try:
        async with _database(current) as sessionmaker:
            principal = await workspace(current, sessionmaker, tenant)
            async with unit_of_work(sessionmaker, principal.tenant_id) as session:
                stored = await service.load(session, design_id)
            chosen = service.version_of(stored, version)
            result = await sources.jpeg(chosen.design, store, principal.tenant_id, platform)
            return result.data, result.width, result.height, chosen.number
    finally:
        await store.aclose()
