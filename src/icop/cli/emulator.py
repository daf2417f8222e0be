"""``icop emulator``: the platform emulator as a foreground server."""

from __future__ import annotations

import typer
import uvicorn

from icop.cli.common import console, settings
from icop.emulators.platforms.app import create_app
from icop.emulators.platforms.state import EmulatorState


def emulator(
    host: str = typer.Option(None, help="Address to bind (default: ICOP_EMULATOR_HOST)."),
    port: int = typer.Option(None, help="Port (default: ICOP_EMULATOR_PORT)."),
    seed: int = typer.Option(7, help="Seed of the fault-injection draws."),
) -> None:
    """Serve emulated Facebook Pages, Instagram, Threads and X APIs for offline publishing."""
    current = settings()
    bind_host = host or current.emulator_host
    bind_port = port or current.emulator_port
    console.print(
        f"platform emulator on http://{bind_host}:{bind_port} — set "
        f"ICOP_PLATFORM_EMULATOR_URL=http://{bind_host}:{bind_port} to use it"
    )
    uvicorn.run(
        create_app(EmulatorState(seed=seed)),
        host=bind_host,
        port=bind_port,
        http="h11",
        lifespan="off",
        log_level="warning",
    )
