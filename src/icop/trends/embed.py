"""The embed step: kept items' texts as unit MiniLM vectors, then the near duplicates the
SimHash missed (short items) by cosine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from icop.embeddings.base import Embedder
from icop.trends.dedupe import embedding_near_duplicates

EMBED_BATCH = 256
"""Texts per ``embed`` call: large enough to keep the forward passes busy, small enough that
one call never holds seconds of work the event loop waits on."""


async def embed_texts(embedder: Embedder, texts: Sequence[str]) -> np.ndarray[Any, Any]:
    vectors: list[list[float]] = []
    for start in range(0, len(texts), EMBED_BATCH):
        vectors.extend(await embedder.embed(list(texts[start : start + EMBED_BATCH])))
    if not vectors:
        return np.zeros((0, embedder.dimensions), dtype=np.float32)
    return np.asarray(vectors, dtype=np.float32)


def near_duplicates(vectors: np.ndarray[Any, Any]) -> list[int]:
    return embedding_near_duplicates(vectors)
