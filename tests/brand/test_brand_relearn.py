"""Re-learning triggers: N new samples, M finished articles, or drafts drifting from the
voice make the engine store a proposal (never a version); one pending proposal at a time;
counting restarts after a decision; the current colours and fonts are kept."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.articles.repository import ArticleRepository
from icop.brand.learning.agent import BrandLearningAgent
from icop.brand.repository import BrandKitVersionRepository, BrandVoiceRepository
from icop.brand.triggers import BrandRelearner, RelearnPolicy
from icop.db.session import unit_of_work
from icop.embeddings import HashingEmbedder
from icop.llm.providers.fake import FakeProvider
from icop.models import ArticleDraft, BrandVoiceSample, GeneratedArticle
from tests.helpers import ApiClient
from tests.planning.subtopics.fakes import router_for

POLICY = RelearnPolicy(samples=3, articles=2, drift_threshold=0.5, drift_window=3)
TEXT = "We compost at home. You can grow your own soil with kitchen scraps and patience."
GARDEN_KIT = {"name": "Garden", "background": "#14532d", "accent": "#facc15", "text": "#ffffff"}


@pytest.fixture
def relearner(sessionmaker: async_sessionmaker[AsyncSession]) -> BrandRelearner:
    agent = BrandLearningAgent(router_for(FakeProvider("local")), HashingEmbedder())
    return BrandRelearner(sessionmaker, agent, POLICY)


async def _samples(sessionmaker: async_sessionmaker[AsyncSession], tenant: UUID, n: int) -> None:
    [vector] = await HashingEmbedder().embed([TEXT])
    async with unit_of_work(sessionmaker, tenant) as session:
        for _ in range(n):
            await BrandVoiceRepository(session).add(
                # The wall clock, not now(): a test is one transaction, whose now() is the
                # same for the kit version written earlier in it.
                BrandVoiceSample(
                    tenant_id=tenant,
                    id=uuid4(),
                    text=TEXT,
                    embedding=vector,
                    created_at=datetime.now(UTC),
                )
            )


async def _article(
    sessionmaker: async_sessionmaker[AsyncSession], tenant: UUID, similarities: list[float]
) -> None:
    article_id = uuid4()
    async with unit_of_work(sessionmaker, tenant) as session:
        await ArticleRepository(session).add(
            GeneratedArticle(
                id=article_id,
                tenant_id=tenant,
                topic="compost",
                language="en",
                mode="compare",
                length_words=400,
                status="ready",
                final_markdown=f"# Compost\n\n{TEXT}",
                workflow_id=f"article-{article_id}",
            )
        )
        for index, similarity in enumerate(similarities):
            session.add(
                ArticleDraft(
                    tenant_id=tenant,
                    id=uuid4(),
                    article_id=article_id,
                    writer=f"writer_{'abc'[index]}",
                    text=TEXT,
                    brand_voice_similarity=similarity,
                )
            )
        await session.flush()


async def test_new_samples_propose_once_and_counting_restarts_after_a_decision(
    client: ApiClient, sessionmaker: async_sessionmaker[AsyncSession], relearner: BrandRelearner
) -> None:
    owner = await client.signup("Samples")
    assert (
        await client.put("/api/v1/brand/kit", headers=owner.headers, json=GARDEN_KIT)
    ).is_success
    await _samples(sessionmaker, owner.tenant_id, 2)
    assert await relearner.check(owner.tenant_id) is None  # 2 < 3
    await _samples(sessionmaker, owner.tenant_id, 1)
    proposal = await relearner.check(owner.tenant_id)
    assert proposal is not None and proposal.trigger == "samples" and proposal.status == "pending"
    assert "3 new voice samples" in (proposal.reason or "")
    # Text says nothing about colours: the kit's stay; the tone is re-learned.
    assert (proposal.proposal["background"], proposal.proposal["accent"]) == ("#14532d", "#facc15")
    assert proposal.proposal["tone"]["person"] in {"first_plural", "second"}
    assert proposal.voice_embedding is not None
    # Never applied: the kit is still version 1 (the PUT), and no second proposal while
    # this one waits.
    async with unit_of_work(sessionmaker, owner.tenant_id) as session:
        assert (await BrandKitVersionRepository(session).latest()).number == 1  # type: ignore[union-attr]
    await _samples(sessionmaker, owner.tenant_id, 5)
    assert await relearner.check(owner.tenant_id) is None
    rejected = await client.post(
        f"/api/v1/brand/proposals/{proposal.id}/reject", headers=owner.headers, json={}
    )
    assert rejected.status_code == 200
    # Counting restarts at the decision: the 5 samples added before it do not count again.
    assert await relearner.check(owner.tenant_id) is None


async def test_finished_articles_propose(
    client: ApiClient, sessionmaker: async_sessionmaker[AsyncSession], relearner: BrandRelearner
) -> None:
    owner = await client.signup("Articles")
    await _article(sessionmaker, owner.tenant_id, [0.9])
    assert await relearner.check(owner.tenant_id) is None
    await _article(sessionmaker, owner.tenant_id, [0.9])
    proposal = await relearner.check(owner.tenant_id)
    assert proposal is not None and proposal.trigger == "articles"


async def test_drafts_drifting_from_the_voice_propose(
    client: ApiClient, sessionmaker: async_sessionmaker[AsyncSession], relearner: BrandRelearner
) -> None:
    owner = await client.signup("Drift")
    await _article(sessionmaker, owner.tenant_id, [0.8, 0.7])  # two drafts: under the window
    assert await relearner.check(owner.tenant_id) is None
    close = await client.signup("Close")
    await _article(sessionmaker, close.tenant_id, [0.8, 0.7, 0.6])
    assert await relearner.check(close.tenant_id) is None  # mean 0.7 ≥ 0.5
    far = await client.signup("Far")
    await _article(sessionmaker, far.tenant_id, [0.3, 0.4, 0.5])
    proposal = await relearner.check(far.tenant_id)
    assert proposal is not None and proposal.trigger == "drift"
    assert "averages 0.40, below 0.50" in (proposal.reason or "")


async def test_a_failing_check_never_fails_the_article(
    client: ApiClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    class Broken(BrandLearningAgent):
        async def learn(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
            raise RuntimeError("model down")

    owner = await client.signup("Quiet")
    await _samples(sessionmaker, owner.tenant_id, 3)
    relearner = BrandRelearner(sessionmaker, Broken(None, HashingEmbedder()), POLICY)
    with pytest.raises(RuntimeError):
        await relearner.check(owner.tenant_id)
    await relearner.check_quietly(owner.tenant_id)  # logged, not raised
