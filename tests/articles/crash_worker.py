"""A worker process for the crash test (``python -m tests.articles.crash_worker``): the article
workflow and its activities on the ``agents`` queue, over the test database (ICOP_HOME and
ICOP_DB_NAME come from the parent's environment) and fake model providers.

Every model call is logged to ``--log`` as it starts and as it finishes, one line each
(``<pid> start|finish <role>[:<platform>]``), appended with ``O_APPEND`` writes: the lines are
in the file the moment they are written, so a SIGKILL loses none of them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from icop.agents.runtime import NativeRuntime
from icop.articles.activities import ArticleActivities
from icop.articles.generator import GraphArticleGenerator
from icop.articles.workflows import ArticleWorkflow
from icop.config import Settings
from icop.db.engine import create_engine, create_sessionmaker, resolve_urls
from icop.llm.providers.base import CompletionRequest, CompletionResult
from icop.llm.providers.fake import FakeProvider, FakeReply
from icop.orchestrator.connection import TemporalSettings, connect
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import WorkerRegistry, run_workers
from tests.agents.fakes import (
    ARTICLE_TEXT,
    MemoryBrandVoice,
    MemoryImageMaker,
    MemoryResearcher,
    platform_of,
    role_of,
    router,
)

WRITER_TEXT = ARTICLE_TEXT


def call_key(request: CompletionRequest) -> str:
    role = role_of(request)
    return f"{role}:{platform_of(request)}" if role == "social_copywriter" else role


class LoggedProvider(FakeProvider):
    def __init__(self, name: str, *, log_fd: int, latency_s: float, slow: dict[str, float]):
        super().__init__(name, script=self._reply, is_configured=name == "local")
        self.log_fd = log_fd
        self.default_latency_s = latency_s
        self.slow = slow

    def _reply(self, request: CompletionRequest) -> FakeReply:
        role = role_of(request)
        delay = self.slow.get(role, self.default_latency_s)
        if role.startswith("writer_"):
            return FakeReply(text=WRITER_TEXT, delay_s=delay)
        return FakeReply(delay_s=delay)

    def _log(self, event: str, key: str) -> None:
        os.write(self.log_fd, f"{os.getpid()} {event} {key}\n".encode())

    async def complete(self, request: CompletionRequest) -> CompletionResult:
        key = call_key(request)
        self._log("start", key)
        result = await super().complete(request)
        self._log("finish", key)
        return result


async def main(arguments: argparse.Namespace) -> None:
    settings = Settings()
    engine = create_engine(resolve_urls(settings).app, settings, pool_size=4, max_overflow=4)
    sessionmaker = create_sessionmaker(engine)
    log_fd = os.open(arguments.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    slow = dict(item.split("=", 1) for item in arguments.slow)
    fakes = {
        name: LoggedProvider(
            name,
            log_fd=log_fd,
            latency_s=arguments.latency,
            slow={role: float(seconds) for role, seconds in slow.items()},
        )
        for name in ("local", "openai", "anthropic", "gemini", "ollama")
    }
    generator = GraphArticleGenerator(
        sessionmaker,
        runtime=NativeRuntime(router(dict(fakes))),
        researcher=MemoryResearcher(),
        brand_voice=MemoryBrandVoice(),
        images=MemoryImageMaker(),
    )
    activities = ArticleActivities(
        sessionmaker, generator, Path(arguments.home), "http://testserver"
    )
    registry = WorkerRegistry()
    registry.register(
        TaskQueue.AGENTS,
        workflows=[ArticleWorkflow],
        activities=[activities.generate, activities.set_status],
    )
    temporal = TemporalSettings(
        home=Path(arguments.temporal_home),
        port=arguments.temporal_port,
        task_queue_prefix=arguments.prefix,
    )
    client = await connect(temporal)
    os.write(log_fd, f"{os.getpid()} ready worker\n".encode())
    # Runs until the parent kills the process: that is the point.
    await run_workers(client, [TaskQueue.AGENTS], registry, asyncio.Event(), settings=temporal)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--temporal-home", required=True)
    parser.add_argument("--temporal-port", type=int, required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--home", required=True, help="where the markdown files go")
    parser.add_argument("--log", required=True)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--slow", action="append", default=[], help="ROLE=SECONDS")
    asyncio.run(main(parser.parse_args()))
    sys.stdout.flush()
    os._exit(0)
