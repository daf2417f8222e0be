"""The ``icop`` command."""

from __future__ import annotations

import typer

from icop.cli import (
    article,
    db,
    design,
    emulator,
    evaluate,
    image,
    keys,
    llm,
    mail,
    ops,
    pipeline,
    status,
    tenant,
    up,
)

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
app.add_typer(image.app, name="image")
app.add_typer(design.app, name="design")
app.add_typer(mail.app, name="mail")
app.command("article")(article.article)
app.add_typer(pipeline.app, name="pipeline")
app.command("emulator")(emulator.emulator)
app.command("eval")(evaluate.evaluate_command)
