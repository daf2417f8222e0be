"""The default search provider: the tenant's own knowledge store (pgvector cosine over its
chunks), read through the knowledge repository in a unit of work bound to the tenant, so
row-level security keeps every other tenant's documents out."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.db.session import unit_of_work
from icop.embeddings.base import Embedder
from icop.knowledge import service as knowledge
from icop.research.providers.base import clip
from icop.research.schemas import SearchQuery, Source

# all-MiniLM-L6-v2 puts unrelated English texts at cosine ~0.0-0.2 and texts about the same
# subject above ~0.35; below this, a chunk is noise that a writer would cite for nothing.
DEFAULT_MIN_SCORE = 0.3


class KnowledgeStoreSearch:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        embedder: Embedder,
        *,
        min_score: float = DEFAULT_MIN_SCORE,
        chunks_per_result: int = 3,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._embedder = embedder
        self._min_score = min_score
        # Several chunks of one document make one source; fetch enough to fill ``limit``.
        self._chunks_per_result = chunks_per_result

    @property
    def name(self) -> str:
        return "knowledge"

    async def search(self, query: SearchQuery) -> list[Source]:
        [embedding] = await self._embedder.embed([query.query])
        async with unit_of_work(self._sessionmaker, query.tenant_id) as session:
            hits = await knowledge.nearest(
                session,
                self._embedder.name,
                embedding,
                limit=query.limit * self._chunks_per_result,
            )
        return [
            Source(
                title=hit.title,
                url=hit.source_url,
                snippet=clip(hit.text),
                text=hit.text,
                score=knowledge.score(hit),
                provider=self.name,
                document_id=hit.document_id,
            )
            for hit in hits
            if knowledge.score(hit) >= self._min_score
        ]
