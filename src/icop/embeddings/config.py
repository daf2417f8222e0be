"""Which embedder a process uses, chosen by configuration.

``Settings`` (icop.config) owns the variables; until it declares them, the defaults below
apply. The fields read: ``embedding_backend`` (``minilm`` | ``hashing``),
``embedding_model_path``, ``embedding_batch_size``, ``embedding_threads``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from icop.config import Settings
from icop.embeddings.base import Embedder
from icop.embeddings.hashing import HashingEmbedder
from icop.embeddings.minilm import MiniLMEmbedder
from icop.errors import ConfigurationError

Backend = Literal["minilm", "hashing"]
BACKENDS: tuple[Backend, ...] = ("minilm", "hashing")


@dataclass(frozen=True)
class EmbeddingConfig:
    backend: Backend = "minilm"
    model_path: Path | None = None
    batch_size: int = 32
    threads: int | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> EmbeddingConfig:
        backend = str(getattr(settings, "embedding_backend", "minilm")).lower()
        if backend not in BACKENDS:
            raise ConfigurationError(
                f"embedding backend {backend!r} is not one of {', '.join(BACKENDS)}"
            )
        model_path = getattr(settings, "embedding_model_path", None)
        threads = getattr(settings, "embedding_threads", None)
        return cls(
            backend="hashing" if backend == "hashing" else "minilm",
            model_path=Path(model_path).expanduser() if model_path else None,
            batch_size=int(getattr(settings, "embedding_batch_size", 32)),
            threads=int(threads) if threads else None,
        )


def build_embedder(config: EmbeddingConfig) -> Embedder:
    if config.backend == "hashing":
        return HashingEmbedder()
    return MiniLMEmbedder(config.model_path, batch_size=config.batch_size, threads=config.threads)


_DEFAULTS: dict[EmbeddingConfig, Embedder] = {}
_DEFAULTS_LOCK = threading.Lock()


def default_embedder(settings: Settings) -> Embedder:
    """The process-wide embedder for these settings (the model itself is loaded lazily)."""
    config = EmbeddingConfig.from_settings(settings)
    with _DEFAULTS_LOCK:
        embedder = _DEFAULTS.get(config)
        if embedder is None:
            embedder = _DEFAULTS[config] = build_embedder(config)
        return embedder
