"""Services that tests start themselves — Debian's (RabbitMQ, Prometheus) and the API on a real
socket: loopback only, state in a temporary directory, stopped by PID or by the server's own
exit flag. ``scripts/system-deps.sh`` installs the Debian ones."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from icop.api.app import create_app
from icop.config import Settings
from icop.db.engine import DatabaseUrls, create_engine
from icop.orchestrator.connection import LazyClient, TemporalSettings
from icop.runtime.clients import Runtime
from tests.helpers import fake_providers

RABBITMQ_SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
RABBITMQCTL = Path("/usr/lib/rabbitmq/bin/rabbitmqctl")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def served_api(
    database_urls: DatabaseUrls,
    settings: Settings,
    *,
    temporal: TemporalSettings | None = None,
    port: int | None = None,
) -> Iterator[int]:
    """The API (the fake model providers, the app role's engine) served by uvicorn in a
    thread on a free loopback port (or ``port``), for clients outside the test's event loop (a
    browser, Prometheus); yields the port. With ``temporal`` it can start workflows and keep
    schedules there (a run it starts stays queued unless the test runs workers)."""
    port = port or free_port()
    runtime = Runtime.from_settings(
        settings, engine=create_engine(database_urls.app, settings), llm_providers=fake_providers()
    )
    if temporal is not None:
        runtime.temporal = LazyClient(temporal)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(runtime=runtime),
            host="127.0.0.1",
            port=port,
            log_config=None,
            lifespan="off",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the API did not start"
        time.sleep(0.05)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def require(binary: str | Path) -> None:
    if not (Path(binary).exists() if isinstance(binary, Path) else shutil.which(binary)):
        pytest.skip(f"{binary} is not installed: run scripts/system-deps.sh (make test does)")


def _stop(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@dataclass
class RabbitMQ:
    root: Path
    port: int
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def start(self, timeout: float = 60) -> None:
        log = open(self.root / "server.out", "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [str(RABBITMQ_SERVER)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=self.root,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while not port_open(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = (self.root / "server.out").read_text(errors="replace")[-2000:]
                self.stop()
                raise RuntimeError(f"RabbitMQ did not start:\n{tail}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            subprocess.run(
                [str(RABBITMQCTL), "stop"],
                env=self.env,
                capture_output=True,
                timeout=30,
                check=False,
            )
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        _stop(self.process)
        self.process = None

    def kill_epmd(self) -> None:
        epmd = shutil.which("epmd")
        if epmd:
            subprocess.run(
                [epmd, "-port", self.env["ERL_EPMD_PORT"], "-kill"],
                capture_output=True,
                timeout=10,
                check=False,
            )


@contextmanager
def rabbitmq(root: Path) -> Iterator[RabbitMQ]:
    require(RABBITMQ_SERVER)
    root.mkdir(parents=True, exist_ok=True)
    port, dist_port, epmd_port = free_port(), free_port(), free_port()
    (root / "enabled_plugins").write_text("[].\n")  # no management plugin
    (root / "rabbitmq-env.conf").write_text("")
    (root / "rabbitmq.conf").write_text(
        f"listeners.tcp.default = 127.0.0.1:{port}\nloopback_users.guest = true\n"
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(root),  # the Erlang cookie lives here, not in the user's home
        "RABBITMQ_CONF_ENV_FILE": str(root / "rabbitmq-env.conf"),
        "RABBITMQ_CONFIG_FILE": str(root / "rabbitmq.conf"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(root / "enabled_plugins"),
        "RABBITMQ_MNESIA_BASE": str(root / "mnesia"),
        "RABBITMQ_LOG_BASE": str(root / "log"),
        "RABBITMQ_NODENAME": f"icoptest{os.getpid()}@localhost",
        "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
        "RABBITMQ_NODE_PORT": str(port),
        "RABBITMQ_DIST_PORT": str(dist_port),
        "ERL_EPMD_PORT": str(epmd_port),
        "ERL_EPMD_ADDRESS": "127.0.0.1",
    }
    broker = RabbitMQ(root, port, env)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()
        broker.kill_epmd()
