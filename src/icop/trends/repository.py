"""All SQL of the TrendPipeline. Tenancy is row-level security: these queries never name it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from icop.db.repository import Repository
from icop.models import (
    ImportedPlanRow,
    KnowledgeDocument,
    SubTopic,
    Trend,
    TrendConfig,
    TrendItem,
    TrendRun,
    TrendSuggestion,
)


class TrendRunRepository(Repository[TrendRun]):
    model = TrendRun
    noun = "trend run"

    async def add(self, run: TrendRun) -> TrendRun:
        self.session.add(run)
        await self.session.flush()
        await self.session.refresh(run)
        return run

    async def by_workflow_id(self, workflow_id: str) -> TrendRun | None:
        row: TrendRun | None = await self.session.scalar(
            select(TrendRun).where(TrendRun.workflow_id == workflow_id)
        )
        return row

    async def latest(self, *, finished: bool) -> TrendRun | None:
        statement = select(TrendRun).order_by(TrendRun.created_at.desc(), TrendRun.id).limit(1)
        if finished:
            statement = statement.where(TrendRun.status.in_(("succeeded", "partial")))
        row: TrendRun | None = await self.session.scalar(statement)
        return row

    async def list(self, *, limit: int, offset: int) -> Sequence[TrendRun]:
        result = await self.session.scalars(
            select(TrendRun)
            .order_by(TrendRun.created_at.desc(), TrendRun.id)
            .limit(limit)
            .offset(offset)
        )
        return result.all()

    async def merge_counts(self, run_id: UUID, values: dict[str, Any]) -> None:
        run = await self.must_get(run_id, lock=True)
        run.counts = {**(run.counts or {}), **values}
        await self.session.flush()


class TrendConfigRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self) -> TrendConfig | None:
        row: TrendConfig | None = await self.session.scalar(select(TrendConfig))
        return row

    async def add(self, config: TrendConfig) -> TrendConfig:
        self.session.add(config)
        await self.session.flush()
        await self.session.refresh(config)
        return config

    async def plan_topics(self) -> list[str]:
        """Topics the tenant's plans are about: their generated sub-topics' main topics and
        the topic cell (column A by default) of imported plan rows."""
        topics = list(await self.session.scalars(select(SubTopic.topic).distinct()))
        cells = await self.session.scalars(select(ImportedPlanRow.cells))
        topics.extend(str(row.get("A")) for row in cells if row.get("A"))
        return list(dict.fromkeys(topic.strip() for topic in topics if topic.strip()))


class TrendItemRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_collected(self, rows: Sequence[dict[str, Any]]) -> int:
        """Insert, skipping what a retried attempt already inserted."""
        if not rows:
            return 0
        result = await self.session.execute(
            insert(TrendItem)
            .values(list(rows))
            .on_conflict_do_nothing(index_elements=["tenant_id", "run_id", "source", "external_id"])
            .returning(TrendItem.id)
        )
        return len(result.all())

    async def unjudged(self, run_id: UUID) -> Sequence[TrendItem]:
        result = await self.session.scalars(
            select(TrendItem)
            .where(
                TrendItem.run_id == run_id,
                TrendItem.dropped.is_(None),
                TrendItem.content_hash.is_(None),
            )
            .order_by(TrendItem.signal.desc(), TrendItem.id)
        )
        return result.all()

    async def kept_before(self, run_id: UUID, since: datetime) -> Sequence[tuple[str, int]]:
        """(content hash, SimHash) of what earlier runs kept, for ``seen_before``."""
        rows = await self.session.execute(
            select(TrendItem.content_hash, TrendItem.simhash).where(
                TrendItem.run_id != run_id,
                TrendItem.dropped.is_(None),
                TrendItem.content_hash.is_not(None),
                TrendItem.simhash.is_not(None),
                TrendItem.created_at >= since,
            )
        )
        return [(row.content_hash, row.simhash) for row in rows]

    async def kept(self, run_id: UUID, *, embedded: bool | None = None) -> Sequence[TrendItem]:
        statement = select(TrendItem).where(
            TrendItem.run_id == run_id,
            TrendItem.dropped.is_(None),
            TrendItem.content_hash.is_not(None),
        )
        if embedded is True:
            statement = statement.where(TrendItem.embedding.is_not(None))
        elif embedded is False:
            statement = statement.where(TrendItem.embedding.is_(None))
        result = await self.session.scalars(
            statement.order_by(TrendItem.signal.desc(), TrendItem.id)
        )
        return result.all()

    async def set(self, item_id: UUID, **values: Any) -> None:
        await self.session.execute(
            update(TrendItem).where(TrendItem.id == item_id).values(**values)
        )

    async def for_trends(self, trend_ids: Sequence[UUID]) -> Sequence[TrendItem]:
        if not trend_ids:
            return []
        result = await self.session.scalars(
            select(TrendItem)
            .where(TrendItem.trend_id.in_(trend_ids))
            .order_by(TrendItem.trend_score.desc().nulls_last(), TrendItem.id)
        )
        return result.all()

    async def age_out(self, before: datetime) -> int:
        """Delete the knowledge documents of trend items older than ``before`` (their chunks
        go with them; the items keep their place in their run's history)."""
        result = await self.session.execute(
            delete(KnowledgeDocument)
            .where(KnowledgeDocument.source_kind == "trend", KnowledgeDocument.created_at < before)
            .returning(KnowledgeDocument.id)
        )
        return len(result.all())


class TrendRepository(Repository[Trend]):
    model = Trend
    noun = "trend"

    async def add_all(self, trends: Sequence[Trend]) -> None:
        self.session.add_all(trends)
        await self.session.flush()

    async def for_run(self, run_id: UUID) -> Sequence[Trend]:
        result = await self.session.scalars(
            select(Trend).where(Trend.run_id == run_id).order_by(Trend.score.desc(), Trend.id)
        )
        return result.all()

    async def first_seen(
        self, centroid: list[float], *, run_id: UUID, max_distance: float
    ) -> datetime | None:
        """When the closest trend of an earlier run (cosine distance ≤ ``max_distance``) was
        first seen: a trend that comes back night after night keeps its first date."""
        distance = Trend.centroid.cosine_distance(centroid)
        row = await self.session.execute(
            select(Trend.first_seen_at)
            .where(Trend.run_id != run_id, distance <= max_distance)
            .order_by(distance, Trend.id)
            .limit(1)
        )
        found = row.scalar_one_or_none()
        return found if isinstance(found, datetime) else None


class SuggestionRepository(Repository[TrendSuggestion]):
    model = TrendSuggestion
    noun = "suggestion"

    async def add_all(self, suggestions: Sequence[TrendSuggestion]) -> None:
        self.session.add_all(suggestions)
        await self.session.flush()

    async def list(
        self, *, status: str | None, limit: int, offset: int
    ) -> Sequence[tuple[TrendSuggestion, str]]:
        statement = select(TrendSuggestion, Trend.label).join(
            Trend,
            and_(
                Trend.tenant_id == TrendSuggestion.tenant_id, Trend.id == TrendSuggestion.trend_id
            ),
        )
        if status is not None:
            statement = statement.where(TrendSuggestion.status == status)
        rows = await self.session.execute(
            statement.order_by(TrendSuggestion.created_at.desc(), TrendSuggestion.score.desc())
            .limit(limit)
            .offset(offset)
        )
        return [(row[0], row[1]) for row in rows]

    async def open_topics(self) -> set[str]:
        """Topics already proposed and not dismissed: a trend seen again is not re-proposed."""
        rows = await self.session.scalars(
            select(TrendSuggestion.topic).where(TrendSuggestion.status != "dismissed")
        )
        return {topic.lower() for topic in rows}
