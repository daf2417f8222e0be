"""Queries on the tenants' contest records (``llm_contest_entries``); tenancy is the
database's (row-level security), so nothing here names a tenant."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Numeric, Row, Select, and_, cast, delete, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from icop.models import LlmContestEntry

Entry = LlmContestEntry
# A draft that met another model's draft; a model against itself teaches nothing.
_RIVALLED = Entry.rivals > 0


class ContestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_all(self, entries: Iterable[LlmContestEntry]) -> None:
        self.session.add_all(list(entries))
        await self.session.flush()

    async def delete_article(self, article_id: UUID) -> None:
        await self.session.execute(delete(Entry).where(Entry.article_id == article_id))

    async def entries(self, article_id: UUID) -> Sequence[LlmContestEntry]:
        result = await self.session.scalars(
            select(Entry).where(Entry.article_id == article_id).order_by(Entry.slot)
        )
        return result.all()

    async def standings(self, task: str) -> Sequence[Row[str, str, int, int]]:
        """(provider, model, wins, contests) of every model with a rivalled draft in ``task``."""
        result = await self.session.execute(
            select(
                Entry.provider,
                Entry.model,
                func.count().filter(Entry.won).label("wins"),
                func.count().label("contests"),
            )
            .where(Entry.task == task, _RIVALLED)
            .group_by(Entry.provider, Entry.model)
        )
        return result.all()

    async def totals(self, task: str | None, since: datetime | None) -> Sequence[Row[Any]]:
        """Per (task, provider, model): rivalled drafts (contests) and wins, every judged draft,
        the mean total score and when it was last judged."""
        statement = _filtered(
            select(
                Entry.task,
                Entry.provider,
                Entry.model,
                func.count().filter(_RIVALLED).label("contests"),
                func.count().filter(and_(_RIVALLED, Entry.won)).label("wins"),
                func.count().label("drafts"),
                func.avg(Entry.total).label("mean_total"),
                func.max(Entry.created_at).label("last_judged_at"),
            ),
            task,
            since,
        ).group_by(Entry.task, Entry.provider, Entry.model)
        rows: Sequence[Row[Any]] = (await self.session.execute(statement)).all()
        return rows

    async def criterion_means(self, task: str | None, since: datetime | None) -> Sequence[Row[Any]]:
        """Per (task, provider, model, criterion): the mean score. The rubric's criteria are
        read from the stored scores, so a rubric that changes needs no migration."""
        score = func.jsonb_each_text(Entry.scores).table_valued("key", "value").alias("score")
        statement = _filtered(
            select(
                Entry.task,
                Entry.provider,
                Entry.model,
                score.c.key.label("criterion"),
                func.avg(cast(score.c.value, Numeric)).label("mean"),
            )
            .select_from(Entry)
            .join(score, true()),
            task,
            since,
        ).group_by(Entry.task, Entry.provider, Entry.model, score.c.key)
        rows: Sequence[Row[Any]] = (await self.session.execute(statement)).all()
        return rows


def _filtered(statement: Select[Any], task: str | None, since: datetime | None) -> Select[Any]:
    if task is not None:
        statement = statement.where(Entry.task == task)
    if since is not None:
        statement = statement.where(Entry.created_at >= since)
    return statement
