"""Run events of finished work are pruned once older than the retention; a run or article
still going keeps its events however old, and recent events stay. The deletion crosses
tenants only through the audited system function."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from icop.config import Settings
from icop.db.session import unit_of_work
from icop.events.retention import RunEventPruner
from icop.models import GeneratedArticle, PipelineRun, RunEvent
from tests.helpers import Account, ApiClient

OLD = datetime.now(UTC) - timedelta(days=45)
RECENT = datetime.now(UTC) - timedelta(days=3)


async def _run(
    sessionmaker: async_sessionmaker[AsyncSession], owner: Account, pipeline: uuid.UUID, status: str
) -> uuid.UUID:
    run_id = uuid.uuid4()
    async with unit_of_work(sessionmaker, owner.tenant_id) as session:
        session.add(
            PipelineRun(
                id=run_id,
                tenant_id=owner.tenant_id,
                pipeline_id=pipeline,
                trigger="manual",
                status=status,
                workflow_id=f"pipeline-run-{pipeline}-{run_id}",
            )
        )
    return run_id


async def _article(
    sessionmaker: async_sessionmaker[AsyncSession], owner: Account, status: str
) -> uuid.UUID:
    article_id = uuid.uuid4()
    async with unit_of_work(sessionmaker, owner.tenant_id) as session:
        session.add(
            GeneratedArticle(
                id=article_id,
                tenant_id=owner.tenant_id,
                topic="pruning",
                language="en",
                mode="compare",
                length_words=800,
                status=status,
                workflow_id=f"article-{article_id}",
            )
        )
    return article_id


async def _event(
    sessionmaker: async_sessionmaker[AsyncSession],
    owner: Account,
    at: datetime,
    *,
    run_id: uuid.UUID | None = None,
    article_id: uuid.UUID | None = None,
) -> int:
    async with unit_of_work(sessionmaker, owner.tenant_id) as session:
        event = RunEvent(
            tenant_id=owner.tenant_id,
            kind="step" if article_id else "run",
            status="done",
            run_id=run_id,
            article_id=article_id,
            created_at=at,
        )
        session.add(event)
        await session.flush()
        return event.id


async def _left(sessionmaker: async_sessionmaker[AsyncSession], owner: Account) -> set[int]:
    async with unit_of_work(sessionmaker, owner.tenant_id) as session:
        return set((await session.scalars(select(RunEvent.id))).all())


async def test_old_events_of_finished_work_are_pruned(
    client: ApiClient, sessionmaker: async_sessionmaker[AsyncSession], connection: AsyncConnection
) -> None:
    owner = await client.signup("Prune Co")
    other = await client.signup("Other Co")
    pipeline = await client.post(
        "/api/v1/pipelines", headers=owner.headers, json={"name": "plan", "source_type": "import"}
    )
    assert pipeline.status_code == 201, pipeline.text
    pipeline_id = uuid.UUID(pipeline.json()["id"])
    finished = await _run(sessionmaker, owner, pipeline_id, "succeeded")
    running = await _run(sessionmaker, owner, pipeline_id, "running")
    written = await _article(sessionmaker, owner, "ready")
    writing = await _article(sessionmaker, owner, "running")

    pruned = {
        await _event(sessionmaker, owner, OLD, run_id=finished),
        await _event(sessionmaker, owner, OLD, run_id=finished, article_id=written),
        await _event(sessionmaker, owner, OLD, article_id=written),
    }
    kept = {
        await _event(sessionmaker, owner, RECENT, run_id=finished),
        await _event(sessionmaker, owner, OLD, run_id=running),
        await _event(sessionmaker, owner, OLD, article_id=writing),
        # A finished run's old event of an article still being written (a retry) waits for it.
        await _event(sessionmaker, owner, OLD, run_id=finished, article_id=writing),
    }
    other_old = await _event(sessionmaker, other, OLD, run_id=uuid.uuid4())

    pruner = RunEventPruner(sessionmaker, retention_days=30, batch=2)
    assert await pruner.prune() >= 4  # batches of 2 until one comes back short
    assert await _left(sessionmaker, owner) == kept
    assert other_old not in await _left(sessionmaker, other)
    assert pruned.isdisjoint(await _left(sessionmaker, owner))
    # A SECURITY DEFINER function of the migration's owner (the app role cannot delete
    # events, nor read the system audit log it writes to).
    definer = await connection.scalar(
        text("SELECT prosecdef FROM pg_proc WHERE proname = 'icop_system_prune_run_events'")
    )
    assert definer is True

    # Nothing left to prune: a round deletes nothing.
    assert await pruner.prune() == 0

    # A longer retention keeps what a shorter one would drop.
    await _event(sessionmaker, owner, OLD, run_id=finished)
    assert await RunEventPruner(sessionmaker, retention_days=60).prune() == 0


def test_the_retention_is_a_setting_of_30_days_by_default() -> None:
    assert Settings.model_fields["run_event_retention_days"].default == 30
    assert Settings(run_event_retention_days=7).run_event_retention_days == 7
