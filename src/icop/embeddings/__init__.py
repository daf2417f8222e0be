"""Text embeddings: the bundled MiniLM model and a deterministic hashing embedder."""

from icop.embeddings.base import (
    EMBEDDING_DIMENSIONS,
    Embedder,
    EmbeddingUnavailable,
    cosine,
    mean_vector,
    normalise,
)
from icop.embeddings.config import EmbeddingConfig, build_embedder, default_embedder
from icop.embeddings.hashing import HashingEmbedder
from icop.embeddings.minilm import MiniLMEmbedder

__all__ = [
    "EMBEDDING_DIMENSIONS",
    "Embedder",
    "EmbeddingConfig",
    "EmbeddingUnavailable",
    "HashingEmbedder",
    "MiniLMEmbedder",
    "build_embedder",
    "cosine",
    "default_embedder",
    "mean_vector",
    "normalise",
]
