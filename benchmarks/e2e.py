"""End-to-end benchmark: the demo `make run` shows — the plan to published posts on the embedded
defaults — run by the same code (`icop.cli.demo.run_demo` with every queue's real workers, the
embedded PostgreSQL and Temporal, the platform emulator, the local image renderer), twice:

1. with a fake model provider that answers every call after a fixed latency (``--latency``), so
   whatever time is not model latency is the platform's own: sub-topic clustering, images,
   workflows, the database, the write-back and the publishing on four platforms;
2. with the bundled model on llama.cpp, as a fresh clone runs it.

    .venv/bin/python -m benchmarks.e2e [--latency 0.5] [--rows 3] [--local-rows 3] [--skip-local]
                                       [--profile] [--fixed-polls]

The fake phase's model answers on-topic angles and a publishable article (``demo_script``), so
every plan row writes its article and publishes it on the four platforms. Its workers warm
their models up before the demo starts (as `icop up`'s have long done by the time a plan
runs); the warm-up is reported on its own.

``--profile`` prints where the fake phase's demo time went, stage by stage, from the
OpenTelemetry spans the code emits (benchmarks/profiling.py): model calls, each activity's and
graph node's own time, sub-topic clustering, embeddings, checkpoints, image rendering and
JPEG, storage, platform calls, polling waits and Temporal's dispatch gaps.
``--fixed-polls`` restores the fixed poll intervals of before (a baseline).

Each phase runs in a child process of its own (a fresh ICOP_HOME, free ports, its own
settings: the workers read them from the environment), which prints one JSON line.

- fake_overhead_ratio: the fake phase's demo wall time divided by the model latency on its
  critical path (the heaviest chain of calls each starting after the previous ended, as in
  benchmarks/orchestration.py): 1.0 would be a platform that costs nothing beyond its model.
- local_article_s: the median article's time from creation to ready in the bundled-model run
  (articles of a run share the model's parallel slots, so this is the time a user waits).
- local_tokens_per_s: tokens the bundled model generated per second that it was generating
  (the union of its calls' intervals): the decode throughput the platform got out of it.
- posts_published: posts the bundled-model run published on the emulator (fake run's count
  when --skip-local).

Last line: RESULT fake_overhead_ratio=… local_article_s=… local_tokens_per_s=… posts_published=…
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from benchmarks import profiling
from benchmarks.orchestration import Call, critical_path_s

DRIVER_POLL = "demo driver: reading progress"

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_PLAN = ROOT / "examples" / "plan.csv"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _busy_s(calls: list[Call]) -> float:
    """The length of the union of the calls' intervals."""
    busy, end = 0.0, float("-inf")
    for call in sorted(calls, key=lambda c: c.started):
        if call.ended > end:
            busy += call.ended - max(call.started, end)
            end = call.ended
    return busy


# -- a phase (child process) ------------------------------------------------------------------
# Angles a planner would list for any topic: the fake's default answer is random words, which
# the sub-topic relevance check rightly drops (a row with none left writes nothing).
FACETS = (
    "a first step-by-step guide",
    "common mistakes and how to fix them",
    "tools and materials that help",
    "the science of why it works",
    "costs and how to save",
    "a seasonal plan for the year",
    "questions beginners ask",
    "small-space ideas",
)


def demo_script(request: Any) -> Any:
    """What the fake model answers in the fake phase: on-topic angles for ``topics.expand``
    and a publishable article for writers and the merger (``tests.agents.fakes.writes_well``,
    as benchmarks.dr uses: the bare fake's 60 words never pass the publishability gate, and a
    phase that publishes nothing measures no publishing); the fake's schema-shaped answer for
    the rest."""
    from icop.llm.providers.fake import FakeReply
    from icop.planning.subtopics.prompts import EXPAND_SYSTEM
    from tests.agents.fakes import writes_well

    if request.messages[0].content == EXPAND_SYSTEM and request.json_schema is not None:
        found = re.search(r"## topic\n(.+)", request.messages[-1].content)
        topic = found.group(1).strip() if found else "the topic"
        size = request.json_schema.schema["properties"]["angles"].get("maxItems", len(FACETS))
        return FakeReply(data={"angles": [f"{topic}: {facet}" for facet in FACETS][:size]})
    return writes_well(request)


