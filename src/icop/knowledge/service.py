"""The tenant's knowledge store: documents cut into chunks, embedded, searched by meaning.

Writing is two steps so that the slow one holds no database connection: ``prepare`` chunks
and embeds (seconds for a long document on CPU), ``store`` writes the result in the caller's
unit of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.embeddings.base import Embedder
from icop.errors import PayloadTooLarge, ValidationFailed
from icop.knowledge.chunking import chunk_text, normalise_text
from icop.knowledge.config import KnowledgeConfig
from icop.knowledge.repository import ChunkHit, KnowledgeRepository
from icop.knowledge.schemas import DocumentOut, SearchHitOut
from icop.models import KnowledgeDocument


@dataclass(frozen=True)
class PreparedDocument:
    title: str
    text: str
    chunks: list[str]
    embeddings: list[list[float]]
    embedder: str
    source_kind: str = "upload"
    source_url: str | None = None
    language: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


async def prepare(
    embedder: Embedder,
    config: KnowledgeConfig,
    *,
    title: str,
    text: str,
    source_kind: str = "upload",
    source_url: str | None = None,
    language: str | None = None,
    details: dict[str, Any] | None = None,
) -> PreparedDocument:
    text = normalise_text(text)
    if not text:
        raise ValidationFailed("the document has no text")
    if len(text) > config.max_document_chars:
        raise PayloadTooLarge(
            f"the document has {len(text):,} characters; the limit is "
            f"{config.max_document_chars:,}: split it into several documents"
        )
    chunks = chunk_text(text, target=config.chunk_chars, overlap=config.chunk_overlap_chars)
    if len(chunks) > config.max_chunks:
        raise PayloadTooLarge(
            f"the document makes {len(chunks):,} chunks; the limit is {config.max_chunks:,}"
        )
    embeddings = await embedder.embed(chunks)
    return PreparedDocument(
        title=title.strip()[:300] or "Untitled",
        text=text,
        chunks=chunks,
        embeddings=embeddings,
        embedder=embedder.name,
        source_kind=source_kind,
        source_url=source_url,
        language=language,
        details=details or {},
    )


async def store(
    session: AsyncSession, principal: Principal, prepared: PreparedDocument
) -> KnowledgeDocument:
    document = KnowledgeDocument(
        tenant_id=principal.tenant_id,
        id=uuid4(),
        title=prepared.title,
        source_url=prepared.source_url,
        source_kind=prepared.source_kind,
        language=prepared.language,
        chunk_count=len(prepared.chunks),
        created_by=principal.user_id,
        details={
            **prepared.details,
            # Vectors of different embedders are not comparable; search filters on this.
            "embedder": prepared.embedder,
            "characters": len(prepared.text),
        },
    )
    document = await KnowledgeRepository(session).add_document(
        document, prepared.chunks, prepared.embeddings
    )
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="knowledge.document_created",
        target_type="knowledge_document",
        target_id=document.id,
        details={"chunks": document.chunk_count, "source_kind": document.source_kind},
    )
    return document


async def get(session: AsyncSession, document_id: UUID) -> KnowledgeDocument:
    return await KnowledgeRepository(session).must_get(document_id)


async def list_documents(
    session: AsyncSession, *, limit: int, offset: int
) -> Sequence[KnowledgeDocument]:
    return await KnowledgeRepository(session).list_documents(limit=limit, offset=offset)


async def delete(session: AsyncSession, principal: Principal, document_id: UUID) -> None:
    document = await get(session, document_id)
    await KnowledgeRepository(session).delete(document)
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="knowledge.document_deleted",
        target_type="knowledge_document",
        target_id=document_id,
        details={"title": document.title},
    )


async def nearest(
    session: AsyncSession, embedder_name: str, embedding: list[float], *, limit: int
) -> list[ChunkHit]:
    """The bound tenant's chunks nearest to ``embedding``, best first. A zero vector (a query
    with nothing an embedder can use, e.g. only punctuation) matches nothing."""
    if not any(embedding):
        return []
    return await KnowledgeRepository(session).nearest_chunks(
        embedding, embedder=embedder_name, limit=limit
    )


def score(hit: ChunkHit) -> float:
    """Cosine similarity from pgvector's cosine distance."""
    return 1.0 - hit.distance


def to_out(document: KnowledgeDocument) -> DocumentOut:
    details = document.details or {}
    return DocumentOut(
        id=document.id,
        title=document.title,
        source_url=document.source_url,
        source_kind=document.source_kind,
        language=document.language,
        chunk_count=document.chunk_count,
        characters=int(details.get("characters", 0)),
        embedder=details.get("embedder"),
        filename=details.get("filename"),
        created_by=document.created_by,
        created_at=document.created_at,
    )


def hit_out(hit: ChunkHit) -> SearchHitOut:
    return SearchHitOut(
        document_id=hit.document_id,
        chunk_id=hit.chunk_id,
        ordinal=hit.ordinal,
        title=hit.title,
        source_url=hit.source_url,
        text=hit.text,
        score=round(score(hit), 6),
    )
