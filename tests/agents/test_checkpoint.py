"""Durability: the PostgreSQL checkpoint saver (real embedded PostgreSQL, app role, RLS) and
resuming a crashed article without re-running any finished node."""

from __future__ import annotations

from uuid import UUID, uuid4

import ormsgpack
import pytest
from langgraph.checkpoint.base import empty_checkpoint
from langgraph.checkpoint.serde.jsonplus import EXT_PYDANTIC_V2
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.agents.checkpoint import PostgresCheckpointSaver, checkpoint_serializer
from icop.agents.graph import run_article, start_state, thread_config
from icop.agents.schemas import DraftRecord, WriterBrief
from icop.db.session import unit_of_work
from icop.llm.providers.base import CompletionRequest
from icop.llm.providers.fake import FakeReply
from icop.models.article import GraphCheckpoint, GraphCheckpointWrite
from icop.tenants.repository import TenantRepository
from tests.agents.fakes import Harness, harness, role_of, roles_called, writes_well

SessionMaker = async_sessionmaker[AsyncSession]


class WorkerKilled(Exception):
    """Stands in for the worker dying in the middle of a model call."""


@pytest.fixture
async def tenant_id(sessionmaker: SessionMaker) -> UUID:
    tenant = uuid4()
    async with unit_of_work(sessionmaker, tenant) as session:
        await TenantRepository(session).create(
            tenant_id=tenant, company_name="Compost Co", plan="free"
        )
    return tenant


def _crashing(role: str, *, delay_s: float = 0.0) -> tuple[list[bool], object]:
    crashed: list[bool] = []

    def script(request: CompletionRequest) -> FakeReply:
        if role_of(request) == role and not crashed:
            crashed.append(True)
            return FakeReply(error=WorkerKilled("SIGKILL"), delay_s=delay_s)  # type: ignore[arg-type]
        return writes_well(request)

    return crashed, script


async def _crash_and_resume(
    sessionmaker: SessionMaker, tenant_id: UUID, role: str, *, delay_s: float = 0.0
) -> tuple[Harness, Harness, dict[str, object]]:
    brief = WriterBrief(length_words=200, topic="composting at home", mode="compare")
    start = start_state(tenant_id=tenant_id, article_id=f"art-{uuid4().hex[:8]}", brief=brief)
    crashed, script = _crashing(role, delay_s=delay_s)
    # The researcher agent is asked too (ICOP_RESEARCH_CLAIMS=model): its step must not rerun.
    first = harness(script, research_claims="model")  # type: ignore[arg-type]
    with pytest.raises(WorkerKilled):
        await run_article(
            first.graph(), start, checkpointer=PostgresCheckpointSaver(sessionmaker, tenant_id)
        )
    assert crashed == [True]
    # A new worker: new saver, graph, router and providers; only the database is shared.
    second = harness(research_claims="model")
    state = await run_article(
        second.graph(), start, checkpointer=PostgresCheckpointSaver(sessionmaker, tenant_id)
    )
    return first, second, dict(state)


async def test_a_crash_among_the_writers_reruns_only_the_writer_in_flight(
    sessionmaker: SessionMaker, tenant_id: UUID
) -> None:
    # writer_b dies after 0.1 s, when writer_a and writer_c have already finished.
    first, second, state = await _crash_and_resume(sessionmaker, tenant_id, "writer_b", delay_s=0.1)
    assert roles_called(first.fakes) == ["researcher", "writer_a", "writer_b", "writer_c"]
    resumed = roles_called(second.fakes)
    assert resumed.count("writer_b") == 1
    assert not {"researcher", "writer_a", "writer_c"} & set(resumed)
    assert "editor" in resumed and "social_copywriter" in resumed
    assert state["status"] == "done"
    drafts: dict[str, DraftRecord] = state["drafts"]  # type: ignore[assignment]
    assert sorted(drafts) == ["writer_a", "writer_b", "writer_c"]
    assert second.researcher.calls == []  # the research tool did not run again either
    assert next(e.step for e in second.progress.events if e.state == "started") == "writer_b"


async def test_a_crash_after_the_writers_resumes_at_the_step_that_crashed(
    sessionmaker: SessionMaker, tenant_id: UUID
) -> None:
    first, second, state = await _crash_and_resume(sessionmaker, tenant_id, "seo")
    done_before = {"researcher", "writer_a", "writer_b", "writer_c", "editor"}
    assert set(roles_called(first.fakes)) == done_before | {"seo"}
    resumed = roles_called(second.fakes)
    assert not done_before & set(resumed)
    assert resumed.count("seo") == 1 and resumed.count("social_copywriter") == 4
    assert state["status"] == "done" and state["markdown"]
    assert first.images.calls == [] and len(second.images.calls) == 1


