"""A pipeline run on the local Temporal dev server: a plan file with two good rows and a bad
one → sub-topics written back, one article per sub-topic (the agent graph over the fake
provider), statuses and links written back, the bad row's own error; a re-run duplicates
nothing."""

from __future__ import annotations

import asyncio
import csv

import pytest
from sqlalchemy import select
from temporalio.client import WorkflowFailureError

from icop.articles.workflows import ArticleWorkflow, Decision
from icop.db.session import unit_of_work
from icop.models import ArticleStatus, GeneratedArticle, SubTopic
from icop.orchestrator.queues import TaskQueue
from icop.planning.activities import PipelineRunInput
from icop.planning.repository import PipelineRepository, RunRepository
from icop.planning.workflows import PipelineRunWorkflow
from tests.helpers import notifications_of
from tests.planning.conftest import PLAN, Setup


async def test_a_plan_runs_end_to_end_and_a_rerun_duplicates_nothing(setup: Setup) -> None:
    assert await setup.run("first") == "partial"  # two rows done, the bad one failed

    sheet = setup.sheet()
    header, composting, bad, rain = sheet
    assert header[0] == "Topic"
    for row in (composting, rain):
        assert row[1] == "done", row
        assert row[2].count("angle") == 2  # the sub-topics, written back
        links = row[3].split()
        assert len(links) == 2 and all(
            link.startswith("http://testserver/api/v1/articles/") for link in links
        )
        assert "cost" in row[4]
    assert bad[0] == "=cmd|' /C calc'!A0"  # the user's cell is never rewritten
    assert bad[1] == "error" and "formula" in bad[4].lower()
    assert await setup.count(GeneratedArticle) == 4
    assert await setup.count(SubTopic) == 4
    assert sorted(setup.calls.topics) == ["home composting", "rainwater harvesting"]

    async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
        runs = await RunRepository(session).list(setup.pipeline_id, limit=10, offset=0)
        rows = await RunRepository(session).rows(runs[0].id)
    assert [(r.row_number, r.status) for r in rows] == [(2, "done"), (3, "error"), (4, "done")]
    assert (runs[0].rows_total, runs[0].rows_done, runs[0].rows_failed) == (3, 2, 1)

    # The user marks every row ready again: the same sub-topics and articles are reused.
    rewritten = [sheet[0]] + [[r[0], "ready", *r[2:]] for r in sheet[1:]]
    with setup.plan.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rewritten)
    await setup.run("second")
    assert await setup.count(GeneratedArticle) == 4
    assert await setup.count(SubTopic) == 4
    assert len(setup.calls.topics) == 2  # no sub-topics generated again
    assert setup.sheet()[1][1] == "done"


async def test_a_run_that_cannot_read_its_plan_fails_and_tells_the_team(setup: Setup) -> None:
    setup.plan.unlink()
    with pytest.raises(WorkflowFailureError):
        await setup.run("unreadable")
    async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
        [run] = await RunRepository(session).list(setup.pipeline_id, limit=10, offset=0)
    assert await notifications_of(setup.sessionmaker, setup.tenant_id) == [("run_failed", run.id)]


async def test_articles_awaiting_approval_do_not_hold_the_runs_writing_slots(
    setup: Setup,
) -> None:
    """One writing slot, articles that need approval: the second article is written while the
    first waits for its decision (before, the run stalled until a person decided), and the
    run ends once both are decided."""
    async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
        pipeline = await PipelineRepository(session).get(setup.pipeline_id)
        assert pipeline is not None
        pipeline.max_concurrent_articles = 1
        pipeline.defaults = {**pipeline.defaults, "approval_required": True}
    with setup.plan.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([PLAN[0], PLAN[1]])  # one row: two sub-topics
    run = await setup.client.start_workflow(
        PipelineRunWorkflow.run,
        PipelineRunInput(tenant_id=str(setup.tenant_id), pipeline_id=str(setup.pipeline_id)),
        id=f"pipeline-run-{setup.pipeline_id}-approval",
        task_queue=setup.settings.queue_name(TaskQueue.PLANNING),
    )

    async def awaiting() -> list[GeneratedArticle]:
        async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
            found = await session.scalars(
                select(GeneratedArticle).where(
                    GeneratedArticle.status == ArticleStatus.AWAITING_APPROVAL
                )
            )
            return list(found)

    deadline = asyncio.get_running_loop().time() + 120
    while len(waiting := await awaiting()) < 2:
        assert asyncio.get_running_loop().time() < deadline, "the second article was not written"
        await asyncio.sleep(0.5)
    for article in waiting:
        await setup.client.get_workflow_handle(article.workflow_id or "").signal(
            ArticleWorkflow.decide, Decision(approved=True)
        )
    assert await run.result() == "succeeded"
