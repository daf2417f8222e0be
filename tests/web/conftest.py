"""The dashboard under test: its build (scripts/web.sh, a no-op when `make test` already built
it), the real API in a uvicorn thread (embedded PostgreSQL, the fake model provider) and the
Next.js production server in front of it, started by the same code `icop up` uses."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from icop.config import Settings
from icop.db.engine import DatabaseUrls
from icop.runtime.web import Dashboard, Unavailable
from tests.system_services import free_port, served_api

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"


def require_node() -> str:
    node = shutil.which("node")
    if node is None or shutil.which("npm") is None:
        pytest.skip("Node.js is not installed: the dashboard is not part of this installation")
    return node


@pytest.fixture(scope="session")
def built_web() -> Path:
    """web/ installed and built from the current sources (scripts/web.sh skips what is done)."""
    require_node()
    result = subprocess.run(
        ["sh", str(ROOT / "scripts/web.sh"), "build"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return WEB


@pytest.fixture(scope="module")
def live_api(database_urls: DatabaseUrls, settings: Settings) -> Iterator[str]:
    with served_api(database_urls, settings) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def dashboard(
    built_web: Path, live_api: str, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Dashboard]:
    web_settings = settings.model_copy(
        update={
            "web_port": free_port(),
            "web_host": "127.0.0.1",
            "web_dir": built_web,
            "home": tmp_path_factory.mktemp("web-home"),
        }
    )
    prepared = Dashboard.prepare(web_settings, api_url=live_api)
    assert not isinstance(prepared, Unavailable), prepared.reason
    prepared.start()
    try:
        yield prepared
    finally:
        prepared.stop()


CHROMIUM = os.environ.get("ICOP_CHROMIUM", "/usr/bin/chromium")


@dataclass(frozen=True)
class Played:
    """What a Playwright run left: its output and the names of the screenshots it took."""

    stdout: str
    screenshots: frozenset[str]


def play(
    dashboard: Dashboard,
    *specs: str,
    env: Mapping[str, str],
    label: str,
    capsys: pytest.CaptureFixture[str],
) -> Played:
    """Runs ``specs`` (web/e2e/*.spec.ts; none: every spec) with web/'s Playwright in Debian's
    Chromium against ``dashboard``, ``env`` passed to the specs, and fails the test with the
    run's output unless every spec passed. A machine without Chromium skips."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (scripts/system-deps.sh installs it)")
    artefacts = dashboard.directory / "test-artefacts"
    started = time.monotonic()
    result = subprocess.run(
        ["npx", "--no-install", "playwright", "test", *specs],
        cwd=dashboard.directory,
        env={
            **os.environ,
            "ICOP_WEB_URL": dashboard.url,
            "ICOP_CHROMIUM": CHROMIUM,
            "ICOP_E2E_ARTEFACTS": str(artefacts),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=600,
    )
    with capsys.disabled():  # the path is worth seeing even when the suite passes
        print(
            f"\n{label}: {time.monotonic() - started:.0f} s in the browser; "
            f"screenshots: {artefacts / 'screenshots'}"
        )
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-4000:]
    shots = frozenset(p.name for p in (artefacts / "screenshots").glob("*.png"))
    return Played(result.stdout, shots)


def add_viewer(api: str, owner: Mapping[str, str], password: str, prefix: str = "viewer") -> str:
    """A read-only member of the owner's workspace, invited and accepted through the API (as a
    person would, by the invitation's token); returns the viewer's e-mail address."""
    email = f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"
    invitation = httpx.post(
        f"{api}/api/v1/invitations", headers=dict(owner), json={"email": email, "role": "viewer"}
    )
    assert invitation.status_code == 201, invitation.text
    accepted = httpx.post(
        f"{api}/api/v1/invitations/accept",
        json={"token": invitation.json()["token"], "password": password},
    )
    assert accepted.status_code == 201, accepted.text
    return email
