"""``icop video --publish`` refuses, before it starts anything, what could not be posted: no
--wait (the video is posted once ready) and, on the embedded default, an emulator that is not
running (every post would otherwise wait out its retries)."""

from __future__ import annotations

import socket
import uuid

import pytest
from typer.testing import CliRunner

from icop.cli.main import app
from icop.config import get_settings


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_publish_needs_wait_and_a_running_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    article = str(uuid.uuid4())
    no_wait = runner.invoke(app, ["video", article, "--publish"], terminal_width=200)
    assert no_wait.exit_code == 1
    assert "--publish needs --wait" in no_wait.output
    assert "Traceback" not in no_wait.output

    monkeypatch.setenv("ICOP_PLATFORMS", "emulator")
    monkeypatch.setenv("ICOP_EMULATOR_PORT", str(_closed_port()))
    monkeypatch.delenv("ICOP_PLATFORM_EMULATOR_URL", raising=False)
    get_settings.cache_clear()
    try:
        down = runner.invoke(app, ["video", article, "--wait", "--publish"], terminal_width=200)
    finally:
        get_settings.cache_clear()
    assert down.exit_code == 1
    assert "is not running: start `icop up`" in " ".join(down.output.split())
