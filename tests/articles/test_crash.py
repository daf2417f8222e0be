"""Durability of the article workflow across a killed worker, under the default checkpoint
durability (``async``: a step's checkpoint is written while the next step runs).

- Mid-step: a worker process runs the article until research and two of the three writers are
  checkpointed, is SIGKILLed while the third writer's model call is in flight, and a new worker
  process finishes the article: no finished node ran again, only the call in flight repeats.
- At a step boundary: the worker is killed the moment the step after the editor starts, while
  the editor's checkpoint may still be on its way: the documented guarantee (docs/
  configuration.md, ``ICOP_ARTICLE_CHECKPOINT_DURABILITY``) is that the step that had just
  finished may run once more, and nothing before it.

The fake provider's call log (written by the workers, see crash_worker.py) is the evidence.

The workers are separate processes, so the article and its tenant are committed (not in the
per-test rolled-back transaction) and left in the session's throwaway test database."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.client import Client, WorkflowHandle

from icop.agents.checkpoint import PostgresCheckpointSaver
from icop.agents.graph import thread_config
from icop.articles.activities import ArticleWorkflowInput, markdown_path
from icop.articles.repository import ArticleRepository
from icop.articles.workflows import ArticleWorkflow
from icop.db.engine import create_sessionmaker
from icop.db.session import unit_of_work
from icop.models import GeneratedArticle
from icop.orchestrator.connection import TemporalSettings
from icop.orchestrator.queues import TaskQueue
from tests.helpers import committed_tenant

ROOT = Path(__file__).resolve().parents[2]
LATENCY_S = 0.2
SLOW_WRITER_S = 6.0  # writer_c: still in flight when the other two are checkpointed
HEARTBEAT_TIMEOUT_S = 3.0


class Workers:
    """Worker processes started by this test (and stopped by it, by pid)."""

    def __init__(self, settings: TemporalSettings, home: Path, log: Path) -> None:
        self.settings, self.home, self.log = settings, home, log
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, slow: str = f"writer_c={SLOW_WRITER_S}") -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.articles.crash_worker",
                "--temporal-home",
                str(self.settings.home),
                "--temporal-port",
                str(self.settings.port),
                "--prefix",
                self.settings.task_queue_prefix,
                "--home",
                str(self.home),
                "--log",
                str(self.log),
                "--latency",
                str(LATENCY_S),
                "--slow",
                slow,
            ],
            cwd=ROOT,
            env=os.environ.copy(),
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
        )
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)
            if process.stderr is not None:
                process.stderr.close()


@pytest.fixture
def workers(temporal_settings: TemporalSettings, tmp_path: Path) -> Iterator[Workers]:
    started = Workers(temporal_settings, tmp_path, tmp_path / "calls.log")
    try:
        yield started
    finally:
        started.stop()


def log_lines(log: Path) -> list[tuple[int, str, str]]:
    if not log.exists():
        return []
    lines = []
    for line in log.read_text().splitlines():
        pid, event, key = line.split(" ", 2)
        lines.append((int(pid), event, key))
    return lines


async def committed_article(sessionmaker: async_sessionmaker[AsyncSession]) -> GeneratedArticle:
    tenant_id = await committed_tenant(sessionmaker, "Crash test")
    article_id = uuid.uuid4()
    article = GeneratedArticle(
        id=article_id,
        tenant_id=tenant_id,
        topic="composting at home",
        language="en",
        mode="compare",
        length_words=400,
        approval_required=False,
        status="queued",
        workflow_id=f"article-{article_id}",
    )
    async with unit_of_work(sessionmaker, tenant_id) as session:
        await ArticleRepository(session).add(article)
    return article


async def checkpointed_writers(
    sessionmaker: async_sessionmaker[AsyncSession], article: GeneratedArticle
) -> set[str]:
    """The writers whose drafts are durably stored (pending writes of the current step)."""
    saver = PostgresCheckpointSaver(sessionmaker, article.tenant_id)
    stored = await saver.aget_tuple(thread_config(str(article.id)))
    if stored is None:
        return set()
    return {
        writer
        for _, channel, value in stored.pending_writes or []
        if channel == "drafts"
        for writer in value
    }


async def start_article(
    client: Client, settings: TemporalSettings, article: GeneratedArticle
) -> WorkflowHandle[Any, Any]:
    return await client.start_workflow(
        ArticleWorkflow.run,
        ArticleWorkflowInput(
            tenant_id=str(article.tenant_id),
            article_id=str(article.id),
            heartbeat_timeout_s=HEARTBEAT_TIMEOUT_S,
        ),
        id=f"article-{article.id}",
        task_queue=settings.queue_name(TaskQueue.AGENTS),
    )


async def test_a_killed_worker_loses_only_the_call_in_flight(
    app_engine: AsyncEngine,
    temporal_client: Client,
    temporal_settings: TemporalSettings,
    workers: Workers,
) -> None:
    sessionmaker = create_sessionmaker(app_engine)
    article = await committed_article(sessionmaker)
    first = workers.start()
    handle = await start_article(temporal_client, temporal_settings, article)

    # Kill once research and writers a and b are checkpointed and writer c is mid-call.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while True:
        assert first.poll() is None, (first.stderr.read() if first.stderr else b"").decode()
        done = await checkpointed_writers(sessionmaker, article)
        if {"writer_a", "writer_b"} <= done and "writer_c" not in done:
            break
        assert loop.time() < deadline, f"the writers never got there: {log_lines(workers.log)}"
        await asyncio.sleep(0.05)
    before_kill = log_lines(workers.log)
    in_flight = Counter(k for _, e, k in before_kill if e == "start") - Counter(
        k for _, e, k in before_kill if e == "finish"
    )
    assert set(in_flight) == {"writer_c"}, before_kill
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=30)

    second = workers.start()
    result = await asyncio.wait_for(handle.result(), timeout=60)
    assert result.status == "ready", log_lines(workers.log)

    async with unit_of_work(sessionmaker, article.tenant_id) as session:
        row = await ArticleRepository(session).get(article.id)
        assert row is not None
        drafts = await ArticleRepository(session).drafts(article.id)
    assert row.status == "ready" and row.final_markdown and row.error is None
    assert sorted(d.writer for d in drafts) == ["writer_a", "writer_b", "writer_c"]
    assert markdown_path(workers.home, article.tenant_id, article.id).exists()

    calls = log_lines(workers.log)
    after_kill = [(pid, event, key) for pid, event, key in calls if pid == second.pid]
    finished_before = {key for _, event, key in before_kill if event == "finish"}
    assert finished_before >= {"writer_a", "writer_b"}
    # Nothing that finished before the kill started again; only writer c's call repeated.
    assert not finished_before & {key for _, event, key in after_kill if event == "start"}
    assert Counter(k for _, e, k in calls if e == "start")["writer_c"] == 2
    finishes = Counter(key for _, event, key in calls if event == "finish")
    assert all(count == 1 for count in finishes.values()), finishes
    assert {"editor", "seo", "visual_director"} <= set(finishes)


async def test_a_worker_killed_at_a_step_boundary_repeats_at_most_the_step_just_finished(
    app_engine: AsyncEngine,
    temporal_client: Client,
    temporal_settings: TemporalSettings,
    workers: Workers,
) -> None:
    sessionmaker = create_sessionmaker(app_engine)
    article = await committed_article(sessionmaker)
    first = workers.start(slow=f"seo={SLOW_WRITER_S}")
    handle = await start_article(temporal_client, temporal_settings, article)

    # Kill the moment the first model call after the editor starts (the gate between them is
    # code): the checkpoints before it are written while it runs (async durability), so they
    # may or may not be stored yet.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while ("start", "seo") not in {(e, k) for _, e, k in log_lines(workers.log)}:
        assert first.poll() is None, (first.stderr.read() if first.stderr else b"").decode()
        assert loop.time() < deadline, f"never reached seo: {log_lines(workers.log)}"
        await asyncio.sleep(0.01)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    before_kill = log_lines(workers.log)

    second = workers.start(slow="none=0")
    result = await asyncio.wait_for(handle.result(), timeout=60)
    if result.status != "ready":
        async with unit_of_work(sessionmaker, article.tenant_id) as session:
            row = await ArticleRepository(session).get(article.id)
        pytest.fail(f"{result.status}: {row.error if row else None}; {log_lines(workers.log)}")

    calls = log_lines(workers.log)
    starts = Counter(key for _, event, key in calls if event == "start")
    after_kill = Counter(key for pid, event, key in calls if pid == second.pid and event == "start")
    finished_before = {key for _, event, key in before_kill if event == "finish"}
    assert finished_before >= {"writer_a", "writer_b", "writer_c", "editor"}
    # Every step before the one that had just finished ran once, whatever the kill's timing.
    for key in ("writer_a", "writer_b", "writer_c"):
        assert starts[key] == 1, (key, calls)
    # The step that had just finished: once, or once more if its checkpoint was not stored.
    assert starts["editor"] in (1, 2), calls
    assert after_kill["seo"] == 1  # the call in flight at the kill runs again
    finishes = Counter(key for _, event, key in calls if event == "finish")
    assert finishes["visual_director"] == 1 and finishes["seo"] == 1, finishes
