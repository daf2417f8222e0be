"""Every compare-mode article the editor judged is a contest in the tenant's record: the
mapping from the graph's final state, and the whole path (the article workflow on the
embedded Temporal server, fake models) writing it, and learning from it in best_judged mode."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client

from icop.agents.runtime import NativeRuntime
from icop.agents.schemas import AgentUsage, ArticleText, DraftRecord, RubricScores
from icop.agents.state import ArticleState
from icop.articles.activities import ArticleActivities
from icop.articles.generator import GraphArticleGenerator, contest
from icop.db.session import unit_of_work
from icop.llm import service
from icop.llm.contests.repository import ContestRepository
from icop.llm.contests.sinks import DatabaseStandings
from icop.llm.policy import Candidate, default_policy
from icop.llm.providers.base import CompletionRequest
from icop.llm.providers.fake import FakeReply
from icop.llm.smart_router import SmartRouter
from icop.llm.tasks import TaskKind
from icop.llm.throttle import Throttle
from icop.models import RoutingMode
from icop.orchestrator.connection import TemporalSettings
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import WorkerRegistry, running_workers
from icop.runtime.workers import register_articles
from tests.agents.fakes import (
    MemoryBrandVoice,
    MemoryImageMaker,
    MemoryResearcher,
    providers,
    role_of,
)
from tests.articles.test_workflow import WRITER_TEXT, Setup, serial
from tests.helpers import ApiClient

SCORES = {
    "writer_a": RubricScores(structure=6, faithfulness=7, brand_voice=6, readability=7),
    "writer_b": RubricScores(structure=9, faithfulness=9, brand_voice=8, readability=8),
}


def _draft(writer: str, provider: str, status: str = "ok") -> DraftRecord:
    return DraftRecord(
        writer=writer,  # type: ignore[arg-type]
        status=status,  # type: ignore[arg-type]
        text=WRITER_TEXT if status == "ok" else "",
        provider=provider,
        model=f"{provider}-model",
    )


def _state(article: ArticleText, *drafts: DraftRecord) -> ArticleState:
    return {  # type: ignore[typeddict-item]
        "article_id": "a",
        "tenant_id": str(uuid.uuid4()),
        "trace_id": "",
        "drafts": {d.writer: d for d in drafts},
        "article": article,
        "usage": [
            AgentUsage(agent="writer_a", provider="openai", model="openai-model"),
            AgentUsage(agent="editor", provider="local", model="default"),
        ],
    }


def test_a_judged_article_is_a_contest_of_the_drafts_the_editor_saw() -> None:
    judged = ArticleText(text=WRITER_TEXT, method="compare", chosen="writer_b", scores=SCORES)
    state = _state(
        judged,
        _draft("writer_a", "openai"),
        _draft("writer_b", "anthropic"),
        _draft("writer_c", "gemini"),  # shown to the editor, not scored by it
    )
    found = contest(state)
    assert found is not None and found.task is TaskKind.WRITE_DRAFT
    assert (found.judge_provider, found.judge_model) == ("local", "default")
    assert [(d.slot, d.provider, d.won, d.scores) for d in found.drafts] == [
        ("writer_a", "openai", False, SCORES["writer_a"].model_dump()),
        ("writer_b", "anthropic", True, SCORES["writer_b"].model_dump()),
        ("writer_c", "gemini", False, None),
    ]
    # A writer that failed wrote nothing to judge.
    failed = _state(
        judged,
        _draft("writer_a", "openai"),
        _draft("writer_b", "anthropic"),
        _draft("writer_c", "gemini", status="failed"),
    )
    assert [d.slot for d in contest(failed).drafts] == ["writer_a", "writer_b"]  # type: ignore[union-attr]


def test_no_judgement_no_contest() -> None:
    drafts = (_draft("writer_a", "openai"), _draft("writer_b", "anthropic"))
    # The editor failed: the graph picked a draft itself, without scores.
    unreviewed = ArticleText(text=WRITER_TEXT, method="compare", chosen="writer_a")
    assert contest(_state(unreviewed, *drafts)) is None
    merged = ArticleText(text=WRITER_TEXT, method="merge")
    assert contest(_state(merged, *drafts)) is None
    alone = ArticleText(text=WRITER_TEXT, method="compare", chosen="writer_a", scores=SCORES)
    assert contest(_state(alone, drafts[0])) is None  # one draft: nothing to choose between


# -- the whole path -------------------------------------------------------------------------
EDITOR_JUDGEMENT = {
    "scores": [
        {"draft": name, "scores": scores.model_dump(), "note": ""}
        for name, scores in {
            **SCORES,
            "writer_c": RubricScores(structure=5, faithfulness=5, brand_voice=5, readability=5),
        }.items()
    ],
    "chosen": "writer_b",
    "rationale": "The clearest draft, every claim cited.",
}


def _script(request: CompletionRequest) -> FakeReply:
    role = role_of(request)
    if role.startswith("writer_"):
        return FakeReply(text=WRITER_TEXT)
    if role == "editor":
        return FakeReply(data=EDITOR_JUDGEMENT)
    return FakeReply()


@pytest.fixture
async def articles(
    client: ApiClient,
    temporal_client: Client,
    temporal_settings: TemporalSettings,
    sessionmaker: async_sessionmaker[AsyncSession],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> AsyncIterator[Setup]:
    """The article workflow with three configured cloud writers (fakes) and, when the test
    is parametrized so, the tenant's writers in ``best_judged`` mode over a pool of four."""
    owner = await client.signup("Contests")
    sessionmaker = serial(sessionmaker)
    fakes = providers(_script, cloud=("openai", "anthropic", "gemini", "ollama"))
    policy = default_policy()
    if getattr(request, "param", RoutingMode.ORDERED) is RoutingMode.BEST_JUDGED:
        pool = [
            *policy.tasks[TaskKind.WRITE_DRAFT],
            Candidate(provider="ollama", model="qwen2.5:7b"),
        ]
        policy = policy.model_copy(
            update={
                "tasks": {**policy.tasks, TaskKind.WRITE_DRAFT: pool},
                "modes": {TaskKind.WRITE_DRAFT: RoutingMode.BEST_JUDGED},
            }
        )
    router = SmartRouter(
        fakes,
        policy,
        Throttle(global_rate_per_minute=600_000, provider_concurrency={}),
        standings=DatabaseStandings(sessionmaker),
    )
    generator = GraphArticleGenerator(
        sessionmaker,
        runtime=NativeRuntime(router),
        researcher=MemoryResearcher(),
        brand_voice=MemoryBrandVoice(),
        images=MemoryImageMaker(),
    )
    registry = WorkerRegistry()
    register_articles(
        registry, ArticleActivities(sessionmaker, generator, tmp_path, "http://testserver")
    )
    async with running_workers(
        temporal_client, [TaskQueue.AGENTS], registry, settings=temporal_settings
    ):
        yield Setup(
            temporal_client,
            temporal_settings,
            sessionmaker,
            tmp_path,
            None,  # type: ignore[arg-type]  # no Harness: the router is built above
            owner.tenant_id,
        )


