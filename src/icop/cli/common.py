"""What every command shares: settings, a console, one-line errors, a unit of work."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar
from uuid import UUID

import typer
from rich.console import Console

from icop.config import Settings, get_settings
from icop.errors import ICOPError
from icop.logging import configure

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

console = Console()
error_console = Console(stderr=True)

P = ParamSpec("P")
T = TypeVar("T")


def settings(*, serving: bool = False) -> Settings:
    """The settings; logs at ICOP_LOG_LEVEL for servers, and only warnings for one-shot
    commands (their output is the console's)."""
    current = get_settings()
    configure(current.log_level if serving else "WARNING")
    return current


def fail(message: str) -> typer.Exit:
    error_console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code=1)


def friendly_errors(command: Callable[P, T]) -> Callable[P, T]:
    """Expected failures end the command with one line, not a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return command(*args, **kwargs)
        except ICOPError as error:
            raise fail(error.detail) from None
        except OSError as error:
            raise fail(str(error)) from None

    return wrapper


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


@asynccontextmanager
async def app_session(current: Settings, tenant_id: UUID | None) -> AsyncIterator[AsyncSession]:
    """A unit of work as the application role (row-level security applies, as for the API)."""
    # Imported here: every command imports this module, and only some use the database
    # (`icop status` must say the database is down without loading SQLAlchemy).
    from icop.db.engine import create_engine, create_sessionmaker
    from icop.db.session import unit_of_work
    from icop.runtime.database import prepare_database

    status = await asyncio.to_thread(prepare_database, current)
    engine = create_engine(
        status.urls.app, current, pool_size=1, max_overflow=0, application_name="icop-cli"
    )
    try:
        async with unit_of_work(create_sessionmaker(engine), tenant_id) as session:
            yield session
    finally:
        await engine.dispose()
