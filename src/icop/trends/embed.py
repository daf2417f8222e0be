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
    """One vector per text, in order. Each distinct text is embedded once, and the texts go to
    the embedder shortest first across the whole run, not per call: a batch is padded to its
    longest text, so neighbours of similar length waste the least work on padding."""
    if not texts:
        return np.zeros((0, embedder.dimensions), dtype=np.float32)
    distinct = sorted(dict.fromkeys(texts), key=len)
    vectors: list[list[float]] = []
    for start in range(0, len(distinct), EMBED_BATCH):
        vectors.extend(await embedder.embed(distinct[start : start + EMBED_BATCH]))
    row = {text: number for number, text in enumerate(distinct)}
    matrix = np.asarray(vectors, dtype=np.float32)
    return matrix[[row[text] for text in texts]]


def near_duplicates(vectors: np.ndarray[Any, Any]) -> list[int]:
    return embedding_near_duplicates(vectors)
