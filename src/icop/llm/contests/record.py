"""A judged contest as the article side hands it over, and how it becomes the tenant's record.

A contest is a compare-mode article whose drafts the editor (a model) reviewed: every draft it
was shown takes part, with the scores it gave (if any) and whether it was chosen. An article
the editor could not review (the graph picked a draft itself) is no contest, nor is one with a
single draft: there was nothing to choose between.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from icop.llm.contests.repository import ContestRepository
from icop.llm.tasks import TaskKind
from icop.models import LlmContestEntry

MIN_DRAFTS = 2


@dataclass(frozen=True, slots=True)
class JudgedDraft:
    slot: str
    provider: str
    model: str
    won: bool
    scores: Mapping[str, int] | None = None

    @property
    def key(self) -> str:
        return f"{self.provider}:{self.model}"


@dataclass(frozen=True, slots=True)
class Contest:
    task: TaskKind
    drafts: Sequence[JudgedDraft]
    judge_provider: str | None = None
    judge_model: str | None = None

    def __post_init__(self) -> None:
        winners = sum(draft.won for draft in self.drafts)
        if winners != 1:
            raise ValueError(f"a contest has one winner, not {winners}")
        if len(self.drafts) < MIN_DRAFTS:
            raise ValueError("a contest needs at least two drafts")


async def record(
    session: AsyncSession, tenant_id: UUID, article_id: UUID, contest: Contest
) -> None:
    """Store the article's contest, replacing what an earlier save of it stored."""
    repository = ContestRepository(session)
    await repository.delete_article(article_id)
    await repository.add_all(
        LlmContestEntry(
            tenant_id=tenant_id,
            article_id=article_id,
            task=contest.task.value,
            slot=draft.slot,
            provider=draft.provider,
            model=draft.model,
            scores=dict(draft.scores) if draft.scores is not None else None,
            total=sum(draft.scores.values()) if draft.scores else None,
            won=draft.won,
            rivals=sum(other.key != draft.key for other in contest.drafts),
            judge_provider=contest.judge_provider,
            judge_model=contest.judge_model,
        )
        for draft in contest.drafts
    )
