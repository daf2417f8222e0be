"""Run the emulator with uvicorn in a background thread on a free port."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from icop.emulators.sheets.app import build_app
from icop.emulators.sheets.state import SheetsEmulator


class EmulatorServer:
    """The emulator on ``127.0.0.1:<free port>`` in a background thread."""

    def __init__(self, emulator: SheetsEmulator | None = None, *, host: str = "127.0.0.1") -> None:
        self.emulator = emulator or SheetsEmulator()
        self._host = host
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None

    @property
    def url(self) -> str:
        if self._port is None:
            raise RuntimeError("the emulator is not running")
        return f"http://{self._host}:{self._port}"

    def start(self, timeout_s: float = 10.0) -> str:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, 0))
        self._port = sock.getsockname()[1]
        self.emulator.base_url = self.url
        config = uvicorn.Config(build_app(self.emulator), log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True, name="sheets-emulator"
        )
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Sheets emulator did not start")
            time.sleep(0.01)
        return self.url

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def __enter__(self) -> EmulatorServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
