"""Fixtures for the local LLM runtime.

The default model is assembled once into a persistent, git-ignored test home (``.icop-test/llm``)
so the second run costs nothing; the real-model tests share one server per session.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from icop.llm.local import (
    LocalLLMClient,
    LocalServer,
    ServerConfig,
)
from tests.llm_fixtures import TEST_HOME  # noqa: F401 - shared with other test packages


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