def _record_calls(latency_s: float | None) -> tuple[list[Call], list[int]]:
    """Every model call the workers make, timed: the providers ``build_router`` gets wrapped
    (and, for the fake phase, replaced by fake providers of a fixed latency)."""
    from icop.llm import registry
    from icop.llm.providers.base import CompletionRequest, CompletionResult, LLMProvider
    from icop.llm.providers.fake import FakeProvider

    calls: list[Call] = []
    tokens: list[int] = []
    real_default_providers = registry.default_providers

    class Recorded:
        def __init__(self, inner: LLMProvider) -> None:
            self._inner = inner
            self.name = inner.name

        def __getattr__(self, attribute: str) -> Any:
            return getattr(self._inner, attribute)

        async def complete(self, request: CompletionRequest) -> CompletionResult:
            started = time.perf_counter()
            result = await self._inner.complete(request)
            ended = time.perf_counter()
            calls.append(Call(started, ended, latency_s if latency_s else ended - started))
            tokens.append(result.completion_tokens)
            return result

    def providers(settings: Any) -> dict[str, Any]:
        if latency_s is None:
            inner = real_default_providers(settings)
        else:
            inner = {
                name: FakeProvider(
                    name, latency_s=latency_s, is_configured=name == "local", script=demo_script
                )
                for name in ("local", "openai", "anthropic", "gemini", "ollama")
            }
        return {name: Recorded(provider) for name, provider in inner.items()}

    registry.default_providers = providers
    return calls, tokens


def _fixed_polls() -> None:
    """The waits as they were before adaptive polling (a baseline to compare with)."""
    from icop.cli import demo, pipeline

    os.environ["ICOP_META_CONTAINER_POLL_FIRST_S"] = os.environ.get(
        "ICOP_META_CONTAINER_POLL_INTERVAL_S", "2.0"
    )
    demo.POLL_FIRST_S = demo.POLL_MAX_S
    follow = pipeline.follow

    async def fixed(*args: Any, **kwargs: Any) -> Any:
        return await follow(*args, **{**kwargs, "first_poll_s": kwargs.get("poll_s", 1.0)})

    setattr(demo, "follow", fixed)  # noqa: B010 (a module attribute, replaced on purpose)


async def _drive(calls: list[Call], tokens: list[int]) -> dict[str, Any]:
    from rich.console import Console
    from sqlalchemy import select

    from icop.cli.demo import run_demo
    from icop.cli.workspace import workspace
    from icop.config import get_settings
    from icop.db.session import unit_of_work
    from icop.models import GeneratedArticle
    from icop.orchestrator.connection import LazyClient
    from icop.orchestrator.queues import TaskQueue
    from icop.orchestrator.worker import running_workers
    from icop.runtime.clients import Runtime
    from icop.runtime.services import temporal_settings
    from icop.runtime.workers import service_registry

    settings = get_settings()
    # The workers as `icop up` runs them: every queue over one runtime.
    runtime = Runtime.from_settings(settings, queues=list(TaskQueue))
    runtime.temporal = temporal = LazyClient(temporal_settings(settings))
    assert runtime.syndication is not None
    console = Console(stderr=True)
    registry = service_registry(runtime)
    try:
        async with running_workers(
            await temporal(), list(TaskQueue), registry, settings=temporal.settings
        ):
            # The workers load their models in the background as soon as they poll (`icop up`
            # starts them long before anyone runs a plan); the demo is timed on warm workers
            # and the load is reported on its own.
            warm_started = time.perf_counter()
            await registry.warm_up(list(TaskQueue))
            warmup_s = time.perf_counter() - warm_started
            demo_started_ns = time.time_ns()
            result = await run_demo(
                settings,
                runtime.sessionmaker,
                temporal,
                runtime.keyring,
                dict(runtime.syndication.oauth),
                console,
            )
        demo_ended_ns = time.time_ns()
        console.print(result.table)
        principal = await workspace(settings, runtime.sessionmaker, None)  # the demo's tenant
        async with unit_of_work(runtime.sessionmaker, principal.tenant_id) as session:
            articles = list(await session.scalars(select(GeneratedArticle)))
    finally:
        await runtime.aclose()
    ready = [a for a in articles if a.status == "ready"]
    return {
        "demo_s": result.seconds,
        "posts_published": result.posts_published,
        "articles": len(articles),
        "ready": len(ready),
        "article_s": [(a.updated_at - a.created_at).total_seconds() for a in ready],
        "critical_path_s": critical_path_s(calls),
        "calls": len(calls),
        "completion_tokens": sum(tokens),
        "model_busy_s": _busy_s(calls),
        "demo_ns": [demo_started_ns, demo_ended_ns],
        "warmup_s": warmup_s,
    }


def phase(kind: str, latency_s: float, *, profile: bool = False, fixed_polls: bool = False) -> None:
    from icop.config import get_settings
    from icop.emulators.platforms import EmulatorServer
    from icop.logging import configure
    from icop.runtime.services import start_services, stop_services

    configure()  # model calls, activity failures: what `icop up` would log
    keeper = profiling.record() if profile else None  # before any client or worker exists
    if fixed_polls:
        _fixed_polls()
    calls, tokens = _record_calls(latency_s if kind == "fake" else None)
    settings = get_settings()
    started = start_services(settings, llm=kind == "local")
    emulator = EmulatorServer(host=settings.emulator_host, port=settings.emulator_port).start()
    status = 0
    try:
        report = asyncio.run(_drive(calls, tokens))
        if keeper is not None:
            start_ns, end_ns = report["demo_ns"]
            report["profile"] = profiling.breakdown(
                keeper.spans, start_ns, end_ns, driver=[DRIVER_POLL]
            )
        print(json.dumps(report), flush=True)
    except BaseException:
        traceback.print_exc()
        status = 1
    finally:
        emulator.stop()
        stop_services(settings, only=started)
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(status)  # the Temporal SDK's threads can abort finalisation (sdk-python#300)


