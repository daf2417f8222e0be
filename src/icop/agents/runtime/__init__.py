"""Agent runtimes behind one interface (``AgentRuntime``), chosen by configuration:
``native`` (default) or ``crewai`` (optional extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from icop.agents.roles import RoleBook
from icop.agents.runtime.base import AgentResult, AgentRuntime
from icop.agents.runtime.native import NativeRuntime
from icop.llm.smart_router import SmartRouter

RuntimeName = Literal["native", "crewai"]
RUNTIMES: tuple[RuntimeName, ...] = ("native", "crewai")


def create_runtime(
    name: str,
    router: SmartRouter,
    roles: RoleBook | None = None,
    *,
    storage_dir: Path | None = None,
) -> AgentRuntime:
    """The runtime named by ``ICOP_AGENT_RUNTIME``. ``storage_dir`` is where CrewAI may write
    its files (e.g. ``ICOP_HOME/crewai``); the native runtime writes nothing."""
    if name == "native":
        return NativeRuntime(router, roles)
    if name == "crewai":
        # Imported here: the module imports nothing from crewai itself, but there is no reason
        # to load it in a worker that runs natively.
        from icop.agents.runtime.crewai import CrewAIRuntime

        return CrewAIRuntime(router, roles, storage_dir=storage_dir)
    raise ValueError(f"unknown agent runtime {name!r}; choose one of {', '.join(RUNTIMES)}")


__all__ = ["RUNTIMES", "AgentResult", "AgentRuntime", "NativeRuntime", "create_runtime"]
