"""Tests here embed with the deterministic hashing embedder: no torch, no model load."""

from __future__ import annotations

import pytest

from icop.embeddings import HashingEmbedder
from icop.gateway.context import AppContext


@pytest.fixture
def embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture
def context(context: AppContext, embedder: HashingEmbedder) -> AppContext:
    # icop.embeddings.dependencies.get_embedder reads this attribute before its default.
    context.embedder = embedder  # type: ignore[attr-defined]
    return context