async def test_outputs_stored_without_their_checkpoint_are_resumed_not_taken_for_the_end(
    sessionmaker: SessionMaker, tenant_id: UUID
) -> None:
    """Async durability writes a step's checkpoint while the next step runs: a worker killed
    as the step after the gate began leaves the gate's outputs stored but not the
    checkpoint that folds them in. The stored state then has nothing left to run; it is not
    finished though: the resume folds the outputs in and goes on (it once ended the article
    as failed, 'the graph ended with status running')."""
    brief = WriterBrief(length_words=200, topic="composting at home", mode="compare")
    article_id = f"art-{uuid4().hex[:8]}"
    start = start_state(tenant_id=tenant_id, article_id=article_id, brief=brief)
    _, script = _crashing("seo")
    first = harness(script)  # type: ignore[arg-type]
    with pytest.raises(WorkerKilled):
        await run_article(
            first.graph(), start, checkpointer=PostgresCheckpointSaver(sessionmaker, tenant_id)
        )
    # Lose the last checkpoint (the one after the gate) and what was written against it.
    async with unit_of_work(sessionmaker, tenant_id) as session:
        latest = await session.scalar(
            select(func.max(GraphCheckpoint.checkpoint_id)).where(
                GraphCheckpoint.thread_id == article_id
            )
        )
        for table in (GraphCheckpointWrite, GraphCheckpoint):
            await session.execute(
                delete(table).where(table.thread_id == article_id, table.checkpoint_id == latest)
            )
    second = harness()
    state = await run_article(
        second.graph(), start, checkpointer=PostgresCheckpointSaver(sessionmaker, tenant_id)
    )
    resumed = roles_called(second.fakes)
    assert "editor" not in resumed and resumed.count("seo") == 1
    assert state["status"] == "done" and state["markdown"]


async def test_a_finished_thread_is_not_run_again(
    sessionmaker: SessionMaker, tenant_id: UUID
) -> None:
    h = harness()
    start = start_state(
        tenant_id=tenant_id, article_id="done-once", brief=WriterBrief(length_words=200, topic="x")
    )
    saver = PostgresCheckpointSaver(sessionmaker, tenant_id)
    first = await run_article(h.graph(checkpointer=saver), start)
    again = harness()
    second = await run_article(again.graph(checkpointer=saver), start)
    assert second["markdown"] == first["markdown"] and roles_called(again.fakes) == []


async def test_saver_round_trip_listing_and_deletion(
    sessionmaker: SessionMaker, tenant_id: UUID
) -> None:
    saver = PostgresCheckpointSaver(sessionmaker, tenant_id)
    parent = empty_checkpoint()
    parent["channel_values"] = {"drafts": {"writer_a": DraftRecord(writer="writer_a", text="t")}}
    config = {"configurable": {"thread_id": "t1", "checkpoint_ns": ""}}
    saved = await saver.aput(config, parent, {"source": "loop", "step": 1}, {})  # type: ignore[arg-type]
    child = empty_checkpoint()
    child_config = await saver.aput(saved, child, {"source": "loop", "step": 2}, {})
    await saver.aput_writes(child_config, [("seo", {"title": "T"}), ("usage", [1])], "task-1", "p")
    await saver.aput_writes(child_config, [("seo", {"title": "changed"})], "task-1", "p")

    latest = await saver.aget_tuple(thread_config("t1"))
    assert latest is not None and latest.checkpoint["id"] == child["id"]
    assert latest.parent_config == saved and latest.metadata["step"] == 2
    # Regular writes are written once: a replayed task cannot change what was recorded.
    assert latest.pending_writes == [("task-1", "seo", {"title": "T"}), ("task-1", "usage", [1])]

    first = await saver.aget_tuple(saved)
    assert first is not None
    draft = first.checkpoint["channel_values"]["drafts"]["writer_a"]
    assert isinstance(draft, DraftRecord) and draft.text == "t"

    listed = [t.checkpoint["id"] async for t in saver.alist(thread_config("t1"))]
    assert listed == [child["id"], parent["id"]]
    assert [t.metadata["step"] async for t in saver.alist(None, filter={"step": 1})] == [1]
    before = [t.checkpoint["id"] async for t in saver.alist(None, before=child_config, limit=5)]
    assert before == [parent["id"]]

    other_tenant = PostgresCheckpointSaver(sessionmaker, uuid4())
    assert await other_tenant.aget_tuple(thread_config("t1")) is None

    await saver.adelete_thread("t1")
    assert await saver.aget_tuple(thread_config("t1")) is None


async def test_an_article_cannot_use_another_tenants_checkpoints(
    sessionmaker: SessionMaker, tenant_id: UUID
) -> None:
    start = start_state(
        tenant_id=uuid4(), article_id="a", brief=WriterBrief(length_words=200, topic="x")
    )
    with pytest.raises(ValueError, match="another tenant"):
        await run_article(
            harness().graph(), start, checkpointer=PostgresCheckpointSaver(sessionmaker, tenant_id)
        )


def test_a_checkpoint_stored_before_the_brief_was_renamed_still_revives_it() -> None:
    # What the serializer wrote for the brief when its class was called ArticleBrief.
    old = ormsgpack.packb(
        ormsgpack.Ext(
            EXT_PYDANTIC_V2,
            ormsgpack.packb(
                (
                    "icop.agents.schemas.writing",
                    "ArticleBrief",
                    {"topic": "composting", "mode": "merge"},
                    "model_validate_json",
                )
            ),
        )
    )
    brief = checkpoint_serializer().loads_typed(("msgpack", old))
    assert isinstance(brief, WriterBrief)
    assert (brief.topic, brief.mode) == ("composting", "merge")
