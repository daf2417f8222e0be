"""Fixtures for the local LLM runtime.

The default model is assembled once into a persistent, git-ignored test home (``.icop-test/llm``)
so the second run costs nothing; the real-model tests share one server per session.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from icop.llm.local import (
    DEFAULT_MODEL,
    LocalLLMClient,
    LocalServer,
    ModelStore,
    ServerConfig,
    get_model,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
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


@pytest.fixture
async def llm(session_server: LocalServer) -> AsyncIterator[LocalLLMClient]:
    async with LocalLLMClient(session_server, timeout_s=240) as client:
        yield client


@pytest.fixture
def make_server(default_model_path: Path, tmp_path: Path) -> Iterator[Callable[..., LocalServer]]:
    """Servers for lifecycle tests in a temporary home, all stopped afterwards; keyword
    arguments override ``ServerConfig`` fields."""
    created: list[LocalServer] = []

    def make(**overrides: Any) -> LocalServer:
        fields: dict[str, Any] = {
            "home": tmp_path / "home",
            "model": str(default_model_path),
            "port": 0,
            "ctx_per_slot": 512,
            "startup_timeout_s": 90.0,
        }
        server = LocalServer(ServerConfig(**{**fields, **overrides}))
        created.append(server)
        return server

    yield make
    for server in created:
        server.stop()
