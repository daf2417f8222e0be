"""All SQL of the planning domain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import cast, delete, func, select, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from icop.db.repository import Repository
from icop.models import (
    ContentPipeline,
    GeneratedArticle,
    ImportedPlanRow,
    PipelineRun,
    PipelineRunRow,
    RowStatus,
    RunStatus,
    SubTopic,
)


class PipelineRepository(Repository[ContentPipeline]):
    model = ContentPipeline
    noun = "pipeline"

    async def add(self, pipeline: ContentPipeline) -> ContentPipeline:
        self.session.add(pipeline)
        await self.session.flush()
        await self.session.refresh(pipeline)
        return pipeline

    async def by_name(self, name: str) -> ContentPipeline | None:
        return await self.session.scalar(
            select(ContentPipeline).where(ContentPipeline.name == name)
        )

    async def list(self, *, limit: int, offset: int) -> Sequence[ContentPipeline]:
        result = await self.session.scalars(
            select(ContentPipeline)
            .order_by(ContentPipeline.created_at, ContentPipeline.id)
            .limit(limit)
            .offset(offset)
        )
        return result.all()

    async def scheduled(self) -> Sequence[ContentPipeline]:
        """Every pipeline with a cron schedule (paused ones too: they keep their zone)."""
        result = await self.session.scalars(
            select(ContentPipeline)
            .where(ContentPipeline.schedule_cron.is_not(None))
            .order_by(ContentPipeline.created_at, ContentPipeline.id)
        )
        return result.all()

    async def delete(self, pipeline: ContentPipeline) -> None:
        await self.session.delete(pipeline)
        await self.session.flush()


class RunRepository(Repository[PipelineRun]):
    model = PipelineRun
    noun = "run"

    async def add(self, run: PipelineRun) -> PipelineRun:
        self.session.add(run)
        await self.session.flush()
        await self.session.refresh(run)
        return run

    async def article_ids(self, run: PipelineRun) -> list[UUID]:
        """The articles of the run's rows: those of its rows' sub-topics."""
        result = await self.session.scalars(
            select(SubTopic.article_id)
            .join(
                PipelineRunRow,
                (PipelineRunRow.run_id == run.id)
                & (SubTopic.topic_key == PipelineRunRow.options["topic_key"].astext),
            )
            .where(SubTopic.pipeline_id == run.pipeline_id, SubTopic.article_id.is_not(None))
            .distinct()
        )
        return [article_id for article_id in result.all() if article_id is not None]

    async def by_workflow_id(self, workflow_id: str) -> PipelineRun | None:
        return await self.session.scalar(
            select(PipelineRun).where(PipelineRun.workflow_id == workflow_id)
        )

    async def list(self, pipeline_id: UUID, *, limit: int, offset: int) -> Sequence[PipelineRun]:
        result = await self.session.scalars(
            select(PipelineRun)
            .where(PipelineRun.pipeline_id == pipeline_id)
            .order_by(PipelineRun.created_at.desc(), PipelineRun.id)
            .limit(limit)
            .offset(offset)
        )
        return result.all()

    async def active(self, pipeline_id: UUID) -> PipelineRun | None:
        return await self.session.scalar(
            select(PipelineRun)
            .where(
                PipelineRun.pipeline_id == pipeline_id,
                PipelineRun.status.in_([status for status in RunStatus if status.active]),
            )
            .limit(1)
        )

    async def rows(self, run_id: UUID) -> Sequence[PipelineRunRow]:
        result = await self.session.scalars(
            select(PipelineRunRow)
            .where(PipelineRunRow.run_id == run_id)
            .order_by(PipelineRunRow.row_number)
        )
        return result.all()

    async def upsert_row(
        self, tenant_id: UUID, run_id: UUID, row_number: int, **values: Any
    ) -> None:
        statement = insert(PipelineRunRow).values(
            tenant_id=tenant_id, run_id=run_id, row_number=row_number, **values
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["tenant_id", "run_id", "row_number"],
                set_={**values, "updated_at": func.now()},
            )
        )

    async def set_row(self, run_id: UUID, row_number: int, **values: Any) -> None:
        await self.session.execute(
            update(PipelineRunRow)
            .where(PipelineRunRow.run_id == run_id, PipelineRunRow.row_number == row_number)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    async def merge_row_options(
        self, run_id: UUID, row_number: int, values: dict[str, Any]
    ) -> None:
        """Add ``values`` to the row's options (JSONB ``||``: the keys already there stay)."""
        await self.session.execute(
            update(PipelineRunRow)
            .where(PipelineRunRow.run_id == run_id, PipelineRunRow.row_number == row_number)
            .values(options=PipelineRunRow.options.op("||")(cast(values, JSONB)))
            .execution_options(synchronize_session=False)
        )

    async def count_rows(self, run_id: UUID) -> dict[RowStatus, int]:
        result = await self.session.execute(
            select(PipelineRunRow.status, func.count())
            .where(PipelineRunRow.run_id == run_id)
            .group_by(PipelineRunRow.status)
        )
        return {status: count for status, count in result.all()}

    async def tally(self, run_id: UUID) -> tuple[int, int]:
        """The run's rows done (a partial row counts: some of its articles are ready) and
        failed, as its ``rows_done``/``rows_failed`` say them."""
        counts = await self.count_rows(run_id)
        done = counts.get(RowStatus.DONE, 0) + counts.get(RowStatus.PARTIAL, 0)
        return done, counts.get(RowStatus.ERROR, 0)


class SubTopicRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def for_topic(self, pipeline_id: UUID, topic_key: str) -> Sequence[SubTopic]:
        result = await self.session.scalars(
            select(SubTopic)
            .where(SubTopic.pipeline_id == pipeline_id, SubTopic.topic_key == topic_key)
            .order_by(SubTopic.position)
        )
        return result.all()

    async def for_pipeline(self, pipeline_id: UUID) -> Sequence[SubTopic]:
        result = await self.session.scalars(
            select(SubTopic)
            .where(SubTopic.pipeline_id == pipeline_id)
            .order_by(SubTopic.topic_key, SubTopic.position)
        )
        return result.all()

    async def with_articles(
        self, pipeline_id: UUID, topic_keys: Sequence[str]
    ) -> Sequence[tuple[SubTopic, GeneratedArticle | None]]:
        result = await self.session.execute(
            select(SubTopic, GeneratedArticle)
            .outerjoin(
                GeneratedArticle,
                (GeneratedArticle.tenant_id == SubTopic.tenant_id)
                & (GeneratedArticle.id == SubTopic.article_id),
            )
            .where(SubTopic.pipeline_id == pipeline_id, SubTopic.topic_key.in_(topic_keys))
            .order_by(SubTopic.topic_key, SubTopic.position)
        )
        return [(sub_topic, article) for sub_topic, article in result.all()]

    async def add_all(self, sub_topics: Sequence[SubTopic]) -> None:
        self.session.add_all(sub_topics)
        await self.session.flush()

    async def link_article(self, sub_topic_id: UUID, article_id: UUID) -> None:
        await self.session.execute(
            update(SubTopic)
            .where(SubTopic.id == sub_topic_id)
            .values(article_id=article_id)
            .execution_options(synchronize_session=False)
        )


class ImportedPlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def all(self, pipeline_id: UUID) -> Sequence[ImportedPlanRow]:
        result = await self.session.scalars(
            select(ImportedPlanRow)
            .where(ImportedPlanRow.pipeline_id == pipeline_id)
            .order_by(ImportedPlanRow.row_number)
        )
        return result.all()

    async def replace(
        self, tenant_id: UUID, pipeline_id: UUID, rows: Sequence[ImportedPlanRow]
    ) -> None:
        await self.session.execute(
            delete(ImportedPlanRow).where(ImportedPlanRow.pipeline_id == pipeline_id)
        )
        self.session.add_all(rows)
        await self.session.flush()

    async def last_row_number(self, pipeline_id: UUID) -> int | None:
        return await self.session.scalar(
            select(func.max(ImportedPlanRow.row_number)).where(
                ImportedPlanRow.pipeline_id == pipeline_id
            )
        )

    async def add_all(self, rows: Sequence[ImportedPlanRow]) -> None:
        self.session.add_all(rows)
        await self.session.flush()

    async def set_cells(
        self, tenant_id: UUID, pipeline_id: UUID, row_number: int, cells: dict[str, str]
    ) -> None:
        """Merge ``cells`` into the row (created when missing), like a sheet write."""
        statement = insert(ImportedPlanRow).values(
            tenant_id=tenant_id, pipeline_id=pipeline_id, row_number=row_number, cells=cells
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["tenant_id", "pipeline_id", "row_number"],
                set_={
                    "cells": ImportedPlanRow.cells.op("||")(statement.excluded.cells),
                    "updated_at": func.now(),
                },
            )
        )
