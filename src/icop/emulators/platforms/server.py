"""Running the emulator from another program: in a thread of the caller (tests, ``icop up``)
or as a child process (the benchmark, long end-to-end runs)."""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import uvicorn

from icop.emulators.platforms.app import create_app
from icop.emulators.platforms.persistence import StateKeeper, load_state
from icop.emulators.platforms.state import EmulatorState


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class EmulatorServer:
    """uvicorn in a daemon thread. ``state`` is the live emulator state, shared with the thread
    (it has its own lock), so a test can inspect or arrange it directly."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        state: EmulatorState | None = None,
        state_file: Path | None = None,
    ) -> None:
        """``state_file``: keep the state there across restarts (``icop up``); tests leave it
        out and start from nothing."""
        self.host = host
        self.port = port or free_port(host)
        if state is None and state_file is not None:
            state = load_state(state_file)
        self.state = state or EmulatorState()
        self._keeper = StateKeeper(self.state, state_file) if state_file is not None else None
        config = uvicorn.Config(
            create_app(self.state),
            host=self.host,
            port=self.port,
            # h11: a dropped response (fault drop_after_create) must close the socket the same
            # way on every machine.
            http="h11",
            lifespan="off",
            log_level="warning",
            access_log=False,
            # A handler sleeping in a "timeout" fault must not hold up stop().
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout_s: float = 10.0) -> EmulatorServer:
        self._thread = threading.Thread(
            target=self._server.run, name="icop-platform-emulator", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the platform emulator did not start on {self.url}")
            time.sleep(0.02)
        if self._keeper is not None:
            self._keeper.start()
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self._keeper is not None:
            self._keeper.stop()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class EmulatorProcess:
    """The emulator in a child process, as ``icop emulator`` runs it: for the benchmark and the
    long end-to-end runs, where an in-process server would share the GIL with the publisher it
    is measuring. Its state is reached through the ``/_emulator`` admin API only."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, seed: int = 7) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.seed = seed
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout_s: float = 30.0) -> EmulatorProcess:
        # Our own interpreter and module, no shell: nothing here comes from outside.
        self._process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "icop.emulators.platforms",
                "--host",
                self.host,
                "--port",
                str(self.port),
                "--seed",
                str(self.seed),
            ]
        )
        deadline = time.monotonic() + timeout_s
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"the platform emulator exited with {self._process.returncode}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    return self
            except OSError as error:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"the platform emulator did not start on {self.url}"
                    ) from error
                time.sleep(0.05)

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def __enter__(self) -> EmulatorProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="The platform emulator (EmulatorProcess).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    uvicorn.run(
        create_app(EmulatorState(seed=options.seed)),
        host=options.host,
        port=options.port,
        http="h11",
        lifespan="off",
        log_level="error",
        access_log=False,
        timeout_graceful_shutdown=1,
    )
