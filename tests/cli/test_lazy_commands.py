"""``icop`` imports a command when it runs: ``icop --help`` loads no domain, ``icop status``
with nothing running loads neither SQLAlchemy, the Temporal SDK nor an HTTP client, and what
the help lists for each command is still the command's own help."""

from __future__ import annotations

import importlib
import inspect
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import typer
import typer.main
from typer.core import TyperGroup
from typer.testing import CliRunner

import icop
from icop.cli.lazy import LazyCommand
from icop.cli.main import _Commands, app

SOURCE = Path(icop.__file__).resolve().parents[1]
# What made `icop --help` take 6 s: none of it is needed to list the commands or to say
# that the services are down.
HEAVY = (
    "sqlalchemy",
    "alembic",
    "asyncpg",
    "psycopg",
    "temporalio",
    "langgraph",
    "langchain_core",
    "openai",
    "anthropic",
    "fastapi",
    "uvicorn",
    "cryptography",
    "PIL",
    "numpy",
    "torch",
    "sentence_transformers",
    "icop.models",
    "icop.runtime.database",
    "icop.llm.registry",
    "httpx",  # a closed local port needs no HTTP client
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(tmp_path: Path, *args: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """``python -m icop ARGS`` in a fresh process (this test process has long imported
    everything) with an empty home and nothing listening, and the modules its ``import``
    statements loaded (``-X importtime``; a command loaded by ``importlib`` is not listed
    itself, only what it imports)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("ICOP_", "TEMPORAL_")) and name != "DATABASE_URL"
    }
    env.update(
        PYTHONPATH=str(SOURCE),
        ICOP_HOME=str(tmp_path / "home"),
        ICOP_API_PORT=str(_free_port()),
        ICOP_EMULATOR_PORT=str(_free_port()),
        ICOP_LLM_LOCAL_PORT=str(_free_port()),
    )
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "icop", *args],
        env=env,
        cwd=tmp_path,  # no .env
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert lines, done.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in lines}, done


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(
        name for name in names if any(m == name or m.startswith(f"{name}.") for m in modules)
    )


def test_help_imports_no_command(tmp_path: Path) -> None:
    modules, done = _run(tmp_path, "--help")
    assert done.returncode == 0 and "pipeline" in done.stdout, done.stdout + done.stderr[-2000:]
    assert _loaded(modules, HEAVY) == []
    assert sorted(m for m in modules if m.startswith("icop")) == [
        "icop",
        "icop.cli",
        "icop.cli.lazy",
        "icop.cli.main",
    ]


def test_status_with_nothing_running_imports_neither_database_nor_temporal(
    tmp_path: Path,
) -> None:
    modules, done = _run(tmp_path, "status")
    assert done.returncode == 1, done.stdout + done.stderr[-2000:]
    for service in ("PostgreSQL", "API", "local model", "platform emulator", "Temporal"):
        assert re.search(rf"{service} +│ down", done.stdout), done.stdout
    assert _loaded(modules, HEAVY) == []


def _first_paragraph(text: str) -> str:
    return inspect.cleandoc(text).split("\n\n")[0]


def test_each_listed_help_is_the_commands_own() -> None:
    for lazy in _Commands.lazy_commands:
        command = lazy.load()
        assert command.name == lazy.name
        own = command.short_help or command.help or ""
        assert _first_paragraph(own) == _first_paragraph(lazy.help), lazy.name


def _eager(commands: tuple[LazyCommand, ...]) -> typer.Typer:
    """The top-level app as it was: every command imported and registered up front."""
    eager = typer.Typer(
        name="icop",
        help=app.info.help if isinstance(app.info.help, str) else None,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    for lazy in commands:
        module, _, attribute = lazy.target.partition(":")
        found = getattr(importlib.import_module(module), attribute)
        if isinstance(found, typer.Typer):
            eager.add_typer(found, name=lazy.name)
        else:
            eager.command(lazy.name)(found)
    return eager


def test_the_help_reads_as_when_every_command_was_imported() -> None:
    runner = CliRunner()
    for args in (["--help"], [], ["statsu"], ["db"], ["image", "--help"], ["status", "--help"]):
        lazy = runner.invoke(app, args, terminal_width=100)
        eager = runner.invoke(_eager(_Commands.lazy_commands), args, terminal_width=100)
        assert (lazy.exit_code, lazy.output) == (eager.exit_code, eager.output), args
    assert "Did you mean 'status'?" in runner.invoke(app, ["statsu"]).output


def test_a_command_runs_once_imported() -> None:
    result = CliRunner().invoke(app, ["keys", "generate"])
    assert result.exit_code == 0 and result.output.strip().startswith("k"), result.output
    group = typer.main.get_group(app)
    keys = group.get_command(typer.Context(group), "keys")
    assert isinstance(keys, TyperGroup) and set(keys.commands) == {"rotate", "generate"}
    assert group.get_command(typer.Context(group), "nope") is None
