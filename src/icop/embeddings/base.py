"""The embedding contract shared by the knowledge store, research and brand voice.

Every embedder returns unit-length vectors of ``EMBEDDING_DIMENSIONS`` floats, so a cosine
similarity is a dot product and pgvector's cosine distance ranks them correctly. Vectors from
different embedders are not comparable: each embedder has a ``name`` that is recorded next to
what it embedded.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from icop.errors import ServiceUnavailable
from icop.models.knowledge import EMBEDDING_DIMENSIONS

__all__ = [
    "EMBEDDING_DIMENSIONS",
    "Embedder",
    "EmbeddingUnavailable",
    "cosine",
    "mean_vector",
    "normalise",
]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit vectors, one per text, in the order given."""

    @property
    def name(self) -> str:
        """Identifies the vector space: equal names mean comparable vectors."""
        ...

    @property
    def dimensions(self) -> int: ...

    async def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


class EmbeddingUnavailable(ServiceUnavailable):
    """The embedding model could not be loaded or run (missing files, broken install)."""

    code = "embedding_unavailable"
    title = "The embedding model is unavailable"


def normalise(vector: Sequence[float]) -> list[float]:
    """The unit vector in the same direction; a zero vector stays zero (it matches nothing)."""
    norm = math.sqrt(sum(value * value for value in vector))
    if norm == 0.0:
        return [0.0] * len(vector)
    return [value / norm for value in vector]


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity; 0.0 when either vector is zero (nothing to compare)."""
    if len(a) != len(b):
        raise ValueError(f"vectors differ in length: {len(a)} != {len(b)}")
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norms = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norms if norms else 0.0


def mean_vector(vectors: Sequence[Sequence[float]]) -> list[float]:
    """The normalised mean: the centroid direction of several unit vectors."""
    if not vectors:
        raise ValueError("the mean of no vectors is undefined")
    size = len(vectors[0])
    total = [0.0] * size
    for vector in vectors:
        if len(vector) != size:
            raise ValueError("vectors differ in length")
        for index, value in enumerate(vector):
            total[index] += value
    return normalise(total)
