from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from temporalio.client import Client, WorkflowExecutionStatus

from icop.orchestrator.connection import TemporalSettings, connect
from icop.orchestrator.dev_server import DevServerProcess, EmbeddedTemporal
from icop.orchestrator.diagnostics import SYSTEM_TENANT, PingInput, PingWorkflow
from icop.orchestrator.exceptions import TemporalPortInUse, TemporalStartFailed
from tests.orchestrator.conftest import free_port

# Servers that stop answering must fail the test, not hang the run.
pytestmark = pytest.mark.timeout(120)

ROOT = Path(__file__).resolve().parents[2]


def test_server_is_recorded_under_home(
    embedded: EmbeddedTemporal, dev_server: DevServerProcess
) -> None:
    record = json.loads((embedded.home / "run" / "temporal.json").read_text())
    assert record["pid"] == dev_server.pid
    assert record["port"] == embedded.port
    assert record["db_path"] == str(embedded.home / "temporal" / "temporal.db")
    assert (embedded.home / "logs" / "temporal.log").exists()
    cmdline = psutil.Process(dev_server.pid).cmdline()
    assert "--headless" in cmdline
    assert cmdline[cmdline.index("--ip") : cmdline.index("--ip") + 2] == ["--ip", "127.0.0.1"]


def test_database_uses_wal(embedded: EmbeddedTemporal, dev_server: DevServerProcess) -> None:
    # Read-only peek at the live file: WAL allows a concurrent reader.
    with sqlite3.connect(f"file:{embedded.db_path}?mode=ro", uri=True) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_start_reuses_the_running_server(
    embedded: EmbeddedTemporal, dev_server: DevServerProcess
) -> None:
    again = EmbeddedTemporal(embedded.home, port=embedded.port)
    started = time.perf_counter()
    record = await again.start()
    assert record == dev_server
    assert time.perf_counter() - started < 1.0, "reuse must not start a second server"
    assert await again.healthy()


def test_another_process_reuses_it(
    embedded: EmbeddedTemporal, dev_server: DevServerProcess
) -> None:
    script = (
        "import asyncio, sys; from pathlib import Path; "
        "from icop.orchestrator.dev_server import EmbeddedTemporal; "
        "print(asyncio.run(EmbeddedTemporal(Path(sys.argv[1]), port=int(sys.argv[2])).start()).pid)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(embedded.home), str(embedded.port)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip().splitlines()[-1]) == dev_server.pid


async def test_same_home_on_another_port_is_refused(
    embedded: EmbeddedTemporal, dev_server: DevServerProcess
) -> None:
    with pytest.raises(TemporalPortInUse, match=f"ICOP_TEMPORAL_PORT={embedded.port}"):
        await EmbeddedTemporal(embedded.home, port=free_port()).start()


async def test_port_taken_by_another_program(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        server = EmbeddedTemporal(tmp_path, port=port)
        with pytest.raises(TemporalPortInUse, match=f"127.0.0.1:{port} is in use"):
            await server.start()
    assert not server.run_file.exists()
    assert server.running() is None


async def test_failed_start_reports_the_log(tmp_path: Path) -> None:
    false = shutil.which("false")
    assert false is not None
    server = EmbeddedTemporal(tmp_path, port=free_port(), binary=Path(false))
    with pytest.raises(TemporalStartFailed, match="exited during start-up") as caught:
        await server.start(timeout_s=10)
    assert "starting:" in caught.value.detail  # the log tail is in the message
    assert not server.run_file.exists()


def test_stale_run_file_is_discarded(tmp_path: Path) -> None:
    server = EmbeddedTemporal(tmp_path, port=free_port())
    gone = subprocess.Popen(["true"])
    gone.wait()
    server.run_file.parent.mkdir(parents=True)
    server.run_file.write_text(
        json.dumps(
            {
                "pid": gone.pid,
                "ip": "127.0.0.1",
                "port": server.port,
                "db_path": str(server.db_path),
                "binary": "temporal",
                "started_at": 0.0,
            }
        )
    )
    assert server.running() is None
    assert not server.run_file.exists()
    assert server.stop() is False


def test_stop_kills_a_server_that_ignores_sigterm(tmp_path: Path) -> None:
    server = EmbeddedTemporal(tmp_path, port=free_port())
    # Stands in for a wedged server: same shape of command line, deaf to SIGTERM.
    stubborn = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            "print('ready', flush=True); time.sleep(60)",
            "start-dev",
            str(server.db_path),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert stubborn.stdout is not None and stubborn.stdout.readline() == b"ready\n"
        server.run_file.parent.mkdir(parents=True)
        server.run_file.write_text(
            json.dumps(
                {
                    "pid": stubborn.pid,
                    "ip": "127.0.0.1",
                    "port": server.port,
                    "db_path": str(server.db_path),
                    "binary": "x",
                    "started_at": 0.0,
                }
            )
        )
        assert server.running() is not None
        started = time.monotonic()
        assert server.stop(timeout_s=0.5) is True
        assert stubborn.wait(timeout=5) == -signal.SIGKILL
        assert time.monotonic() - started < 5
    finally:
        if stubborn.poll() is None:
            stubborn.kill()
        stubborn.wait()


async def test_stop_then_restart_keeps_workflows(tmp_path: Path) -> None:
    server = EmbeddedTemporal(tmp_path / "home", port=free_port())
    started = time.perf_counter()
    first = await server.start()
    start_s = time.perf_counter() - started
    try:
        settings = TemporalSettings(home=server.home, port=server.port)
        client: Client = await connect(settings)
        # No worker serves this queue: the workflow stays open in the SQLite file.
        handle = await client.start_workflow(
            PingWorkflow.run, PingInput(tenant_id=SYSTEM_TENANT), id="survivor", task_queue="idle"
        )
        assert server.stop() is True
        assert not psutil.pid_exists(first.pid)
        assert server.running() is None and not server.run_file.exists()
        assert server.stop() is False

        second = await server.start()
        assert second.pid != first.pid
        client = await connect(settings)
        description = await client.get_workflow_handle(handle.id).describe()
        assert description.status == WorkflowExecutionStatus.RUNNING
    finally:
        server.stop()
    assert start_s < 15, f"first start took {start_s:.1f} s"


def test_stop_signal_reaches_only_the_server(
    embedded: EmbeddedTemporal, dev_server: DevServerProcess
) -> None:
    # The server runs in a session of its own: a Ctrl-C to our process group spares it.
    assert os.getsid(dev_server.pid) == dev_server.pid
    assert os.getpgid(dev_server.pid) != os.getpgid(0)
