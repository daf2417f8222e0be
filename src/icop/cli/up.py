"""``icop up`` / ``icop down``: the embedded services and the API."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import typer
import uvicorn
from rich.markup import escape

from icop.cli.common import console, fail, friendly_errors, settings
from icop.cli.demo import DemoResult, run_demo
from icop.config import Settings
from icop.credentials.vault import build_keyring
from icop.db.engine import create_engine, create_sessionmaker, resolve_urls
from icop.emulators.platforms.server import EmulatorServer
from icop.errors import ICOPError
from icop.orchestrator.connection import LazyClient
from icop.runtime.services import start_services, stop_services, temporal_settings
from icop.runtime.web import Dashboard, Unavailable
from icop.syndication.platforms.factory import build_oauth_providers

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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie child of ours still answers kill(0); reap it if it is ours.
    try:
        reaped, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return reaped == 0


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
    llm: bool = typer.Option(
        True,
        "--llm/--no-llm",
        envvar="ICOP_LLM_AUTOSTART",
        help="Start the bundled local model server now (otherwise it starts on the first "
        "model call).",
    ),
    demo: bool = typer.Option(
        True,
        "--demo/--no-demo",
        help="Run the demo once the API is up: the workspace's plan (examples/plan.csv) to "
        "published posts on the platform emulator (foreground only: --detach never runs it).",
    ),
) -> None:
    """Start the embedded services and the API (foreground until Ctrl-C, or --detach)."""
    current = settings(serving=True)
    if host:
        current.api_host = host
    if port:
        current.api_port = port
    if detach:
        _up_detached(current, llm=llm)
    else:
        _up_foreground(current, llm=llm, demo=demo)


def _mail_note(current: Settings) -> str:
    if current.smtp_host:
        return f"account e-mails via SMTP {current.smtp_host}:{current.smtp_port}"
    return f"account e-mails kept in the local mail sink {current.mail_dir} (`icop mail list`)"


@friendly_errors
def _up_foreground(current: Settings, *, llm: bool, demo: bool = False) -> None:
    if not _port_free(current.api_host, current.api_port):
        raise fail(
            f"{current.api_host}:{current.api_port} is in use (is ICOP already running? "
            "`icop down` stops it; ICOP_API_PORT picks another port)"
        )
    what = "PostgreSQL, Temporal" + (" and the local model" if llm else "")
    with console.status(f"starting {what} …"):
        started = start_services(current, llm=llm)
    emulator = _start_emulator(current)
    if emulator is not None:
        started.notes.append(f"platform emulator at {emulator.url}")
    started.notes.append(_mail_note(current))
    for note in started.notes:
        console.print(f"  {note}")
    dashboard = _start_dashboard(current)
    current.run_dir.mkdir(parents=True, exist_ok=True)
    _pid_file(current).write_text(str(os.getpid()))
    if dashboard is not None:
        console.print(
            f"[bold green]dashboard[/] at [link]{dashboard.url}[/]  (sign up there; the API "
            f"is under the same origin at {dashboard.url}/api/v1)"
        )
    console.print(
        f"[bold green]ICOP is up[/] at [link]{current.base_url}[/]  "
        f"(API docs: {current.base_url}/docs)  Ctrl-C stops it."
    )
    from icop.api.app import create_app

    if demo:
        threading.Thread(target=_demo, args=(current,), name="icop-demo", daemon=True).start()

    def _terminated(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    # uvicorn re-raises the signal that stopped it once it has shut down; route SIGTERM into
    # an exception (as Ctrl-C already is) so the clean-up below still runs.
    signal.signal(signal.SIGTERM, _terminated)
    status = 0
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
    except (KeyboardInterrupt, SystemExit):
        status = 0
    except Exception:
        logging.getLogger(__name__).exception("the API stopped on an error")
        status = 1
    finally:
        # A second Ctrl-C or SIGTERM (make forwards one too) must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _pid_file(current).unlink(missing_ok=True)
        if dashboard is not None and dashboard.stop():
            console.print("stopped the dashboard")
        if emulator is not None:
            emulator.stop()
            console.print("stopped the platform emulator")
        for name in stop_services(current, only=started):
            console.print(f"stopped {name}")
    # The Temporal SDK's threads can abort interpreter finalisation (sdk-python#300): leave
    # without it; everything was shut down above.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _demo(current: Settings) -> None:
    """In the background of `icop up`, once /readyz answers: the plan to published posts."""
    deadline = time.monotonic() + 600
    while not _ready(current.base_url):
        if time.monotonic() > deadline:
            console.print("[bold red]demo skipped:[/] the API did not become ready")
            return
        time.sleep(1.0)
    try:
        result = asyncio.run(_run_demo(current))
    except Exception as error:  # the demo must never take the server down
        detail = error.detail if isinstance(error, ICOPError) else repr(error)
        console.print(f"[bold red]demo stopped:[/] {detail}  (the API keeps serving)")
        return
    console.print(result.table)
    for problem in result.problems:
        console.print(f"  [yellow]![/] {escape(problem)}", soft_wrap=True)
    console.print(
        f"demo: {result.posts_published} post(s) published on the platform emulator in "
        f"{result.seconds:.0f} s.  API docs: {current.base_url}/docs  ·  "
        f"posts on the emulator: {current.emulator_url}/_emulator/posts  ·  "
        f"`icop status` for the operator's view.  Ctrl-C stops everything."
    )


async def _run_demo(current: Settings) -> DemoResult:
    engine = create_engine(resolve_urls(current).app, current, pool_size=2, max_overflow=2)
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            return await run_demo(
                current,
                create_sessionmaker(engine),
                LazyClient(temporal_settings(current)),
                build_keyring(current),
                dict(build_oauth_providers(current, http)),
                console,
            )
    finally:
        await engine.dispose()


def _start_dashboard(current: Settings) -> Dashboard | None:
    """The web dashboard, when this machine can serve it; otherwise one line saying why, and
    ICOP runs without it."""
    prepared = Dashboard.prepare(current)
    if isinstance(prepared, Unavailable):
        console.print(f"  {prepared.reason}", soft_wrap=True)
        return None
    try:
        with console.status("starting the dashboard …"):
            return prepared.start()
    except RuntimeError as error:
        console.print(f"  dashboard skipped: {error}", soft_wrap=True)
        return None


def _start_emulator(current: Settings) -> EmulatorServer | None:
    """The embedded default for the social platforms: the local emulator, in this process
    (unless the platforms are real, or ICOP_PLATFORM_EMULATOR_URL names one elsewhere)."""
    if current.platforms != "emulator" or current.platform_emulator_url:
        return None
    if not _port_free(current.emulator_host, current.emulator_port):
        raise fail(
            f"the platform emulator's port {current.emulator_host}:{current.emulator_port} is "
            "in use (ICOP_EMULATOR_PORT picks another)"
        )
    return EmulatorServer(
        host=current.emulator_host,
        port=current.emulator_port,
        state_file=current.emulator_state_file,
    ).start()


@friendly_errors
def _up_detached(current: Settings, *, llm: bool) -> None:
    if _running_pid(current) is not None and _ready(current.base_url):
        console.print(f"ICOP is already running at {current.base_url}")
        return
    current.log_dir.mkdir(parents=True, exist_ok=True)
    log_path = current.log_dir / "icop.log"
    env = {
        **os.environ,
        "ICOP_API_HOST": current.api_host,
        "ICOP_API_PORT": str(current.api_port),
        "ICOP_LLM_AUTOSTART": str(llm).lower(),
    }
    with open(log_path, "ab") as log:
        # Never the demo: a detached start serves scripts, benchmarks and hosts, and the demo
        # would run the whole plan in the background (again after each restart), competing
        # with their work for the model.
        child = subprocess.Popen(
            [sys.executable, "-m", "icop", "up", "--no-demo"],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
        )
    # The first start may assemble the bundled model from its packages (a minute or two).
    deadline = time.monotonic() + 600
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
        # Wait for the process itself (it stops what it started before exiting), not for its
        # pid file, which it removes first.
        deadline = time.monotonic() + 60
        while _alive(pid):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                break
            time.sleep(0.2)
        _pid_file(current).unlink(missing_ok=True)
        console.print(f"stopped ICOP (pid {pid})")
    stopped = stop_services(current)
    for name in stopped:
        console.print(f"stopped {name}")
    if pid is None and not stopped:
        console.print("nothing was running")


def worker(
    queue: list[str] = typer.Option(
        [], "--queue", "-q", help="Task queue to serve (repeatable); default: all of them."
    ),
) -> None:
    """Run Temporal workers for some task queues in this process (production scaling: one
    process per queue and machine); until Ctrl-C or SIGTERM."""
    from icop.observability.metrics import start_metrics_server
    from icop.orchestrator.queues import TaskQueue, parse_queues
    from icop.runtime.orchestration import run_worker_queues

    current = settings(serving=True)
    try:
        queues = parse_queues(queue) if queue else list(TaskQueue)
    except ValueError as error:
        raise fail(str(error)) from None
    try:
        start_metrics_server(current.worker_metrics_port, current.worker_metrics_host)
    except OSError as error:
        raise fail(
            f"cannot serve /metrics on {current.worker_metrics_host}:"
            f"{current.worker_metrics_port} ({error.strerror}); set ICOP_WORKER_METRICS_PORT "
            "to a free port, or 0 for none"
        ) from None
    console.print(
        f"serving {', '.join(q.value for q in queues)} on {temporal_settings(current).target}"
    )
    run_worker_queues(current, queues)
