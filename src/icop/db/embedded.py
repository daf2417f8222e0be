"""The embedded PostgreSQL 16 (+ pgvector) from the ``pgserver`` wheel, run by us.

We use pgserver's binaries but not its process manager: its ``get_server`` ties the server's
life to atexit hooks of whichever Python process touched it last, while ICOP needs one server
that outlives CLI invocations (``icop up --detach``) and stops only on ``icop down``.
The server listens on a unix socket inside ``ICOP_HOME`` and on no TCP port, so two homes on
one machine never collide.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import pwd
import signal
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from icop.errors import ConfigurationError

logger = logging.getLogger(__name__)

SUPERUSER = "postgres"
# Unix socket paths are limited to 107 bytes; deep checkouts fall back to a short /tmp path.
_MAX_SOCKET_PATH = 100
_SERVICE_USER = "pgserver"


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pgserver_utils() -> Any:
    # pgserver's package import probes XDG_RUNTIME_DIR for its own process manager, which we
    # do not use; keep its warning out of our output.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver.utils

    return pgserver.utils


def _bin_dir() -> Path:
    _pgserver_utils()
    from pgserver._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


@dataclass(frozen=True)
class EmbeddedPostgres:
    home: Path

    @property
    def root(self) -> Path:
        return self.home / "postgres"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "postgres.log"

    @property
    def socket_dir(self) -> Path:
        preferred = self.root / "run"
        if len(str(preferred / ".s.PGSQL.5432")) <= _MAX_SOCKET_PATH:
            return preferred
        digest = hashlib.sha256(str(self.root).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"icop-pg-{digest}"

    def dsn(self, user: str, database: str, driver: str = "postgresql") -> str:
        # asyncpg and psycopg both accept a socket directory as the host query parameter.
        return f"{driver}://{user}@/{database}?host={self.socket_dir}"

    def bin(self, name: str) -> Path:
        return _bin_dir() / name

    # -- lifecycle -----------------------------------------------------------------------------

    def is_running(self) -> bool:
        pid = self._postmaster_pid()
        if pid is None:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return (self.socket_dir / ".s.PGSQL.5432").exists()

    def start(self, timeout_s: float = 30.0) -> None:
        """Initialise (first time) and start the server; a no-op when it already runs."""
        self.root.mkdir(parents=True, exist_ok=True)
        with self._lock():
            if self.is_running():
                return
            service_user = self._service_user()
            self._prepare_dirs(service_user)
            if not (self.data_dir / "PG_VERSION").exists():
                self._initdb(service_user)
            options = (
                f"-c listen_addresses='' -k {self.socket_dir} "
                "-c max_connections=200 -c shared_buffers=128MB "
                "-c log_min_messages=warning -c log_statement=none"
            )
            self._run(
                service_user,
                [
                    str(self.bin("pg_ctl")),
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.log_file),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    str(int(timeout_s)),
                    "start",
                ],
                timeout=timeout_s + 5,
                what="start the embedded PostgreSQL",
            )
            deadline = time.monotonic() + timeout_s
            while not self.is_running():
                if time.monotonic() > deadline:
                    raise ConfigurationError(
                        f"embedded PostgreSQL did not become ready; see {self.log_file}"
                    )
                time.sleep(0.05)
            logger.info("embedded PostgreSQL started", extra={"data_dir": str(self.data_dir)})

    def stop(self, timeout_s: float = 30.0) -> bool:
        """Stop the server (fast shutdown). Returns False when it was not running.

        Signals the postmaster directly (SIGINT is PostgreSQL's "fast" shutdown) rather than
        running pg_ctl as the service user, which needs to traverse every parent directory of
        the data directory; a parent's permissions may have changed since the start.
        """
        if not self.root.exists():
            return False  # never started under this home
        with self._lock():
            pid = self._postmaster_pid()
            if pid is None or not self.is_running():
                return False
            os.kill(pid, signal.SIGINT)
            deadline = time.monotonic() + timeout_s
            while _process_exists(pid):
                if time.monotonic() > deadline:
                    # Immediate shutdown: crash recovery on the next start, no data loss.
                    os.kill(pid, signal.SIGQUIT)
                    raise ConfigurationError(
                        f"embedded PostgreSQL did not stop in {timeout_s:.0f} s; sent SIGQUIT "
                        f"(log: {self.log_file})"
                    )
                time.sleep(0.05)
            return True

    # -- internals -----------------------------------------------------------------------------

    def _postmaster_pid(self) -> int | None:
        try:
            first_line = (self.data_dir / "postmaster.pid").read_text().splitlines()[0]
            return int(first_line.strip())
        except (FileNotFoundError, IndexError, ValueError, PermissionError):
            return None

    @contextmanager
    def _lock(self) -> Iterator[None]:
        with open(self.root / ".lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @staticmethod
    def _service_user() -> str | None:
        """PostgreSQL refuses to run as root: as root we run it as pgserver's system user."""
        if os.geteuid() != 0:
            return None
        _pgserver_utils().ensure_user_exists(_SERVICE_USER)
        return _SERVICE_USER

    def _prepare_dirs(self, service_user: str | None) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if service_user is None:
            self.data_dir.chmod(0o700)
            return
        ensure_prefix_permissions = _pgserver_utils().ensure_prefix_permissions
        account = pwd.getpwnam(service_user)
        # The service user must traverse every parent of its data and socket directories.
        ensure_prefix_permissions(self.data_dir)
        ensure_prefix_permissions(self.socket_dir)
        for path in (self.data_dir, self.socket_dir):
            os.chown(path, account.pw_uid, account.pw_gid)
        self.data_dir.chmod(0o700)
        self.socket_dir.chmod(0o755)
        self.log_file.touch(exist_ok=True)
        os.chown(self.log_file, account.pw_uid, account.pw_gid)

    def _initdb(self, service_user: str | None) -> None:
        self._run(
            service_user,
            [
                str(self.bin("initdb")),
                "-D",
                str(self.data_dir),
                "-U",
                SUPERUSER,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-instructions",
            ],
            timeout=120,
            what="initialise the embedded PostgreSQL data directory",
        )

    def _run(self, service_user: str | None, argv: list[str], *, timeout: float, what: str) -> None:
        # Files, not pipes: the postmaster inherits pg_ctl's stdout, so a pipe would never close.
        with tempfile.TemporaryFile("w+") as output:
            try:
                subprocess.run(  # noqa: S603 - argv built from our own paths
                    argv,
                    check=True,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    text=True,
                    timeout=timeout,
                    user=service_user,
                    cwd=self.root,
                )
            except subprocess.CalledProcessError as error:
                output.seek(0)
                tail = output.read().strip().splitlines()[-5:]
                raise ConfigurationError(
                    f"could not {what}: {' / '.join(tail)} (log: {self.log_file})"
                ) from error
            except subprocess.TimeoutExpired as error:
                raise ConfigurationError(
                    f"timed out trying to {what} (log: {self.log_file})"
                ) from error