async def _write(articles: Setup, mode: str = "compare") -> uuid.UUID:
    article_id = await articles.article(mode=mode)
    result = await asyncio.wait_for((await articles.start(article_id)).result(), timeout=60)
    assert result.status == "ready"
    return article_id


async def test_a_compare_article_writes_its_contest(articles: Setup) -> None:
    article_id = await _write(articles)
    async with unit_of_work(articles.sessionmaker, articles.tenant_id) as session:
        entries = await ContestRepository(session).entries(article_id)
    assert [(e.slot, e.provider, e.model, e.won, e.rivals) for e in entries] == [
        ("writer_a", "openai", "gpt-4.1-mini", False, 2),
        ("writer_b", "anthropic", "claude-sonnet-4-5", True, 2),
        ("writer_c", "gemini", "gemini-2.5-flash", False, 2),
    ]
    assert entries[1].scores == SCORES["writer_b"].model_dump() and entries[1].total == 34
    assert {(e.judge_provider, e.judge_model) for e in entries} == {("local", "default")}
    # The pick stored with the article is the winner of its contest.
    drafts = {d.writer: d for d in await articles.drafts(article_id)}
    assert drafts["writer_b"].selected and not drafts["writer_a"].selected

    merged = await _write(articles, mode="merge")  # a merge is no contest
    async with unit_of_work(articles.sessionmaker, articles.tenant_id) as session:
        assert await ContestRepository(session).entries(merged) == []
        board = await service.leaderboard(session, task=None, since=None)
    # Best win rate first, then the better mean total (openai 26 before gemini 20).
    assert [(r.provider, r.contests, r.wins) for r in board] == [
        ("anthropic", 1, 1),
        ("openai", 1, 0),
        ("gemini", 1, 0),
    ]


@pytest.mark.parametrize("articles", [RoutingMode.BEST_JUDGED], indirect=True)
async def test_best_judged_writers_come_from_the_pool_and_the_record_grows(
    articles: Setup,
) -> None:
    pool = {"local:default", "openai:gpt-4.1-mini", "anthropic:claude-sonnet-4-5"}
    pool |= {"gemini:gemini-2.5-flash", "ollama:qwen2.5:7b"}
    for _ in range(3):
        article_id = await _write(articles)
        async with unit_of_work(articles.sessionmaker, articles.tenant_id) as session:
            entries = await ContestRepository(session).entries(article_id)
        keys = [f"{e.provider}:{e.model}" for e in entries]
        assert len(keys) == 3 and set(keys) <= pool
        assert len(set(keys)) >= 2  # a rival in every contest
        assert sum(e.won for e in entries) == 1
    async with unit_of_work(articles.sessionmaker, articles.tenant_id) as session:
        board = await service.leaderboard(session, task=TaskKind.WRITE_DRAFT, since=None)
    assert sum(r.contests for r in board) == 9 and sum(r.wins for r in board) == 3
