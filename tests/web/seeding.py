"""Data the dashboard's browser suite and its benchmark both need, added the way the workers
add it (repositories and the event service in the caller's unit of work)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from icop.events import service as events
from icop.models import PipelineRun, SubTopic
from icop.planning.repository import RunRepository, SubTopicRepository

TOPIC_KEY = "vegetable-garden"


async def add_live_run(
    session: AsyncSession,
    tenant: uuid.UUID,
    pipeline: uuid.UUID,
    article_id: uuid.UUID,
    started: datetime,
) -> uuid.UUID:
    """A run in the middle of writing its one row's article (``article_id``, sub-topic
    "Raised beds"): research done, writer_a busy. Returns the run's id."""
    run_id = uuid.uuid4()
    runs = RunRepository(session)
    await runs.add(
        PipelineRun(
            id=run_id,
            tenant_id=tenant,
            pipeline_id=pipeline,
            trigger="manual",
            status="running",
            workflow_id=f"pipeline-run-{pipeline}-{run_id}",
            rows_total=1,
            started_at=started,
        )
    )
    await runs.upsert_row(
        tenant,
        run_id,
        1,
        topic="vegetable garden",
        status="writing",
        step="writing",
        options={"topic_key": TOPIC_KEY},
        articles_total=1,
    )
    await SubTopicRepository(session).add_all(
        [
            SubTopic(
                tenant_id=tenant,
                pipeline_id=pipeline,
                topic_key=TOPIC_KEY,
                topic="vegetable garden",
                position=0,
                label="Raised beds",
                article_id=article_id,
            )
        ]
    )
    for step, status, begun, ended in (
        ("research", "started", started, None),
        ("research", "finished", started, started + timedelta(seconds=2)),
        ("writer_a", "started", started + timedelta(seconds=2), None),
    ):
        await events.record(
            session,
            tenant,
            kind="step",
            status=status,
            run_id=run_id,
            row_number=1,
            article_id=article_id,
            step=step,
            started_at=begun,
            finished_at=ended,
        )
    return run_id
