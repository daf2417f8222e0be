"""Operations: ``icop backup``, ``icop restore`` and ``icop relay``."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from icop.cli.common import console, fail, friendly_errors, settings

if TYPE_CHECKING:
    from icop.config import Settings
    from icop.ops.recovery import Resumed


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


@friendly_errors
def backup(
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Archive to write (default icop-backup-<UTC time>.tar.gz)."
    ),
    exclude_keys: bool = typer.Option(
        False,
        "--exclude-keys",
        help="Leave the vault, JWT and media signing keys out (keep them elsewhere: without "
        "the vault keys the stored credentials cannot be decrypted).",
    ),
) -> None:
    """Write the database, the local media files and the keys into one .tar.gz."""
    from icop.ops.backup import create_backup

    current = settings()
    target = out or Path(f"icop-backup-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.tar.gz")
    with _progress() as progress:
        task = progress.add_task("backing up", total=None)
        manifest = create_backup(
            current,
            target,
            include_keys=not exclude_keys,
            step=lambda text: progress.update(task, description=text),
        )
    console.print(
        f"[green]backup written[/] {target.resolve()}: revision {manifest.alembic_revision}, "
        f"{sum(manifest.tables.values())} rows, {manifest.objects} media files, "
        f"keys: {', '.join(manifest.secrets) or 'none'}"
    )
    if manifest.secrets:
        console.print(
            "[yellow]this archive holds the keys that decrypt tenants' credentials: store it "
            "like a secret[/]"
        )


@friendly_errors
def restore(
    archive: Path = typer.Argument(..., exists=True, dir_okay=False, help="A backup archive."),
    force: bool = typer.Option(
        False, "--force", help="Replace a database that is not empty, and differing key files."
    ),
    exclude_keys: bool = typer.Option(False, "--exclude-keys", help="Do not restore key files."),
) -> None:
    """Restore a backup into an empty home or database (or replace one with --force)."""
    from icop.ops.backup import restore_backup

    current = settings()
    if force and not typer.confirm(
        f"This replaces the database {current.db_name} with the backup. Continue?"
    ):
        raise typer.Exit(code=1)
    with _progress() as progress:
        task = progress.add_task("restoring", total=None)
        result = restore_backup(
            current,
            archive,
            force=force,
            include_keys=not exclude_keys,
            step=lambda text: progress.update(task, description=text),
        )
    table = Table("restored", "value")
    made = result.manifest
    table.add_row("backup made", f"{made.created_at} by ICOP {made.icop_version}")
    table.add_row("schema", f"{result.manifest.alembic_revision} → {result.revision_after}")
    table.add_row("rows", str(sum(result.manifest.tables.values())))
    table.add_row("media files written", str(result.objects_written))
    table.add_row("key files written", ", ".join(result.secrets_written) or "none")
    console.print(table)
    if result.count_mismatches:
        for name, (expected, found) in sorted(result.count_mismatches.items()):
            console.print(f"[red]{name}: {found} rows, the backup had {expected}[/]")
        raise typer.Exit(code=1)
    console.print("[green]restore complete[/]")


@friendly_errors
def resume() -> None:
    """After a restore that lost the workflow engine's history: re-create the schedules and
    restart unfinished articles and unsent posts (a post due before now is looked for
    on its platform first, so nothing is posted twice)."""
    from icop.runtime.services import start_services

    current = settings()
    with console.status("starting PostgreSQL and Temporal …"):
        start_services(current, llm=False)
    resumed = asyncio.run(_resume(current))
    table = Table("resumed", "count")
    table.add_row("pipeline schedules synced", str(resumed.schedules))
    table.add_row("unsent posts restarted", str(resumed.posts))
    table.add_row("… of which checked on the platform first", str(resumed.checked))
    table.add_row("articles restarted", str(resumed.articles))
    console.print(table)
    console.print(
        "[green]resumed[/]: pipeline runs that were in flight are not restarted; run "
        "their pipelines again (rows already done are skipped)"
    )


async def _resume(current: Settings) -> Resumed:
    from icop.db.engine import resolve_urls
    from icop.ops.recovery import resume_after_engine_loss
    from icop.orchestrator.connection import LazyClient
    from icop.runtime.clients import Runtime
    from icop.runtime.services import temporal_settings

    runtime = Runtime.from_settings(current, queues=[])
    try:
        return await resume_after_engine_loss(
            resolve_urls(current).owner,
            current,
            runtime.sessionmaker,
            LazyClient(temporal_settings(current)),
        )
    finally:
        await runtime.aclose()


@friendly_errors
def relay() -> None:
    """Publish outbox events to RabbitMQ (AMQP_URL) until Ctrl-C: a dedicated relay process
    (set ICOP_OUTBOX_RELAY_IN_WORKERS=false on the others, or keep both: rows are locked)."""
    from icop.observability.metrics import record_build_info, start_metrics_server
    from icop.observability.tracing import flush_tracing, setup_tracing
    from icop.outbox.relay import background_relay
    from icop.runtime.database import prepare_database

    current = settings(serving=True)
    if current.amqp_url is None:
        raise fail("AMQP_URL is not set: there is no broker to relay events to")
    prepare_database(current, migrate_to_head=False)
    setup_tracing("icop-relay")
    record_build_info("relay")
    start_metrics_server(current.worker_metrics_port, current.worker_metrics_host)

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with background_relay(current):
            console.print(f"relaying outbox events to exchange {current.amqp_exchange}")
            await stop.wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
    flush_tracing()
    console.print("relay stopped")
