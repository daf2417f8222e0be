"""``icop up`` / ``icop down``: the embedded services and the API."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import typer
import uvicorn

from icop.cli.common import console, fail, friendly_errors, settings
from icop.config import Settings
from icop.runtime.database import prepare_database, stop_embedded

PID_FILE = "icop.pid"


def _pid_file(current: Settings) -> Path:
    return current.run_dir / PID_FILE


def _running_pid(current: Settings) -> int | None:
    try:
        pid = int(_pid_file(current).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        _pid_file(current).unlink(missing_ok=True)
        return None
    return pid


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def up(
    detach: bool = typer.Option(
        False, "--detach", help="Start in the background and return once /readyz answers."
    ),
    host: str | None = typer.Option(None, help="Bind address (default ICOP_API_HOST)."),
    port: int | None = typer.Option(None, help="Port (default ICOP_API_PORT)."),
) -> None:
    """Start the embedded services and the API (foreground until Ctrl-C, or --detach)."""
    current = settings()
    if host:
        current.api_host = host
    if port:
        current.api_port = port
    if detach:
        _up_detached(current)
    else:
        _up_foreground(current)


@friendly_errors
def _up_foreground(current: Settings) -> None:
    if not _port_free(current.api_host, current.api_port):
        raise fail(
            f"{current.api_host}:{current.api_port} is in use (is ICOP already running? "
            "`icop down` stops it; ICOP_API_PORT picks another port)"
        )
    with console.status("starting PostgreSQL and migrating …"):
        status = prepare_database(current)
    current.run_dir.mkdir(parents=True, exist_ok=True)
    _pid_file(current).write_text(str(os.getpid()))
    console.print(
        f"[bold green]ICOP is up[/] at [link]{current.base_url}[/]  "
        f"(API docs: {current.base_url}/docs)  Ctrl-C stops it."
    )
    from icop.gateway.app import create_app

    try:
        uvicorn.Server(
            uvicorn.Config(
                create_app(current),
                host=current.api_host,
                port=current.api_port,
                log_config=None,
                access_log=False,
                lifespan="on",
            )
        ).run()
    finally:
        _pid_file(current).unlink(missing_ok=True)
        if status.started_embedded and stop_embedded(current):
            console.print("embedded PostgreSQL stopped")


@friendly_errors
def _up_detached(current: Settings) -> None:
    if _running_pid(current) is not None and _ready(current.base_url):
        console.print(f"ICOP is already running at {current.base_url}")
        return
    current.log_dir.mkdir(parents=True, exist_ok=True)
    log_path = current.log_dir / "icop.log"
    env = {**os.environ, "ICOP_API_HOST": current.api_host, "ICOP_API_PORT": str(current.api_port)}
    with open(log_path, "ab") as log:
        child = subprocess.Popen(
            [sys.executable, "-m", "icop", "up"],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
        )
    deadline = time.monotonic() + 180
    with console.status("waiting for /readyz …"):
        while time.monotonic() < deadline:
            if child.poll() is not None:
                tail = log_path.read_text(errors="replace").strip().splitlines()[-5:]
                raise fail("ICOP exited during start-up:\n  " + "\n  ".join(tail))
            if _ready(current.base_url):
                console.print(
                    f"[bold green]ICOP is up[/] at {current.base_url} "
                    f"(pid {child.pid}, log {log_path}); `icop down` stops it"
                )
                return
            time.sleep(0.3)
    child.terminate()
    raise fail(f"ICOP did not become ready in time; see {log_path}")


@friendly_errors
def down() -> None:
    """Stop the API started by `icop up` and the embedded services."""
    current = settings()
    pid = _running_pid(current)
    if pid is not None:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _running_pid(current) == pid:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            if _running_pid(current) == pid:
                os.kill(pid, signal.SIGKILL)
        _pid_file(current).unlink(missing_ok=True)
        console.print(f"stopped ICOP (pid {pid})")
    if stop_embedded(current):
        console.print("stopped embedded PostgreSQL")
    if pid is None:
        console.print("nothing else was running")
