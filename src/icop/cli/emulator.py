"""``icop emulator``: the platform emulator as a foreground server."""

from __future__ import annotations

import typer
import uvicorn

from icop.cli.common import console, settings
from icop.emulators.platforms.app import create_app
from icop.emulators.platforms.persistence import StateKeeper, load_state


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
    state = load_state(current.emulator_state_file, seed=seed)
    keeper = StateKeeper(state, current.emulator_state_file).start()
    try:
        uvicorn.run(
            create_app(state),
            host=bind_host,
            port=bind_port,
            http="h11",
            lifespan="off",
            log_level="warning",
        )
    finally:
        keeper.stop()
