"""`icop up` serves the dashboard only where it can, and otherwise says why in one line."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from icop.cli import up
from icop.config import Settings
from icop.runtime.web import Dashboard, Unavailable
from tests.system_services import free_port
from tests.web.conftest import WEB, require_node


def _settings(tmp_path: Path, **overrides: object) -> Settings:
    return Settings(home=tmp_path / "home", web_port=free_port(), **overrides)  # type: ignore[arg-type]


def test_without_node_the_dashboard_is_skipped_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no node on it
    current = _settings(tmp_path, web_dir=WEB)
    prepared = Dashboard.prepare(current)
    assert isinstance(prepared, Unavailable)
    assert "Node.js is not installed" in prepared.reason

    assert up._start_dashboard(current) is None
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == 1 and "Node.js is not installed" in printed[0]
    assert "Traceback" not in printed[0]


def test_an_unbuilt_app_is_reported(tmp_path: Path) -> None:
    require_node()
    prepared = Dashboard.prepare(_settings(tmp_path, web_dir=tmp_path / "empty"))
    assert isinstance(prepared, Unavailable)
    assert "not built" in prepared.reason and "make run" in prepared.reason


def test_the_dashboard_can_be_turned_off(tmp_path: Path) -> None:
    prepared = Dashboard.prepare(_settings(tmp_path, web_enabled=False))
    assert isinstance(prepared, Unavailable)
    assert "ICOP_WEB_ENABLED=false" in prepared.reason


def _looks_built(tmp_path: Path) -> Path:
    """What prepare() checks for: the Next CLI installed and a build (not run here)."""
    web = tmp_path / "web"
    (web / "node_modules/next/dist/bin").mkdir(parents=True)
    (web / "node_modules/next/dist/bin/next").write_text("")
    (web / ".next").mkdir()
    (web / ".next/BUILD_ID").write_text("test")
    return web


def test_a_busy_port_is_reported_not_fatal(tmp_path: Path) -> None:
    require_node()
    built_web = _looks_built(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        current = _settings(tmp_path, web_dir=built_web)
        current.web_port = port
        prepared = Dashboard.prepare(current)
    assert isinstance(prepared, Unavailable)
    assert f"127.0.0.1:{port} is in use" in prepared.reason


def test_the_server_gets_the_api_address_and_the_refresh_lifetime(tmp_path: Path) -> None:
    require_node()
    built_web = _looks_built(tmp_path)
    current = _settings(tmp_path, web_dir=built_web, api_host="0.0.0.0", api_port=8123)  # noqa: S104
    prepared = Dashboard.prepare(current)
    assert isinstance(prepared, Dashboard)
    environment = prepared.environment()
    assert environment["ICOP_API_URL"] == "http://127.0.0.1:8123"
    assert environment["ICOP_REFRESH_TOKEN_TTL_S"] == str(current.refresh_token_ttl_s)
    assert environment["NODE_ENV"] == "production"
