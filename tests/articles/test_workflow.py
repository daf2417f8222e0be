"""The article workflow on a real Temporal dev server, with the agent graph over fake
providers and in-memory research, brand voice and images: a brief becomes a ready article
(drafts stored, markdown written), no sources stop it, approval waits for a signal, and a
finished history replays deterministically."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client, WorkflowFailureError, WorkflowHandle, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ApplicationError
from temporalio.worker import Replayer

from icop.articles.activities import ArticleActivities, ArticleWorkflowInput, markdown_path
from icop.articles.generator import GraphArticleGenerator
from icop.articles.repository import ArticleRepository
from icop.articles.workflows import ArticleResult, ArticleWorkflow, Decision
from icop.db.session import unit_of_work
from icop.llm.providers.base import CompletionRequest, ProviderServerError
from icop.llm.providers.fake import FakeReply
from icop.models import GeneratedArticle
from icop.orchestrator.connection import TemporalSettings
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import WorkerRegistry, running_workers
from icop.runtime.workers import register_articles
from tests.agents.fakes import ARTICLE_TEXT, Harness, harness, role_of
from tests.helpers import ApiClient, notifications_of

HISTORIES = Path(__file__).parent / "histories"

WRITER_TEXT = ARTICLE_TEXT


def _writers_write(request: CompletionRequest) -> FakeReply:
    return FakeReply(text=WRITER_TEXT) if role_of(request).startswith("writer_") else FakeReply()


class SerialSession(AsyncSession):
    """All units of work of a test share its one connection (one transaction, rolled back at
    the end), which cannot run two at once; production has a pool. Sessions take turns."""

    turn: asyncio.Lock

    async def __aenter__(self) -> SerialSession:
        await self.turn.acquire()
        await super().__aenter__()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        try:
            await super().__aexit__(*exc_info)
        finally:
            self.turn.release()


def serial(sessionmaker: async_sessionmaker[AsyncSession]) -> async_sessionmaker[AsyncSession]:
    session_class = type("TestSerialSession", (SerialSession,), {"turn": asyncio.Lock()})
    return async_sessionmaker(
        bind=sessionmaker.kw["bind"],
        class_=session_class,
        **{k: v for k, v in sessionmaker.kw.items() if k != "bind"},
    )


@dataclass
class Setup:
    client: Client
    settings: TemporalSettings
    sessionmaker: async_sessionmaker[AsyncSession]
    home: Path
    harness: Harness
    tenant_id: uuid.UUID

    async def article(self, *, approval: bool = False, mode: str = "compare") -> uuid.UUID:
        article_id = uuid.uuid4()
        async with unit_of_work(self.sessionmaker, self.tenant_id) as session:
            await ArticleRepository(session).add(
                GeneratedArticle(
                    id=article_id,
                    tenant_id=self.tenant_id,
                    topic="composting at home",
                    language="en",
                    mode=mode,
                    length_words=400,
                    approval_required=approval,
                    status="queued",
                    workflow_id=f"article-{article_id}",
                )
            )
        return article_id

    async def start(self, article_id: uuid.UUID) -> WorkflowHandle[Any, ArticleResult]:
        return await self.client.start_workflow(
            ArticleWorkflow.run,
            ArticleWorkflowInput(tenant_id=str(self.tenant_id), article_id=str(article_id)),
            id=f"article-{article_id}",
            task_queue=self.settings.queue_name(TaskQueue.AGENTS),
            result_type=ArticleResult,
        )

    async def row(self, article_id: uuid.UUID) -> GeneratedArticle:
        async with unit_of_work(self.sessionmaker, self.tenant_id) as session:
            article = await ArticleRepository(session).get(article_id)
            assert article is not None
            await session.refresh(article)
            return article

    async def drafts(self, article_id: uuid.UUID) -> list[Any]:
        async with unit_of_work(self.sessionmaker, self.tenant_id) as session:
            return list(await ArticleRepository(session).drafts(article_id))


@pytest.fixture
async def setup(
    client: ApiClient,
    temporal_client: Client,
    temporal_settings: TemporalSettings,
    sessionmaker: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> AsyncIterator[Setup]:
    owner = await client.signup("Articles")
    sessionmaker = serial(sessionmaker)
    h = harness(_writers_write)
    generator = GraphArticleGenerator(
        sessionmaker,
        runtime=h.runtime,
        researcher=h.researcher,
        brand_voice=h.brand_voice,
        images=h.images,
    )
    activities = ArticleActivities(sessionmaker, generator, tmp_path, "http://testserver")
    registry = WorkerRegistry()
    register_articles(registry, activities)
    async with running_workers(
        temporal_client, [TaskQueue.AGENTS], registry, settings=temporal_settings
    ):
        yield Setup(temporal_client, temporal_settings, sessionmaker, tmp_path, h, owner.tenant_id)


async def _status(setup: Setup, article_id: uuid.UUID, wanted: str) -> GeneratedArticle:
    for _ in range(600):
        row = await setup.row(article_id)
        if row.status == wanted:
            return row
        await asyncio.sleep(0.05)
    pytest.fail(f"article never became {wanted}; it is {row.status}")


async def test_brief_becomes_a_ready_article_with_drafts_and_a_markdown_file(
    setup: Setup,
) -> None:
    article_id = await setup.article()
    handle = await setup.start(article_id)
    result = await asyncio.wait_for(handle.result(), timeout=60)
    assert result.status == "ready"

    row = await setup.row(article_id)
    assert row.status == "ready" and row.current_step is None and row.error is None
    assert row.title and row.final_markdown and "[1]" in row.final_markdown
    assert row.final_markdown_url == f"http://testserver/api/v1/articles/{article_id}/markdown"
    assert row.seo["title"] == row.title
    assert row.citations and row.images and row.image_prompts and row.social
    assert row.thumbnail_url == row.images[0].url
    path = markdown_path(setup.home, setup.tenant_id, article_id)
    assert path.read_text(encoding="utf-8") == row.final_markdown

    drafts = await setup.drafts(article_id)
    assert sorted(d.writer for d in drafts) == ["writer_a", "writer_b", "writer_c"]
    assert all(d.text == WRITER_TEXT for d in drafts)
    assert sum(d.selected for d in drafts) == 1
    assert all(d.brand_voice_similarity is not None for d in drafts)
    # Research ran once for this article, as the graph's researcher.
    assert [call[0] for call in setup.harness.researcher.calls] == [setup.tenant_id]


async def test_no_sources_stops_the_article(setup: Setup) -> None:
    setup.harness.researcher.sources = []
    article_id = await setup.article()
    result = await asyncio.wait_for((await setup.start(article_id)).result(), timeout=60)
    assert result.status == "no_sources"
    row = await setup.row(article_id)
    assert row.status == "no_sources" and row.final_markdown is None and row.error
    assert await setup.drafts(article_id) == []
    assert not markdown_path(setup.home, setup.tenant_id, article_id).exists()


@pytest.mark.parametrize("approved", [True, False])
async def test_approval_waits_for_a_decision(setup: Setup, approved: bool) -> None:
    article_id = await setup.article(approval=True, mode="merge")
    handle = await setup.start(article_id)
    row = await _status(setup, article_id, "awaiting_approval")
    assert row.final_markdown  # the article is there to be reviewed
    assert await notifications_of(setup.sessionmaker, setup.tenant_id) == [
        ("approval_waiting", article_id)
    ]
    user_id = uuid.uuid4()
    await handle.signal(
        ArticleWorkflow.decide,
        Decision(approved=approved, user_id=str(user_id), reason=None if approved else "off"),
    )
    result = await asyncio.wait_for(handle.result(), timeout=60)
    wanted = "ready" if approved else "rejected"
    assert result.status == wanted
    row = await setup.row(article_id)
    assert row.status == wanted and row.decided_at is not None
    assert row.error == (None if approved else "off")


async def test_a_finished_history_replays(setup: Setup) -> None:
    article_id = await setup.article(approval=True)
    handle = await setup.start(article_id)
    await _status(setup, article_id, "awaiting_approval")
    await handle.signal(ArticleWorkflow.decide, Decision(approved=True))
    await asyncio.wait_for(handle.result(), timeout=60)
    history = await handle.fetch_history()
    await Replayer(workflows=[ArticleWorkflow]).replay_workflow(history)


@pytest.mark.parametrize("name", ["article_workflow_v1", "article_workflow_approval_v1"])
async def test_histories_recorded_before_the_status_moved_into_generate_replay(name: str) -> None:
    """Executions begun when the workflow still set the final status in an activity of its
    own (recorded then) keep replaying: the change is behind ``workflow.patched``."""
    history = WorkflowHistory.from_json(name, (HISTORIES / f"{name}.json").read_text())
    replayer = Replayer(workflows=[ArticleWorkflow], data_converter=pydantic_data_converter)
    await replayer.replay_workflow(history)


async def test_a_generation_out_of_attempts_marks_the_article_failed(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(self: GraphArticleGenerator, **kwargs: Any) -> None:
        raise ApplicationError("the model server is gone", non_retryable=True)

    monkeypatch.setattr(GraphArticleGenerator, "generate", broken)
    article_id = await setup.article()
    handle = await setup.start(article_id)
    with pytest.raises(WorkflowFailureError):
        await asyncio.wait_for(handle.result(), timeout=60)
    row = await setup.row(article_id)
    assert row.status == "failed" and "the model server is gone" in (row.error or "")
    assert row.current_step is None


async def test_every_writer_failing_marks_the_article_failed(setup: Setup) -> None:
    def writers_fail(request: CompletionRequest) -> FakeReply:
        if role_of(request).startswith("writer_"):
            raise ProviderServerError("local", "overloaded")
        return FakeReply()

    for fake in setup.harness.fakes.values():
        fake.script = writers_fail
    article_id = await setup.article()
    result = await asyncio.wait_for((await setup.start(article_id)).result(), timeout=60)
    assert result.status == "failed"
    row = await setup.row(article_id)
    assert row.status == "failed" and row.error and row.final_markdown is None
    assert not markdown_path(setup.home, setup.tenant_id, article_id).exists()


async def test_an_article_the_gate_blocks_ends_needs_review_never_ready(setup: Setup) -> None:
    loop = "# Bees\n\n" + "Urban beekeeping gives the most accurate method there is. " * 30

    def writers_loop(request: CompletionRequest) -> FakeReply:
        return FakeReply(text=loop) if role_of(request).startswith("writer_") else FakeReply()

    for fake in setup.harness.fakes.values():
        fake.script = writers_loop
    article_id = await setup.article()
    result = await asyncio.wait_for((await setup.start(article_id)).result(), timeout=60)
    assert result.status == "needs_review"
    row = await setup.row(article_id)
    assert row.status == "needs_review" and row.error and "loop" in row.error
    assert row.final_markdown and row.final_markdown_url is None  # kept for a person to edit
    assert row.quality["attempts"] == 2 and row.quality["passed"] is False
    assert any(f["action"] == "blocking" for f in row.quality["findings"])
    assert len(await setup.drafts(article_id)) == 3
    assert not markdown_path(setup.home, setup.tenant_id, article_id).exists()
    assert await notifications_of(setup.sessionmaker, setup.tenant_id) == [
        ("article_needs_review", article_id)
    ]
