"""The dashboard: the Next.js production server of ``web/``, a child process of ``icop up``
that it starts after the API's services and stops with them. It proxies ``/api/v1`` to the
API, so the browser talks to one origin. Without Node.js or a built app, ``icop up`` goes on
without it and says why in one line."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from icop.config import Settings

# src/icop/runtime/web.py -> the checkout's root.
_CHECKOUT = Path(__file__).resolve().parents[3]
_NEXT_CLI = Path("node_modules/next/dist/bin/next")
BUILD_MARKER = Path(".next/BUILD_ID")


def web_dir(settings: Settings) -> Path:
    return settings.web_dir or _CHECKOUT / "web"


def _connect_host(host: str) -> str:
    """An address to reach a server bound to ``host`` (a wildcard bind is reached locally)."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - compared, not bound


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


@dataclass(frozen=True)
class Unavailable:
    """Why the dashboard is not served; ``icop up`` prints it and carries on."""

    reason: str


class Dashboard:
    """One ``next start`` process. ``start`` returns once it answers HTTP."""

    def __init__(self, settings: Settings, *, node: str, directory: Path, api_url: str) -> None:
        self.settings = settings
        self.node = node
        self.directory = directory
        self.api_url = api_url
        self.url = f"http://{_connect_host(settings.web_host)}:{settings.web_port}"
        self.log_path = settings.log_dir / "web.log"
        self._process: subprocess.Popen[bytes] | None = None

    @classmethod
    def prepare(cls, settings: Settings, api_url: str | None = None) -> Dashboard | Unavailable:
        """A dashboard ready to start, or the one-line reason it cannot be served here."""
        if not settings.web_enabled:
            return Unavailable("dashboard skipped: it is off (ICOP_WEB_ENABLED=false)")
        node = shutil.which("node")
        if node is None:
            return Unavailable(
                "dashboard skipped: Node.js is not installed (install Node.js 20+, then "
                "`make run` builds it)"
            )
        directory = web_dir(settings)
        if not (directory / _NEXT_CLI).is_file() or not (directory / BUILD_MARKER).is_file():
            return Unavailable(
                f"dashboard skipped: it is not built in {directory} (`make run` builds it)"
            )
        if not _port_free(settings.web_host, settings.web_port):
            return Unavailable(
                f"dashboard skipped: {settings.web_host}:{settings.web_port} is in use "
                "(ICOP_WEB_PORT picks another port)"
            )
        api = api_url or f"http://{_connect_host(settings.api_host)}:{settings.api_port}"
        return cls(settings, node=node, directory=directory, api_url=api)

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "NODE_ENV": "production",
            "NEXT_TELEMETRY_DISABLED": "1",
            "ICOP_API_URL": self.api_url,
            "ICOP_REFRESH_TOKEN_TTL_S": str(self.settings.refresh_token_ttl_s),
        }

    def start(self, timeout_s: float = 60.0) -> Dashboard:
        self.settings.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            # Node and the Next CLI that the project installed; arguments we built.
            self._process = subprocess.Popen(  # noqa: S603
                [
                    self.node,
                    str(self.directory / _NEXT_CLI),
                    "start",
                    "--hostname",
                    self.settings.web_host,
                    "--port",
                    str(self.settings.web_port),
                ],
                cwd=self.directory,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                # Its own session: Ctrl-C reaches icop up, which stops it after the API.
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                tail = self.log_path.read_text(errors="replace").strip().splitlines()[-3:]
                self._process = None
                raise RuntimeError("the dashboard exited during start-up: " + " | ".join(tail))
            if self._answers():
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"the dashboard did not answer in {timeout_s:.0f} s; see {self.log_path}"
        )

    def _answers(self) -> bool:
        try:
            return httpx.get(f"{self.url}/login", timeout=2).status_code < 500
        except httpx.HTTPError:
            return False

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self, timeout_s: float = 10.0) -> bool:
        """Stop the server if it runs; True when there was one to stop."""
        process, self._process = self._process, None
        if process is None:
            return False
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=timeout_s)
            except ProcessLookupError:
                process.wait(timeout=timeout_s)  # it ended between the check and the signal
        return True
