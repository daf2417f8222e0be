"""Lifecycle of the local llama.cpp server: start (or reuse), health, stop.

One server per ICOP home. ``<home>/run/llm-server.json`` (written by the server process once it
is up) says where it listens and what it serves, so ``icop up`` can start it detached, a later
``make run`` reuses it, and ``icop down`` stops it from another process. ``<home>/run/
llm-server.lock`` makes check-then-start atomic across processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psutil

from icop.llm.local._locks import file_lock
from icop.llm.local._worker import CONFIG_ENV
from icop.llm.local.assembly import ModelStore
from icop.llm.local.catalog import DEFAULT_MODEL
from icop.llm.local.errors import ServerConflict, ServerStartError

if TYPE_CHECKING:
    from icop.config import Settings

DEFAULT_PORT = 8786
NGRAM = "ngram"
"""``ServerConfig.speculative`` for prompt-lookup drafting (no draft model)."""


@dataclass(frozen=True)
class ServerConfig:
    home: Path = Path(".icop")
    # A catalog name or role, or a path to any local .gguf file.
    model: str = DEFAULT_MODEL
    host: str = "127.0.0.1"
    # Used when free; otherwise (or with 0) the OS picks a free port.
    port: int = DEFAULT_PORT
    # Three slots so the three writers of an article really decode at once.
    parallel: int = 3
    ctx_per_slot: int = 8192
    threads: int | None = None  # None: every core; generation is memory-bound, not thread-bound
    cache_ram_mib: int = 1024  # llama.cpp's host-side prompt cache (its default is 8 GiB)
    # Speculative decoding: None (off), "ngram" (drafts looked up in the prompt and the text so
    # far: no second model), or a draft model (catalog name or .gguf path) sharing the main
    # model's tokenizer. Measured in docs/adr/0018-the-local-default-model.md.
    speculative: str | None = None
    draft_max: int = 8  # tokens drafted per step; llama.cpp's default is 3
    api_key: str | None = None
    # OpenMP busy-wait rounds at barriers (see LocalServer._openmp_env); None: libgomp's default.
    omp_spin_count: int | None = 10_000
    startup_timeout_s: float = 180.0
    stop_timeout_s: float = 15.0
    # False: only already installed parts are used (no package index access at run time).
    allow_fetch: bool = True

    @property
    def run_dir(self) -> Path:
        return self.home.expanduser().resolve() / "run"

    @property
    def log_file(self) -> Path:
        return self.home.expanduser().resolve() / "logs" / "llm-server.log"


@dataclass(frozen=True)
class ServerState:
    """What the run file records about a live server."""

    pid: int
    create_time: float
    host: str
    port: int
    model: str
    model_path: str
    parallel: int
    ctx_per_slot: int
    threads: int
    started_at: float
    detached: bool
    speculative: str | None = None
    api_key: str | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @classmethod
    def read(cls, path: Path) -> ServerState | None:
        try:
            data = json.loads(path.read_text())
            return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})
        except (OSError, ValueError, TypeError):
            return None


def _process_matches(state: ServerState) -> bool:
    """The pid is alive and is the same process (not a recycled pid)."""
    try:
        process = psutil.Process(state.pid)
        return (
            abs(process.create_time() - state.create_time) < 1.0
            and process.status() != psutil.STATUS_ZOMBIE
        )
    except psutil.Error:
        return False


def _wait_gone(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        except psutil.Error:
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def check_health(base_url: str, timeout_s: float = 2.0) -> bool:
    # Imported here: asking whether a server runs (`icop status`) mostly ends at the run file,
    # and the HTTP client is a fifth of that command's start-up.
    import httpx

    try:
        response = httpx.get(f"{base_url}/health", timeout=timeout_s)
    except httpx.HTTPError:
        return False
    # llama.cpp answers 503 while loading; anything but a 200 "ok" is not ready.
    try:
        return response.status_code == 200 and bool(response.json().get("status") == "ok")
    except ValueError:
        return False


def _port_is_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


class _PortTaken(ServerStartError):
    pass


class LocalServer:
    """Handle on the one local server of a home; safe to create in many processes."""

    def __init__(self, config: ServerConfig | None = None, *, store: ModelStore | None = None):
        self.config = config or ServerConfig()
        self.store = store or ModelStore(self.config.home, allow_fetch=self.config.allow_fetch)
        self.state_file = self.config.run_dir / "llm-server.json"
        self._lock_file = self.config.run_dir / "llm-server.lock"
        self._process: subprocess.Popen[bytes] | None = None  # set when we started it
        self._cached: ServerState | None = None
        self._alock = asyncio.Lock()

    # -- inspection ---------------------------------------------------------------------------
    def status(self) -> ServerState | None:
        """The live, healthy server of this home, or None (a stale run file is removed)."""
        state = ServerState.read(self.state_file)
        if state is None:
            return None
        if not _process_matches(state):
            self._remove_state(state.pid)
            return None
        return state if check_health(state.base_url) else None

    def _live_or_cleared(self) -> ServerState | None:
        """Under the lock: the healthy server, after ending one that is alive but not answering
        (a hung server would otherwise hold its slots and its memory forever)."""
        state = ServerState.read(self.state_file)
        if state is None:
            # The worker writes it atomically: an unreadable file is debris, never "in progress".
            self.state_file.unlink(missing_ok=True)
            return None
        if not _process_matches(state):
            self._remove_state(state.pid)
            return None
        # /health is answered by the HTTP threads even while all slots decode, but a box under
        # load can be slow: give it ~15 s before calling it hung.
        for _ in range(5):
            if check_health(state.base_url, timeout_s=3.0):
                return state
            time.sleep(0.5)
        self._terminate(state.pid, None)
        self._remove_state(state.pid)
        return None

    def _compatible(self, state: ServerState, model_path: Path) -> bool:
        return (
            Path(state.model_path) == model_path
            and state.parallel == self.config.parallel
            and state.ctx_per_slot == self.config.ctx_per_slot
            and state.speculative == self.config.speculative
        )

    # -- start --------------------------------------------------------------------------------
    def start(self, *, detach: bool = False) -> ServerState:
        """Reuse the running server if it serves the same model and slots, else start one.

        ``detach=True`` (``icop up``) starts it in its own session so it outlives this process;
        otherwise it exits with this process (and on Ctrl-C in the same terminal).
        """
        model_path = self.store.resolve(self.config.model)
        timeout = self.config.startup_timeout_s + 30.0
        with file_lock(self._lock_file, timeout=timeout):
            running = self._live_or_cleared()
            if running is not None:
                if not self._compatible(running, model_path):
                    raise ServerConflict(
                        f"a server (pid {running.pid}) serves {running.model} with "
                        f"{running.parallel} slots x {running.ctx_per_slot} (speculative: "
                        f"{running.speculative or 'off'}); stop it first "
                        "(icop down) to serve another configuration"
                    )
                self._cached = running
                return running
            port = self.config.port
            if port and not _port_is_free(self.config.host, port):
                port = 0
            try:
                state = self._spawn(model_path, port, detach=detach)
            except _PortTaken:
                # Lost the race for the port between our probe and the server's bind.
                state = self._spawn(model_path, 0, detach=detach)
        self._cached = state
        return state

    def _draft_path(self) -> str | None:
        speculative = self.config.speculative
        if speculative is None or speculative == NGRAM:
            return None
        return str(self.store.resolve(speculative))

    def _spawn(self, model_path: Path, port: int, *, detach: bool) -> ServerState:
        config = self.config
        worker_config: dict[str, Any] = {
            "model": config.model,
            "alias": model_path.stem,
            "model_path": str(model_path),
            "host": config.host,
            "port": port,
            "parallel": config.parallel,
            "ctx_per_slot": config.ctx_per_slot,
            # The cores this process may run on (a container's CPU set), not the host's count.
            "threads": config.threads or len(os.sched_getaffinity(0)) or 1,
            "cache_ram_mib": config.cache_ram_mib,
            "speculative": config.speculative,
            "draft_path": self._draft_path(),
            "draft_max": config.draft_max,
            "api_key": config.api_key,
            "state_file": str(self.state_file),
            "parent_pid": 0 if detach else os.getpid(),
        }
        log_offset = self._rotate_log()
        with config.log_file.open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "icop.llm.local._worker"],
                env={**self._openmp_env(), **os.environ, CONFIG_ENV: json.dumps(worker_config)},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=detach,
                close_fds=True,
            )
        deadline = time.monotonic() + config.startup_timeout_s
        while time.monotonic() < deadline:
            if process.poll() is not None:
                tail = self._log_tail(log_offset)
                error = _PortTaken if port and "couldn't bind" in tail else ServerStartError
                raise error(
                    f"the server exited with code {process.returncode}: {tail}",
                    log_file=str(config.log_file),
                )
            state = ServerState.read(self.state_file)
            if state is not None and state.pid == process.pid and check_health(state.base_url):
                self._process = process
                return state
            time.sleep(0.05)
        self._terminate(process.pid, process)
        raise ServerStartError(
            f"the server was not healthy after {config.startup_timeout_s:.0f}s: "
            f"{self._log_tail(log_offset)}",
            log_file=str(config.log_file),
        )

    def _openmp_env(self) -> dict[str, str]:
        """Defaults for llama.cpp's OpenMP threads; the caller's own environment still wins.

        libgomp spins 300,000 rounds at every barrier before sleeping. With one thread per core,
        any other busy process (Postgres, a worker, a test run) preempts a thread and its partner
        spins away its time slice: measured on 2 cores under load, 0.7 tok/s instead of 21. A
        short spin keeps ~87% of the idle speed and degrades gracefully (~4-5 tok/s under the
        same load); passive waiting (0) holds up best under load (~7) but costs a third idle.
        """
        if self.config.omp_spin_count is None:
            return {}
        return {"GOMP_SPINCOUNT": str(self.config.omp_spin_count)}

    def _rotate_log(self, limit: int = 20 * 1024 * 1024) -> int:
        """Keep one previous log: llama.cpp logs every request. Returns where this run starts."""
        log = self.config.log_file
        log.parent.mkdir(parents=True, exist_ok=True)
        try:
            size = log.stat().st_size
        except FileNotFoundError:
            return 0
        if size <= limit:
            return size
        os.replace(log, log.with_name(log.name + ".1"))
        return 0

    def _log_tail(self, offset: int, limit: int = 1200) -> str:
        try:
            with self.config.log_file.open("rb") as handle:
                handle.seek(offset)
                text = handle.read().decode(errors="replace")
        except OSError:
            return "(no log)"
        lines = [line for line in text.splitlines() if " E " in line or "icop-llm" in line]
        return ("\n".join(lines) or text)[-limit:]

    # -- stop ---------------------------------------------------------------------------------
    def stop(self) -> bool:
        """Stop this home's server, whoever started it. True when one was running."""
        with file_lock(self._lock_file, timeout=self.config.stop_timeout_s * 4):
            state = ServerState.read(self.state_file)
            owned = self._process
            self._process = None
            self._cached = None
            if state is None or not _process_matches(state):
                if state is not None:
                    self._remove_state(state.pid)
                if owned is not None and owned.poll() is None:
                    self._terminate(owned.pid, owned)
                    return True
                return False
            self._terminate(state.pid, owned if owned and owned.pid == state.pid else None)
            self._remove_state(state.pid)
            return True

    def close(self) -> None:
        """Stop the server only if this handle started it attached (the lazy-start case)."""
        if self._process is not None and self._process.poll() is None:
            self.stop()

    def _terminate(self, pid: int, process: subprocess.Popen[bytes] | None) -> None:
        """SIGTERM, then SIGKILL after the grace period; reaps our own child."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        if process is not None:
            try:
                process.wait(self.config.stop_timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            return
        # Not our child (started by another process): poll. A zombie counts as gone, since its
        # reaper may be an init that never reaps.
        if not _wait_gone(pid, self.config.stop_timeout_s):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            _wait_gone(pid, self.config.stop_timeout_s)

    def _remove_state(self, pid: int) -> None:
        state = ServerState.read(self.state_file)
        if state is not None and state.pid == pid:
            self.state_file.unlink(missing_ok=True)

    # -- async, lazy use ----------------------------------------------------------------------
    async def endpoint(self) -> tuple[str, str | None]:
        """(base URL, API key), starting the server on first use; cheap once it is known."""
        if self._cached is None:
            async with self._alock:
                if self._cached is None:
                    self._cached = await asyncio.to_thread(self.start)
        return self._cached.base_url, self._cached.api_key

    def invalidate(self) -> None:
        """Forget the cached endpoint so the next call re-checks (and restarts if needed)."""
        self._cached = None


def local_llm_server(settings: Settings) -> LocalServer:
    """The bundled model's server as the platform's settings describe it. Here rather than
    in icop.llm.registry (which re-exports it), so that ``icop status`` can ask whether it
    runs without importing the router, its database sinks and the SDKs."""
    return LocalServer(
        ServerConfig(
            home=settings.home,
            model=settings.llm_local_model,
            port=settings.llm_local_port,
            parallel=settings.llm_local_parallel,
            ctx_per_slot=settings.llm_local_ctx_per_slot,
            speculative=settings.llm_local_speculative,
        )
    )
