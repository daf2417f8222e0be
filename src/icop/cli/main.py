"""The ``icop`` command.

Its commands are imported when they run (icop.cli.lazy): ``icop --help`` and ``icop status``
start in well under a second instead of importing every domain first.
"""

from __future__ import annotations

import typer

from icop.cli.lazy import LazyCommand, LazyGroup


class _Commands(LazyGroup):
    # The order `icop --help` lists them in: the single commands, then the groups.
    lazy_commands = (
        LazyCommand(
            "up",
            "icop.cli.up:up",
            "Start the embedded services and the API (foreground until Ctrl-C, or --detach).",
        ),
        LazyCommand(
            "down",
            "icop.cli.up:down",
            "Stop the API started by `icop up` and the embedded services.",
        ),
        LazyCommand(
            "status",
            "icop.cli.status:status",
            "Services, queues and pollers, running workflows, recent failures, unconfirmed posts.",
        ),
        LazyCommand(
            "worker",
            "icop.cli.up:worker",
            "Run Temporal workers for some task queues in this process (production scaling: one\n"
            "process per queue and machine); until Ctrl-C or SIGTERM.",
        ),
        LazyCommand(
            "relay",
            "icop.cli.ops:relay",
            "Publish outbox events to RabbitMQ (AMQP_URL) until Ctrl-C: a dedicated relay "
            "process\n(set ICOP_OUTBOX_RELAY_IN_WORKERS=false on the others, or keep both: rows "
            "are locked).",
        ),
        LazyCommand(
            "backup",
            "icop.cli.ops:backup",
            "Write the database, the local media files and the keys into one .tar.gz.",
        ),
        LazyCommand(
            "restore",
            "icop.cli.ops:restore",
            "Restore a backup into an empty home or database (or replace one with --force).",
        ),
        LazyCommand(
            "resume",
            "icop.cli.ops:resume",
            "After a restore that lost the workflow engine's history: re-create the schedules and\n"
            "restart unfinished articles and unsent posts (a post due before now is looked for\n"
            "on its platform first, so nothing is posted twice).",
        ),
        LazyCommand(
            "article",
            "icop.cli.article:article",
            "Research, write (three writers), edit, illustrate and format one article.",
        ),
        LazyCommand(
            "video",
            "icop.cli.video:video",
            "Make a short vertical video (1080x1920, H.264/AAC) from an article.",
        ),
        LazyCommand(
            "emulator",
            "icop.cli.emulator:emulator",
            "Serve emulated Facebook Pages, Instagram, Threads and X APIs for offline publishing.",
        ),
        LazyCommand(
            "eval",
            "icop.cli.evaluate:evaluate_command",
            "Write and score one article per evaluation topic (fresh tenant, its reference "
            "documents).",
        ),
        LazyCommand("articles", "icop.cli.agents:articles_app", "Articles written so far."),
        LazyCommand(
            "agents",
            "icop.cli.agents:app",
            "The agents: their graph and the workflows around it.",
        ),
        LazyCommand("db", "icop.cli.db:app", "Database schema: migrate, downgrade, reset."),
        LazyCommand("tenant", "icop.cli.tenant:tenant_app", "Tenants."),
        LazyCommand("user", "icop.cli.tenant:user_app", "Users."),
        LazyCommand("keys", "icop.cli.keys:app", "Credential vault keys."),
        LazyCommand(
            "llm",
            "icop.cli.llm:app",
            "Language models: the bundled catalog, chat, and the writers' leaderboard.",
        ),
        LazyCommand(
            "image",
            "icop.cli.image:app",
            'Images: `icop image "PROMPT"` generates one, `icop image convert IN OUT` converts.',
        ),
        LazyCommand(
            "design",
            "icop.cli.design:app",
            'Designs: `icop design command ID "make the title bigger"`, `icop design render ID '
            "OUT.jpg`.",
        ),
        LazyCommand(
            "brand",
            "icop.cli.brand:app",
            "Brand kit: `icop brand learn --logo F --sample F …`, proposals, accept/reject, "
            "versions, diff, rollback.",
        ),
        LazyCommand("mail", "icop.cli.mail:app", "E-mails in the local mail sink."),
        LazyCommand(
            "analytics",
            "icop.cli.analytics:app",
            "Superset's eight dashboards over the read-only analytics views (up, down).",
        ),
        LazyCommand(
            "pipeline",
            "icop.cli.pipeline:app",
            "Content pipelines: a plan (sheet or file) → sub-topics → articles.",
        ),
        LazyCommand(
            "trends",
            "icop.cli.trends:app",
            "Trends: the nightly TrendPipeline (collect → clean → embed → ingest → cluster).",
        ),
    )


def _no_options() -> None:
    # Typer builds a group only for an app with a callback or registered commands; this one's
    # commands are all lazy, so it gets a callback that takes and does nothing.
    pass


app = typer.Typer(
    name="icop",
    help="ICOP: Intelligent Content Orchestration Platform.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=_Commands,
    callback=_no_options,
)
