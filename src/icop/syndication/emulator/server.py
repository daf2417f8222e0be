"""Running the emulator inside another process: tests, the benchmark, ``icop up``."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from icop.syndication.emulator.app import create_app
from icop.syndication.emulator.state import EmulatorState


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class EmulatorServer:
    """uvicorn in a daemon thread. ``state`` is the live emulator state, shared with the thread
    (it has its own lock), so a test can inspect or arrange it directly."""

    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 0, state: EmulatorState | None = None
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.state = state or EmulatorState()
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
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
