"""Commands imported when they run, not when ``icop`` starts.

Each command module imports its whole domain (the article command alone pulls SQLAlchemy,
Temporal, LangGraph and the model SDKs: seconds on a busy 2-core machine). The top-level group
therefore names its commands by where they live: ``icop --help`` lists them from the help text
stored here, and ``icop status`` imports the status module only (docs/architecture.md, "The
command line starts at once").
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True)
class LazyCommand:
    """A command of the top-level group, by name and address rather than imported."""

    name: str
    target: str
    """``module:attribute``: a command function, or a ``typer.Typer`` of sub-commands."""
    help: str
    """The first paragraph of the command's own help: the line ``icop --help`` shows for it
    (tests/cli/test_lazy_commands.py keeps the two the same)."""

    def load(self) -> TyperCommand | TyperGroup:
        """Import the command and build it exactly as ``app.command(name)`` or
        ``app.add_typer(sub_app, name=name)`` on the top-level app would."""
        module_name, _, attribute = self.target.partition(":")
        found = getattr(importlib.import_module(module_name), attribute)
        holder = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        if isinstance(found, typer.Typer):
            holder.add_typer(found, name=self.name)
        else:
            holder.command(self.name)(found)
        command = typer.main.get_group(holder).commands[self.name]
        assert isinstance(command, TyperCommand | TyperGroup)
        return command


class _Listed(TyperCommand):
    """What the group's help lists before the command is imported: its name and help."""

    def __init__(self, lazy: LazyCommand) -> None:
        super().__init__(lazy.name, help=lazy.help)
        self.lazy = lazy


class LazyGroup(TyperGroup):
    """A group whose commands (``lazy_commands``, in the order its help lists them) are
    imported on first use. Subclass it with the commands, and pass it as ``typer.Typer(cls=…)``.

    ``ctx`` and the returned commands are Typer's vendored click types, which Typer does not
    export under their names.
    """

    lazy_commands: ClassVar[tuple[LazyCommand, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._listing = False
        # In `commands` from the start, so "No such command … Did you mean …?" knows them all.
        for lazy in self.lazy_commands:
            self.add_command(_Listed(lazy), lazy.name)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = self.commands.get(cmd_name)
        if isinstance(command, _Listed) and not self._listing:
            command = self.commands[cmd_name] = command.lazy.load()
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        # The group's help needs each command's name and first paragraph only.
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False
