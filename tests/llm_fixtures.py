"""The bundled local model for tests that run it for real, shared by every test package.

The default model is assembled once into a persistent, git-ignored test home
(``.icop-test/llm``) so the second run costs nothing; real-model tests share one server per
session.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from icop.llm.local import DEFAULT_MODEL, LocalServer, ModelStore, ServerConfig, get_model

REPO_ROOT = Path(__file__).resolve().parents[1]
TEST_HOME = Path(os.environ.get("ICOP_LLM_TEST_HOME", REPO_ROOT / ".icop-test" / "llm"))


@pytest.fixture(scope="session")
def default_model_path() -> Path:
    return ModelStore(TEST_HOME).ensure(get_model(DEFAULT_MODEL))


@pytest.fixture(scope="session")
def session_server(default_model_path: Path) -> Iterator[LocalServer]:
    # A home of its own (its own run file) but the shared model, referenced by path.
    server = LocalServer(
        ServerConfig(
            home=TEST_HOME / "session",
            model=str(default_model_path),
            port=0,
            parallel=3,
            ctx_per_slot=2048,
        )
    )
    server.start()
    yield server
    server.stop()
