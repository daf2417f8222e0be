"""Starting and stopping the embedded services that ``icop up`` runs and ``icop down`` stops:
PostgreSQL, the Temporal dev server and the local model server. Each is reused when it is
already running under this ``ICOP_HOME`` and left alone when a production backend is set."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from icop.config import Settings
from icop.llm.local.server import local_llm_server
from icop.orchestrator.connection import TemporalSettings
from icop.orchestrator.dev_server import EmbeddedTemporal, ensure_server


@dataclass
class StartedServices:
    """What this process started (and so stops when it exits)."""

    database: bool = False
    temporal: bool = False
    llm: bool = False
    notes: list[str] = field(default_factory=list)


def temporal_settings(settings: Settings) -> TemporalSettings:
    return TemporalSettings.from_env(home=settings.home)


def start_services(settings: Settings, *, llm: bool) -> StartedServices:
    # Imported here, as in stop_services: `icop status` reads temporal_settings from this
    # module and must not load SQLAlchemy and Alembic to say that nothing runs.
    from icop.runtime.database import prepare_database

    started = StartedServices()
    started.database = prepare_database(settings).started_embedded
    temporal = temporal_settings(settings)
    if temporal.embedded:
        was_running = EmbeddedTemporal.from_settings(temporal).running() is not None
        asyncio.run(ensure_server(temporal))
        started.temporal = not was_running
        started.notes.append(f"Temporal dev server at {temporal.target}")
    else:
        started.notes.append(f"Temporal cluster at {temporal.target}")
    if llm:
        llm_server = local_llm_server(settings)
        llm_was_running = llm_server.status() is not None
        state = llm_server.start(detach=True)
        started.llm = not llm_was_running
        started.notes.append(
            f"local model {state.model} at {state.base_url} ({state.parallel} parallel slots)"
        )
    return started


def stop_services(settings: Settings, only: StartedServices | None = None) -> list[str]:
    """Stop the embedded services (all of them, or those ``only`` says this process started)."""
    from icop.runtime.database import stop_embedded

    stopped: list[str] = []
    if (only is None or only.llm) and local_llm_server(settings).stop():
        stopped.append("local model server")
    temporal = temporal_settings(settings)
    if (
        temporal.embedded
        and (only is None or only.temporal)
        and EmbeddedTemporal.from_settings(temporal).stop()
    ):
        stopped.append("Temporal dev server")
    if (only is None or only.database) and stop_embedded(settings):
        stopped.append("embedded PostgreSQL")
    return stopped
