"""The sheet as a control panel on the Temporal dev server: a run's articles await approval, a
person types 승인 (Korean for "approved") into one row's Decision cell and "rejected: …" into
the other's, and the run's sheet watcher applies both through the API's own decision (the
article workflows' signal, the audit trail), so the run ends without anyone touching the API."""

from __future__ import annotations

import asyncio
import csv

import pytest
from sqlalchemy import select

from icop.config import Settings
from icop.db.session import unit_of_work
from icop.models import ArticleStatus, AuditEvent, GeneratedArticle
from icop.orchestrator.queues import TaskQueue
from icop.planning.activities import PipelineRunInput
from icop.planning.repository import PipelineRepository
from icop.planning.sheets.layout import ColumnMapping
from icop.planning.sheets.local import LocalSheet
from icop.planning.workflows import PipelineRunWorkflow
from tests.planning.conftest import Setup

HEADER = ["Topic", "Status", "Sub-topics", "Articles", "Notes", "Decision", "Comment", "Posts"]
MAPPING = ColumnMapping(decision="F", comment="G", posts="H")


async def test_decisions_typed_into_the_sheet_approve_and_reject_a_runs_articles(
    setup: Setup, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The watcher reads the plan every second here (a minute by default).
    monkeypatch.setattr(settings, "planning_sheet_poll_s", 1.0)
    async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
        pipeline = await PipelineRepository(session).get(setup.pipeline_id)
        assert pipeline is not None
        pipeline.defaults = {**pipeline.defaults, "approval_required": True, "sub_topic_count": 1}
        pipeline.column_mapping = MAPPING.model_dump(mode="json")
        pipeline.sheet_range = "A2:H"
    with setup.plan.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [HEADER, ["home composting", "ready"], ["rainwater harvesting", "ready"]]
        )
    run = await setup.client.start_workflow(
        PipelineRunWorkflow.run,
        PipelineRunInput(tenant_id=str(setup.tenant_id), pipeline_id=str(setup.pipeline_id)),
        id=f"pipeline-run-{setup.pipeline_id}-sheet-decisions",
        task_queue=setup.settings.queue_name(TaskQueue.PLANNING),
    )

    async def articles() -> list[GeneratedArticle]:
        async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
            return list(await session.scalars(select(GeneratedArticle)))

    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while [a.status for a in await articles()] != [ArticleStatus.AWAITING_APPROVAL] * 2:
        assert loop.time() < deadline, [(a.topic, a.status, a.error) for a in await articles()]
        await asyncio.sleep(0.5)

    # A person types the decisions into the sheet (Korean for the Korean row).
    LocalSheet(setup.plan).write_cells_sync({(2, 6): "승인", (3, 6): "rejected: off brand"}, None)
    assert await asyncio.wait_for(run.result(), timeout=90) == "partial"

    decided = {a.topic: (a.status, a.decided_by) for a in await articles()}
    assert decided["home composting"][0] == ArticleStatus.READY
    assert decided["rainwater harvesting"][0] == ArticleStatus.REJECTED
    async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
        audited = list(
            await session.scalars(
                select(AuditEvent).where(
                    AuditEvent.action.in_(["article.approved", "article.rejected"])
                )
            )
        )
    assert sorted((e.action, e.details.get("source"), e.details.get("cell")) for e in audited) == [
        ("article.approved", "sheet", "F2"),
        ("article.rejected", "sheet", "F3"),
    ]
    assert [e.details.get("reason") for e in audited if e.action == "article.rejected"] == [
        "off brand"
    ]
    sheet = setup.sheet()
    assert sheet[1][1] == "done" and "decision '승인': 1 of 1 article(s) approved" in sheet[1][4]
    # The rejected row has no written article: the run reports it as an error.
    assert sheet[2][1] == "error"
