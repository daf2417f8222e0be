"""Limits of the knowledge store, read from ``Settings`` (``ICOP_KNOWLEDGE_*``)."""

from __future__ import annotations

from dataclasses import dataclass

from icop.config import Settings


@dataclass(frozen=True)
class KnowledgeConfig:
    chunk_chars: int = 800
    chunk_overlap_chars: int = 120
    # ~100 pages of prose; embedding that many chunks takes MiniLM ~5 s on two cores.
    max_document_chars: int = 500_000
    max_chunks: int = 1_000
    max_upload_bytes: int = 1_048_576

    @classmethod
    def from_settings(cls, settings: Settings) -> KnowledgeConfig:
        return cls(
            chunk_chars=settings.knowledge_chunk_chars,
            chunk_overlap_chars=settings.knowledge_chunk_overlap_chars,
            max_document_chars=settings.knowledge_max_document_chars,
            max_chunks=settings.knowledge_max_chunks,
            max_upload_bytes=settings.knowledge_max_upload_bytes,
        )