# -- the driver -------------------------------------------------------------------------------
def _plan(rows: int, path: Path) -> Path:
    with EXAMPLE_PLAN.open(newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(table[: 1 + rows])
    return path


def run_phase(
    kind: str,
    rows: int,
    latency_s: float,
    words: int,
    *,
    profile: bool = False,
    fixed_polls: bool = False,
) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix=f"icop-bench-e2e-{kind}-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DATABASE_APP_URL", "REDIS_URL", "TEMPORAL_ADDRESS"}
    }
    env.update(
        {
            "ICOP_HOME": str(home / "home"),
            "ICOP_ENVIRONMENT": "development",
            "ICOP_API_PORT": str(_free_port()),
            "ICOP_TEMPORAL_PORT": str(_free_port()),
            "ICOP_EMULATOR_PORT": str(_free_port()),
            "ICOP_LLM_LOCAL_PORT": str(_free_port()),
            "ICOP_WORKER_METRICS_PORT": "0",
            "ICOP_DEMO_PLAN": str(_plan(rows, home / "plan.csv")),
            "ICOP_DEMO_ARTICLE_WORDS": str(words),
        }
    )
    started = time.perf_counter()
    try:
        child = subprocess.run(  # noqa: S603 (this module, by path)
            [
                sys.executable,
                "-m",
                "benchmarks.e2e",
                "--phase",
                kind,
                "--latency",
                str(latency_s),
                *(["--profile"] if profile else []),
                *(["--fixed-polls"] if fixed_polls else []),
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
    finally:
        shutil.rmtree(home, ignore_errors=True)
    lines = child.stdout.strip().splitlines()
    if child.returncode != 0 or not lines:
        raise SystemExit(f"the {kind} phase failed (exit {child.returncode})")
    report: dict[str, Any] = json.loads(lines[-1])
    print(
        f"{kind}: {report['ready']}/{report['articles']} articles ready, "
        f"{report['posts_published']} posts published, demo {report['demo_s']:.1f}s "
        f"(process {time.perf_counter() - started:.0f}s), {report['calls']} model calls, "
        f"critical path {report['critical_path_s']:.1f}s, "
        f"{report['completion_tokens']} tokens in {report['model_busy_s']:.1f}s of generation, "
        f"workers warmed up in {report['warmup_s']:.1f}s before the demo",
        flush=True,
    )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--phase", choices=["fake", "local"], help=argparse.SUPPRESS)
    parser.add_argument("--latency", type=float, default=0.5, help="fake seconds per call")
    parser.add_argument("--rows", type=int, default=3, help="plan rows in the fake phase")
    parser.add_argument("--local-rows", type=int, default=3, help="plan rows, bundled model")
    parser.add_argument("--words", type=int, default=300, help="article length (the demo's)")
    parser.add_argument("--skip-local", action="store_true", help="only the fake phase")
    parser.add_argument(
        "--profile", action="store_true", help="print where the fake phase's time goes"
    )
    parser.add_argument(
        "--fixed-polls",
        action="store_true",
        help="the fixed poll intervals of before (demo driver 1 s, media containers 2 s)",
    )
    args = parser.parse_args()
    if args.phase:
        phase(args.phase, args.latency, profile=args.profile, fixed_polls=args.fixed_polls)
        return
    fake = run_phase(
        "fake",
        args.rows,
        args.latency,
        args.words,
        profile=args.profile,
        fixed_polls=args.fixed_polls,
    )
    if args.profile:
        demo_s = fake["demo_s"]
        print(
            profiling.table(
                fake["profile"],
                demo_s,
                f"fake phase: where the demo's {demo_s:.1f} s went (model critical path "
                f"{fake['critical_path_s']:.1f} s, model busy {fake['model_busy_s']:.1f} s)",
            ),
            flush=True,
        )
    local = None if args.skip_local else run_phase("local", args.local_rows, 0.0, args.words)
    overhead = fake["demo_s"] / max(fake["critical_path_s"], 1e-9)
    article_s = statistics.median(local["article_s"]) if local and local["article_s"] else 0.0
    tokens_per_s = local["completion_tokens"] / local["model_busy_s"] if local else 0.0
    published = (local or fake)["posts_published"]
    print(
        f"RESULT fake_overhead_ratio={overhead:.3f} local_article_s={article_s:.1f} "
        f"local_tokens_per_s={tokens_per_s:.1f} posts_published={published}"
    )


if __name__ == "__main__":
    main()
