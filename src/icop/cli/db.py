from __future__ import annotations

import asyncio

import typer

from icop.cli.common import console, fail, friendly_errors, settings
from icop.db import bootstrap, migrate
from icop.runtime.database import prepare_database

app = typer.Typer(help="Database schema: migrate, downgrade, reset.", no_args_is_help=True)


@app.command("migrate")
@friendly_errors
def migrate_command() -> None:
    """Create roles (embedded database) and upgrade the schema to the latest revision."""
    current = settings()
    status = prepare_database(current)
    console.print(
        f"[green]database at revision {migrate.head_revision()}[/]"
        + (" (embedded PostgreSQL started)" if status.started_embedded else "")
    )


@app.command("downgrade")
@friendly_errors
def downgrade_command(
    revision: str = typer.Argument(
        "-1", help="Target revision, '-1' for one step, 'base' for all."
    ),
) -> None:
    """Undo migrations down to REVISION."""
    current = settings()
    status = prepare_database(current, migrate_to_head=False)
    migrate.downgrade(status.urls.owner, current, revision)
    now = asyncio.run(migrate.current_revision(status.urls.owner))
    console.print(f"[green]database at revision {now or 'base'}[/]")


@app.command("reset")
@friendly_errors
def reset_command(yes: bool = typer.Option(False, "--yes", help="Confirm data loss.")) -> None:
    """Drop the embedded database and recreate it empty at the latest revision."""
    current = settings()
    if not current.embedded_database:
        raise fail(
            "reset only works on the embedded database; use your DBA tooling for DATABASE_URL"
        )
    if not yes and not typer.confirm("This deletes every tenant's data. Continue?"):
        raise typer.Exit(code=1)
    status = prepare_database(current, migrate_to_head=False)
    assert status.urls.admin is not None
    asyncio.run(bootstrap.drop_database(status.urls.admin, current))
    prepare_database(current)
    console.print("[green]database recreated[/]")
