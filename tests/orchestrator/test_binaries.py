from __future__ import annotations

import os
import subprocess

import pytest

from icop.orchestrator.binaries import find_binary, temporal_cli, temporal_test_server
from icop.orchestrator.exceptions import TemporalBinaryNotFound


def test_cli_is_the_pinned_release() -> None:
    path = temporal_cli()
    assert path.is_absolute()
    assert os.access(path, os.X_OK)
    version = subprocess.run([path, "--version"], capture_output=True, text=True, check=True)
    assert "temporal version 1.9.1" in version.stdout
    assert "Server 1.32" in version.stdout


def test_test_server_is_found() -> None:
    path = temporal_test_server()
    assert path.name == "temporal-test-server"
    assert os.access(path, os.X_OK)


def test_found_through_wheel_metadata_without_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # `uv run` and unactivated venvs do not put the scripts directory on PATH.
    monkeypatch.setenv("PATH", "")
    assert temporal_cli().name == "temporal"


def test_missing_distribution_says_what_to_install() -> None:
    with pytest.raises(TemporalBinaryNotFound, match="install the `no-such-dist-bin` package"):
        find_binary("no-such-dist-bin", "no-such-binary-anywhere")
