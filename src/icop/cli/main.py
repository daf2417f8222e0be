"""The ``icop`` command."""

from __future__ import annotations

import typer

from icop.articles import cli as article_cli
from icop.cli import db, keys, llm, ops, status, tenant, up
from icop.images import cli as image_cli
from icop.planning import cli as pipeline_cli
from icop.syndication.emulator import cli as emulator_cli

app = typer.Typer(
    name="icop",
    help="ICOP: Intelligent Content Orchestration Platform.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("up")(up.up)
app.command("down")(up.down)
app.command("status")(status.status)
app.command("worker")(up.worker)
app.command("relay")(ops.relay)
app.command("backup")(ops.backup)
app.command("restore")(ops.restore)
app.add_typer(db.app, name="db")
app.add_typer(tenant.tenant_app, name="tenant")
app.add_typer(tenant.user_app, name="user")
app.add_typer(keys.app, name="keys")
app.add_typer(llm.app, name="llm")
app.add_typer(image_cli.app, name="image")
app.command("article")(article_cli.article)
app.add_typer(pipeline_cli.app, name="pipeline")
app.command("emulator")(emulator_cli.emulator)
