"""The tenants' contest records as the router's ``StandingsSource``: one short unit of work per
article's draw (its slots share the draw), always the latest record."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.db.session import unit_of_work
from icop.llm.contests.bandit import Standing
from icop.llm.contests.repository import ContestRepository
from icop.llm.tasks import TaskKind


class DatabaseStandings:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker

    async def standings(self, tenant_id: UUID, task: TaskKind) -> dict[str, Standing]:
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            rows = await ContestRepository(session).standings(task.value)
        return {
            f"{row.provider}:{row.model}": Standing(wins=row.wins, contests=row.contests)
            for row in rows
        }
