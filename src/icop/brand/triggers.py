"""Re-learning triggers: when the brand has moved on, the engine proposes a re-learned kit.

Three conditions, counted from the latest proposal or version (whichever is newer): N new
voice samples, M articles finished (ready), or the mean brand-voice similarity of the recent
drafts below a threshold (the writing has drifted from the voice). When one holds, the agent
re-learns the tone and voice from the newest samples and finished articles, keeps the current
colours and fonts, and stores a *proposal*: nothing is applied without a person. While a
proposal is pending, no other is made (one question at a time).

Where the check runs: after each article is written (``icop.articles.activities``, once its
result has committed), in the worker, never in an API request; a failing check is logged and
never fails the article. ADR 0030.
"""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.brand import proposals
from icop.brand.learning.agent import BrandLearningAgent, BrandMaterial, LearnedKit
from icop.brand.repository import BrandProposalRepository, RelearnRepository
from icop.config import Settings
from icop.db.session import unit_of_work
from icop.models import BrandProposal, ProposalTrigger

logger = logging.getLogger(__name__)
RELEARN_SAMPLES = 20
RELEARN_ARTICLES = 5


@dataclass(frozen=True)
class RelearnPolicy:
    samples: int = 10
    articles: int = 20
    drift_threshold: float = 0.45
    drift_window: int = 6

    @classmethod
    def from_settings(cls, settings: Settings) -> RelearnPolicy:
        return cls(
            samples=settings.brand_relearn_samples,
            articles=settings.brand_relearn_articles,
            drift_threshold=settings.brand_drift_threshold,
            drift_window=settings.brand_drift_window,
        )


@dataclass(frozen=True)
class Due:
    trigger: ProposalTrigger
    reason: str


async def due(session: AsyncSession, policy: RelearnPolicy) -> Due | None:
    """Which trigger holds for the bound tenant, if any (none while a proposal is pending)."""
    if await BrandProposalRepository(session).pending_exists():
        return None
    counts = RelearnRepository(session)
    since = await counts.last_change()
    samples = await counts.samples_since(since)
    if samples >= policy.samples:
        return Due(ProposalTrigger.SAMPLES, f"{samples} new voice samples since the last kit")
    articles = await counts.finished_articles_since(since)
    if articles >= policy.articles:
        return Due(ProposalTrigger.ARTICLES, f"{articles} articles finished since the last kit")
    similarities = await counts.recent_similarities(since, policy.drift_window)
    if len(similarities) >= policy.drift_window:
        mean = statistics.fmean(similarities)
        if mean < policy.drift_threshold:
            return Due(
                ProposalTrigger.DRIFT,
                f"the last {len(similarities)} drafts' similarity to the brand voice averages "
                f"{mean:.2f}, below {policy.drift_threshold:.2f}",
            )
    return None


class BrandRelearner:
    """Checks the triggers for a tenant and, when one holds, stores a re-learned proposal."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        agent: BrandLearningAgent,
        policy: RelearnPolicy,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.agent = agent
        self.policy = policy

    async def check(self, tenant_id: UUID) -> BrandProposal | None:
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            found = await due(session, self.policy)
            if found is None:
                return None
            current = await proposals.current_snapshot(session, tenant_id)
            texts = await RelearnRepository(session).recent_texts(RELEARN_SAMPLES, RELEARN_ARTICLES)
        if not texts:
            return None
        # The model call and the embeddings run outside any transaction.
        learned = await self.agent.learn(
            BrandMaterial(name=current.name, samples=texts),
            tenant_id=tenant_id,
            current=current.spec(),
        )
        # Text says nothing about colours or fonts: those stay as the current kit has them.
        kept = LearnedKit(
            learned.proposal.model_copy(
                update={
                    "palette": current.palette,
                    "declared_fonts": current.declared_fonts,
                    "heading_font": current.heading_font,
                    "body_font": current.body_font,
                    "font": current.font,
                }
            ),
            learned.voice_embedding,
        )
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            # Checked again: another worker may have proposed meanwhile.
            if await due(session, self.policy) is None:
                return None
            return await proposals.store(
                session,
                None,
                tenant_id,
                kept,
                trigger=found.trigger.value,
                reason=found.reason,
                sources={"samples": len(texts), "relearned": True},
            )

    async def check_quietly(self, tenant_id: UUID) -> None:
        """``check`` for the article activity: advisory, so a failure is logged, not raised."""
        try:
            proposal = await self.check(tenant_id)
        except Exception:
            logger.warning("brand re-learning check failed for %s", tenant_id, exc_info=True)
            return
        if proposal is not None:
            logger.info("brand re-learning proposed %s (%s)", proposal.id, proposal.trigger)
