"""Brand voice: samples of how the brand writes, embedded, so that writers get the samples
closest to their topic in their prompt, and each draft gets a similarity to the brand's voice.

A passage longer than the model's window (~1,000 characters for MiniLM) is embedded as the
normalised mean of its chunks' vectors, so the whole passage counts, not its first lines.
Similarity is the cosine between a draft and the centroid (normalised mean) of the samples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.brand.learning.guide import tone_guide
from icop.brand.repository import BrandKitRepository, BrandVoiceRepository
from icop.brand.schemas import VoiceSampleOut
from icop.brand.snapshot import snapshot_of
from icop.db.session import unit_of_work
from icop.embeddings.base import Embedder, cosine, mean_vector
from icop.errors import Conflict, ValidationFailed
from icop.knowledge.chunking import chunk_text
from icop.models import BrandVoiceSample

# Enough to cover a brand's formats and moods; beyond it, the centroid stops moving and an
# exact nearest-sample scan per draft gets slower for nothing.
MAX_SAMPLES = 500


async def embed_passage(embedder: Embedder, text: str) -> list[float]:
    chunks = chunk_text(text, target=800, overlap=0)
    if not chunks:
        raise ValidationFailed("the text is empty")
    vectors = await embedder.embed(chunks)
    return vectors[0] if len(vectors) == 1 else mean_vector(vectors)


async def create(
    session: AsyncSession,
    principal: Principal,
    *,
    title: str | None,
    text: str,
    embedding: list[float],
) -> BrandVoiceSample:
    repository = BrandVoiceRepository(session)
    if await repository.count() >= MAX_SAMPLES:
        raise Conflict(f"the brand has {MAX_SAMPLES} voice samples: delete some first")
    sample = await repository.add(
        BrandVoiceSample(
            tenant_id=principal.tenant_id,
            id=uuid4(),
            title=title,
            text=text,
            embedding=embedding,
            created_by=principal.user_id,
        )
    )
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="brand.voice_sample_created",
        target_type="brand_voice_sample",
        target_id=sample.id,
    )
    return sample


async def get(session: AsyncSession, sample_id: UUID) -> BrandVoiceSample:
    return await BrandVoiceRepository(session).must_get(sample_id)


async def list_samples(
    session: AsyncSession, *, limit: int, offset: int
) -> Sequence[BrandVoiceSample]:
    return await BrandVoiceRepository(session).list_samples(limit=limit, offset=offset)


async def delete(session: AsyncSession, principal: Principal, sample_id: UUID) -> None:
    sample = await get(session, sample_id)
    await BrandVoiceRepository(session).delete(sample)
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="brand.voice_sample_deleted",
        target_type="brand_voice_sample",
        target_id=sample_id,
    )


async def similarity_to(session: AsyncSession, embedding: list[float]) -> tuple[float | None, int]:
    """Cosine to the centroid of the bound tenant's samples, and how many there are."""
    centroid, count = await BrandVoiceRepository(session).centroid()
    if centroid is None or not any(centroid):
        return None, count
    return cosine(embedding, centroid), count


def to_out(sample: BrandVoiceSample) -> VoiceSampleOut:
    return VoiceSampleOut.model_validate(sample)


@dataclass(frozen=True)
class VoiceExample:
    id: UUID
    title: str | None
    text: str
    score: float


class BrandVoiceService:
    """Brand voice for the article workflow: each call is its own unit of work, bound to the
    tenant it names."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], embedder: Embedder) -> None:
        self._sessionmaker = sessionmaker
        self._embedder = embedder

    async def retrieve(
        self, tenant_id: UUID, topic: str, k: int = 3, *, max_chars: int = 1_500
    ) -> list[VoiceExample]:
        """The ``k`` samples closest to the topic, best first, each cut to ``max_chars``
        (they go into a prompt)."""
        if k < 1 or not topic.strip():
            return []
        [embedding] = await self._embedder.embed([topic])
        async with unit_of_work(self._sessionmaker, tenant_id) as session:
            nearest = await BrandVoiceRepository(session).nearest(embedding, k)
        return [
            VoiceExample(
                id=sample.id,
                title=sample.title,
                text=sample.text[:max_chars],
                score=1.0 - distance,
            )
            for sample, distance in nearest
        ]

    async def tone(self, tenant_id: UUID) -> str | None:
        """The kit's tone profile as guidance for the writers' brief; None without one."""
        async with unit_of_work(self._sessionmaker, tenant_id) as session:
            kit = await BrandKitRepository(session).get(tenant_id)
        profile = snapshot_of(kit).tone
        return tone_guide(profile) if profile else None

    async def similarity(self, tenant_id: UUID, text: str) -> float | None:
        """How close a draft is to the brand's voice; None when the brand has no samples."""
        if not text.strip():
            return None
        embedding = await embed_passage(self._embedder, text)
        async with unit_of_work(self._sessionmaker, tenant_id) as session:
            similarity, _count = await similarity_to(session, embedding)
        return similarity
