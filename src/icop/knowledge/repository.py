"""All SQL of the knowledge store. Tenancy comes from row-level security: the session is bound
to one tenant, and these queries never name it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import and_, insert, select

from icop.db.repository import Repository
from icop.models import KnowledgeChunk, KnowledgeDocument


@dataclass(frozen=True)
class ChunkHit:
    chunk_id: UUID
    document_id: UUID
    ordinal: int
    text: str
    title: str
    source_url: str | None
    distance: float


class KnowledgeRepository(Repository[KnowledgeDocument]):
    model = KnowledgeDocument
    noun = "document"

    async def add_document(
        self, document: KnowledgeDocument, chunks: Sequence[str], embeddings: Sequence[list[float]]
    ) -> KnowledgeDocument:
        self.session.add(document)
        await self.session.flush()
        if chunks:
            # One executemany instead of an ORM object per chunk: a long document has hundreds.
            await self.session.execute(
                insert(KnowledgeChunk),
                [
                    {
                        "tenant_id": document.tenant_id,
                        "document_id": document.id,
                        "ordinal": ordinal,
                        "text": text,
                        "embedding": embedding,
                    }
                    for ordinal, (text, embedding) in enumerate(
                        zip(chunks, embeddings, strict=True)
                    )
                ],
            )
        await self.session.refresh(document)
        return document

    async def list_documents(self, *, limit: int, offset: int) -> Sequence[KnowledgeDocument]:
        result = await self.session.scalars(
            select(KnowledgeDocument)
            .order_by(KnowledgeDocument.created_at.desc(), KnowledgeDocument.id)
            .limit(limit)
            .offset(offset)
        )
        return result.all()

    async def delete(self, document: KnowledgeDocument) -> None:
        # The chunks go with it (ON DELETE CASCADE on the composite foreign key).
        await self.session.delete(document)
        await self.session.flush()

    async def nearest_chunks(
        self, embedding: list[float], *, embedder: str, limit: int
    ) -> list[ChunkHit]:
        """The chunks closest to ``embedding`` by cosine distance, exact (no ANN index: see
        icop.models.knowledge), among documents embedded by the same embedder."""
        distance = KnowledgeChunk.embedding.cosine_distance(embedding).label("distance")
        rows = await self.session.execute(
            select(
                KnowledgeChunk.id,
                KnowledgeChunk.document_id,
                KnowledgeChunk.ordinal,
                KnowledgeChunk.text,
                KnowledgeDocument.title,
                KnowledgeDocument.source_url,
                distance,
            )
            .join(
                KnowledgeDocument,
                and_(
                    KnowledgeDocument.tenant_id == KnowledgeChunk.tenant_id,
                    KnowledgeDocument.id == KnowledgeChunk.document_id,
                ),
            )
            .where(KnowledgeDocument.details["embedder"].astext == embedder)
            .order_by(distance, KnowledgeChunk.id)
            .limit(limit)
        )
        return [
            ChunkHit(
                chunk_id=row.id,
                document_id=row.document_id,
                ordinal=row.ordinal,
                text=row.text,
                title=row.title,
                source_url=row.source_url,
                distance=float(row.distance),
            )
            for row in rows
        ]
