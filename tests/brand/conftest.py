"""Tests here embed with the deterministic hashing embedder: no torch, no model load."""

from __future__ import annotations

import pytest

from icop.embeddings import HashingEmbedder
from icop.runtime.clients import Runtime


@pytest.fixture
def embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture
def context(context: Runtime, embedder: HashingEmbedder) -> Runtime:
    # What routes get through icop.embeddings.dependencies.get_embedder.
    context.embedder = embedder  # type: ignore[attr-defined]
    return context
