"""``icop analytics up|down``: Superset's eight dashboards over the analytics views."""

from __future__ import annotations

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from icop.cli.common import console, friendly_errors, settings

app = typer.Typer(
    no_args_is_help=True,
    help="Superset's eight dashboards over the read-only analytics views (up, down).",
)


@app.command("up")
@friendly_errors
def up(
    host: str = typer.Option("127.0.0.1", help="Address Superset listens on."),
    port: int = typer.Option(8088, help="Superset's port."),
) -> None:
    """Install Superset in its own venv, import the eight dashboards, start it, print the URL."""
    from icop.analytics.service import analytics_up

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console
    ) as progress:
        task = progress.add_task("analytics", total=None)
        started = analytics_up(
            settings(),
            host=host,
            port=port,
            step=lambda text: progress.update(task, description=text),
        )
    console.print(f"[green]Superset[/] {started.url}/dashboard/list/")
    console.print(
        f"user [bold]{started.admin_user}[/], password in the home's secrets/analytics.json "
        "(admin_password)"
    )


@app.command("down")
@friendly_errors
def down() -> None:
    """Stop the Superset server `icop analytics up` started."""
    from icop.analytics.service import analytics_down

    stopped = analytics_down(settings())
    console.print("Superset stopped" if stopped else "Superset was not running")
