"""Orchestration benchmark: articles through the real ``ArticleWorkflow`` (embedded Temporal dev
server, embedded PostgreSQL with the graph's checkpoints, the LangGraph article graph) with a
fake model provider that answers every call after a fixed latency, so whatever time is not
model latency is the platform's own overhead.

    .venv/bin/python -m benchmarks.orchestration [--articles 6] [--latency 0.2]

- overhead_ratio: an article's workflow wall time (start_workflow to result) divided by the sum
  of the model latencies on its critical path. The path is computed from the calls the article
  actually made: the heaviest chain of calls each starting after the previous one ended (the
  weighted-interval recurrence), so parallel calls (writers, social posts) count once.
- parallel_writers_ratio: the writer stage's wall time (first writer node started to last
  writer node finished) divided by the slowest single writer node.
- articles_per_min: throughput with all articles started at once.

The ratios are medians over articles run one at a time, after one warm-up article. Everything
runs in a throwaway ICOP_HOME; the servers started here are stopped at the end.

Last line: RESULT overhead_ratio=… parallel_writers_ratio=… articles_per_min=…
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import socket
import statistics
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from benchmarks import profiling

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Call:
    started: float
    ended: float
    nominal_s: float


def critical_path_s(calls: list[Call]) -> float:
    """The heaviest chain of calls where each starts after the previous ended."""
    ordered = sorted(calls, key=lambda call: call.ended)
    best: list[float] = []
    for index, call in enumerate(ordered):
        before = [best[j] for j in range(index) if ordered[j].ended <= call.started]
        best.append(call.nominal_s + max(before, default=0.0))
    return max(best, default=0.0)


async def run(articles: int, latency_s: float, home: Path, *, profile: bool = False) -> None:
    from temporalio.client import Client

    from icop.agents.protocols import ProgressEvent
    from icop.agents.runtime import NativeRuntime
    from icop.agents.schemas import WRITERS, ImageAsset, ImagePrompt, Source
    from icop.articles.activities import ArticleActivities, ArticleWorkflowInput
    from icop.articles.generator import GraphArticleGenerator
    from icop.articles.repository import ArticleRepository
    from icop.articles.workflows import ArticleWorkflow
    from icop.auth import service as auth
    from icop.auth.service import ClientInfo
    from icop.auth.tokens import TokenService
    from icop.config import Settings
    from icop.db.engine import create_engine, create_sessionmaker, resolve_urls
    from icop.db.session import unit_of_work
    from icop.llm.policy import default_policy
    from icop.llm.providers.base import CompletionRequest, CompletionResult
    from icop.llm.providers.fake import FakeProvider
    from icop.llm.smart_router import SmartRouter
    from icop.llm.throttle import Throttle
    from icop.models import GeneratedArticle
    from icop.orchestrator.connection import TemporalSettings, connect
    from icop.orchestrator.dev_server import EmbeddedTemporal
    from icop.orchestrator.queues import TaskQueue
    from icop.orchestrator.worker import WorkerRegistry, running_workers
    from tests.agents.fakes import SOURCES, writes_well

    keeper = profiling.record() if profile else None  # before the client and workers exist
    calls: list[Call] = []
    events: list[tuple[float, ProgressEvent]] = []
    stages: dict[str, list[float]] = {}

    class TimedProvider(FakeProvider):
        async def complete(self, request: CompletionRequest) -> CompletionResult:
            started = time.perf_counter()
            result = await super().complete(request)
            calls.append(Call(started, time.perf_counter(), self.latency_s))
            return result

    class Researcher:
        # The sources tests.agents.fakes.writes_well's article is written from: the bare
        # fake's 60 words, or statements found in no source, never pass the publishability
        # gate, and an article that ends in needs_review measures no images or markdown.
        async def research(self, tenant_id: UUID, topic: str, language: str) -> list[Source]:
            return list(SOURCES)

    class BrandVoice:
        async def retrieve(
            self, tenant_id: UUID, topic: str, language: str, limit: int = 3
        ) -> list[str]:
            return ["Plain words, one good tip at a time."]

        async def similarity(self, tenant_id: UUID, text: str) -> float | None:
            return 0.5

        async def tone(self, tenant_id: UUID) -> str | None:
            return None

    class Images:
        async def make(
            self,
            tenant_id: UUID,
            article_id: str,
            prompts: Sequence[ImagePrompt],
            *,
            title: str = "",
        ) -> list[ImageAsset]:
            return [
                ImageAsset(
                    index=i,
                    url=f"https://cdn.example.com/{article_id}/{i}.jpg",
                    alt=p.alt,
                    width=1600,
                    height=900,
                    size_bytes=1,
                    provider="bench",
                )
                for i, p in enumerate(prompts)
            ]

    class Generator(GraphArticleGenerator):
        async def _dispatch(self, event: ProgressEvent) -> None:
            events.append((time.perf_counter(), event))
            await super()._dispatch(event)

    settings = Settings()
    engine = create_engine(resolve_urls(settings).app, settings, pool_size=8, max_overflow=4)
    sessionmaker = create_sessionmaker(engine)
    fakes = {
        name: TimedProvider(
            name, latency_s=latency_s, is_configured=name == "local", script=writes_well
        )
        for name in ("local", "openai", "anthropic", "gemini", "ollama")
    }
    router = SmartRouter(
        dict(fakes),
        default_policy(),
        Throttle(global_rate_per_minute=1_000_000, provider_concurrency={}),
    )
    generator = Generator(
        sessionmaker,
        runtime=NativeRuntime(router),
        researcher=Researcher(),
        brand_voice=BrandVoice(),
        images=Images(),
    )
    activities = ArticleActivities(sessionmaker, generator, home, "http://bench")
    registry = WorkerRegistry()
    registry.register(
        TaskQueue.AGENTS,
        workflows=[ArticleWorkflow],
        activities=[activities.generate, activities.set_status],
    )
    server = EmbeddedTemporal(home, port=_free_port())
    await server.start()
    try:
        temporal = TemporalSettings(home=home, port=server.port)
        client: Client = await connect(temporal)
        async with unit_of_work(sessionmaker, None) as session:
            pair = await auth.signup(
                session,
                TokenService.from_settings(settings),
                email="bench@example.com",
                password=secrets.token_urlsafe(16),
                company_name="Bench",
                display_name=None,
                client=ClientInfo(user_agent="benchmark"),
            )
        tenant_id = pair.tenant_id

        async def article() -> str:
            article_id = uuid.uuid4()
            async with unit_of_work(sessionmaker, tenant_id) as session:
                await ArticleRepository(session).add(
                    GeneratedArticle(
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
                )
            handle = await client.start_workflow(
                ArticleWorkflow.run,
                ArticleWorkflowInput(tenant_id=str(tenant_id), article_id=str(article_id)),
                id=f"article-{article_id}",
                task_queue=temporal.queue_name(TaskQueue.AGENTS),
            )
            result = await handle.result()
            if result.status != "ready":
                raise SystemExit(f"article {article_id} ended {result.status}")
            return str(article_id)

        async with running_workers(client, [TaskQueue.AGENTS], registry, settings=temporal):
            await article()  # warm-up: connections, caches, first workflow task
            overheads, writer_ratios, paths = [], [], []
            for _ in range(articles):
                calls.clear()
                events.clear()
                started = time.perf_counter()
                started_ns = time.time_ns()
                article_id = await article()
                wall = time.perf_counter() - started
                if keeper is not None:
                    for name, seconds, _ in profiling.breakdown(
                        keeper.spans, started_ns, time.time_ns()
                    ):
                        stages.setdefault(name, []).append(seconds)
                    keeper.spans.clear()
                path = critical_path_s(calls)
                overheads.append(wall / path)
                paths.append(path)
                mine = [(at, e) for at, e in events if e.article_id == article_id]
                begun = {e.step: at for at, e in mine if e.state == "started"}
                ended = {e.step: at for at, e in mine if e.state == "finished"}
                stage = max(ended[w] for w in WRITERS) - min(begun[w] for w in WRITERS)
                slowest = max(ended[w] - begun[w] for w in WRITERS)
                writer_ratios.append(stage / slowest)
                print(
                    f"article: wall {wall:.3f}s, critical path {path:.2f}s over {len(calls)} "
                    f"calls, overhead {wall - path:.3f}s; writers {stage:.3f}s vs {slowest:.3f}s"
                )
            started = time.perf_counter()
            await asyncio.gather(*(article() for _ in range(articles)))
            together = time.perf_counter() - started
    finally:
        server.stop()
        await engine.dispose()
    print(f"{articles} articles at once in {together:.2f}s")
    if keeper is not None:
        # Mean per article (an article without the stage adds 0 s to it).
        rows = [(name, sum(values) / articles, len(values)) for name, values in stages.items()]
        rows.sort(key=lambda row: -row[1])
        print(
            profiling.table(
                rows,
                sum(v for _, v, _ in rows),
                f"one article's wall time, mean over {articles} (spans: articles it appeared in)",
            )
        )
    print(
        f"RESULT overhead_ratio={statistics.median(overheads):.3f} "
        f"parallel_writers_ratio={statistics.median(writer_ratios):.3f} "
        f"articles_per_min={articles / together * 60:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=6)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per model call")
    parser.add_argument("--profile", action="store_true", help="where an article's time goes")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="icop-bench-orchestration-"))
    os.environ["ICOP_HOME"] = str(home)
    for variable in ("DATABASE_URL", "DATABASE_APP_URL", "REDIS_URL", "TEMPORAL_ADDRESS"):
        os.environ.pop(variable, None)
    from icop.config import Settings
    from icop.runtime.database import prepare_database, stop_embedded

    settings = Settings()
    status = 0
    try:
        prepare_database(settings)
        asyncio.run(run(args.articles, args.latency, home, profile=args.profile))
    except BaseException:  # report, still stop the servers
        traceback.print_exc()
        status = 1
    finally:
        stop_embedded(settings)
        shutil.rmtree(home, ignore_errors=True)
        sys.stdout.flush()
        sys.stderr.flush()
    # The Temporal SDK's threads can abort interpreter finalisation (sdk-python#300).
    os._exit(status)


if __name__ == "__main__":
    main()
