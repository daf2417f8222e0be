"""Disaster-recovery drill (docs/disaster-recovery.md): the demo to published posts on the
embedded defaults, a backup, the home destroyed, a restore, and the checks that everything came
back and nothing is published twice.

    .venv/bin/python -m benchmarks.dr [--rows 2] [--latency 0.2]

The demo runs as benchmarks/e2e.py's fake phase runs it (``benchmarks.e2e._drive``: every
queue's real workers, the embedded PostgreSQL and Temporal, the platform emulator, fake model
providers of a fixed latency), in a child process with a fresh ICOP_HOME. Then:

1. the demo pipeline gets a (paused) cron schedule, so there is a schedule to lose;
2. ``icop.ops.recovery.take_inventory``: every article, image (with its stored bytes), post
   status, credential (and whether it decrypts) and schedule, fingerprinted;
3. ``icop.ops.backup.create_backup`` (what ``icop backup`` runs) into a file outside the home;
4. the embedded services stop and the home is deleted: database, media, keys, Temporal's history;
5. timed: ``restore_backup`` into the empty home (what ``icop restore`` runs), the services
   started, and ``resume_after_engine_loss`` (schedules and unsent posts back into the new
   Temporal) — ``restore_s`` is this, the recovery time on this machine;
6. the inventory again, compared; the Temporal schedule looked up;
7. the demo again on the restored home (it re-runs the publisher over the same pipeline and
   posts), and the platform emulator — which lived outside the lost home, as a real platform
   does — counts posts: any beyond the first run's, or any text posted twice on one account,
   is a duplicate.

Last line: RESULT restore_s=… lost_rows=… duplicate_posts=… undecryptable=…
(targets: lost_rows=0 duplicate_posts=0 undecryptable=0).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.e2e import _drive, _free_port, _plan

ROOT = Path(__file__).resolve().parents[1]
DRILL_CRON = "0 9 * * 1-5"
SCHEDULE_PREFIX = "pipeline-"  # icop.planning.schedules.schedule_id


def _fake_models(latency_s: float) -> None:
    """Fake providers of a fixed latency whose writers answer with a publishable article
    (tests.agents.fakes.writes_well): the drill needs posts on the platforms, and the bare
    fake's 60 words never pass the publishability gate."""
    from icop.llm import registry
    from icop.llm.providers.fake import FakeProvider
    from tests.agents.fakes import writes_well

    def providers(settings: Any) -> dict[str, Any]:
        return {
            name: FakeProvider(
                name, latency_s=latency_s, is_configured=name == "local", script=writes_well
            )
            for name in ("local", "openai", "anthropic", "gemini", "ollama")
        }

    registry.default_providers = providers


async def _schedule_demo_pipeline(settings: Any) -> None:
    """A cron schedule on the demo's pipeline (paused: the drill must not fire it)."""
    from icop.cli.demo import DEMO_PIPELINE
    from icop.cli.workspace import workspace
    from icop.db.session import unit_of_work
    from icop.orchestrator.connection import LazyClient
    from icop.planning import service
    from icop.planning.repository import PipelineRepository
    from icop.planning.schemas import PipelineUpdate
    from icop.runtime.clients import Runtime
    from icop.runtime.services import temporal_settings

    runtime = Runtime.from_settings(settings, queues=[])
    temporal = LazyClient(temporal_settings(settings))
    try:
        principal = await workspace(settings, runtime.sessionmaker, None)
        async with unit_of_work(runtime.sessionmaker, principal.tenant_id) as session:
            pipeline = await PipelineRepository(session).by_name(DEMO_PIPELINE)
            assert pipeline is not None, "the demo made no pipeline"
            body = PipelineUpdate(schedule_cron=DRILL_CRON, schedule_paused=True)
            await service.update(session, temporal, principal, pipeline.id, body)
    finally:
        await runtime.aclose()


async def _inventory(settings: Any) -> Any:
    from icop.credentials.vault import build_keyring
    from icop.db.engine import resolve_urls
    from icop.ops.recovery import take_inventory
    from icop.storage.factory import build_object_store

    return await take_inventory(
        resolve_urls(settings).owner,
        settings,
        build_keyring(settings),
        build_object_store(settings),
    )


async def _resume(settings: Any) -> tuple[Any, int]:
    """The restore order's last step; the number of pipeline schedules Temporal then holds."""
    from icop.db.engine import resolve_urls
    from icop.ops.recovery import resume_after_engine_loss
    from icop.orchestrator.connection import LazyClient
    from icop.runtime.clients import Runtime
    from icop.runtime.services import temporal_settings

    runtime = Runtime.from_settings(settings, queues=[])
    temporal = LazyClient(temporal_settings(settings))
    try:
        owner = resolve_urls(settings).owner
        resumed = await resume_after_engine_loss(owner, settings, runtime.sessionmaker, temporal)
        client = await temporal()
        found = 0
        async for listed in await client.list_schedules():
            found += listed.id.startswith(SCHEDULE_PREFIX)
        return resumed, found
    finally:
        await runtime.aclose()


def _emulator_duplicates(state: Any) -> int:
    """Texts posted more than once to one account (a thread's parts are one post each)."""
    seen = Counter((post.platform, post.account_id, post.text) for post in state.posts)
    return sum(count - 1 for count in seen.values() if count > 1)


def drill(latency_s: float, *, control: bool = False) -> None:
    """The drill itself, in a child process (its environment is its settings)."""
    from icop.config import get_settings
    from icop.emulators.platforms import EmulatorServer
    from icop.logging import configure
    from icop.ops.backup import RestoreResult, create_backup, restore_backup
    from icop.ops.recovery import Resumed, compare
    from icop.runtime.services import start_services, stop_services

    configure()
    _fake_models(latency_s)
    calls: list[Any] = []  # e2e's call timing is not the drill's concern
    tokens: list[int] = []
    settings = get_settings()
    archive = settings.home.parent / "drill-backup.tar.gz"
    started = start_services(settings, llm=False)
    emulator = EmulatorServer(host=settings.emulator_host, port=settings.emulator_port).start()
    status = 0
    try:
        first = asyncio.run(_drive(calls, tokens))
        asyncio.run(_schedule_demo_pipeline(settings))
        before = asyncio.run(_inventory(settings))
        posts_before = len(emulator.state.posts)
        manifest = create_backup(settings, archive)

        clock = time.perf_counter()
        if control:  # the same steps without the disaster: what a second run does anyway
            restored = RestoreResult(manifest, manifest.alembic_revision, 0, [], {})
            resumed, schedules_in_temporal = Resumed(0, 0, 0), 1
        else:
            stop_services(settings, only=started)
            shutil.rmtree(settings.home)
            clock = time.perf_counter()
            restored = restore_backup(settings, archive)
            started = start_services(settings, llm=False)
            resumed, schedules_in_temporal = asyncio.run(_resume(settings))
        restore_s = time.perf_counter() - clock

        after = asyncio.run(_inventory(settings))
        check = compare(before, after)
        again = asyncio.run(_drive(calls, tokens))
        posts_after = len(emulator.state.posts)
        report = {
            "demo_s": first["demo_s"],
            "posts_published": first["posts_published"],
            "posts_published_after": again["posts_published"],
            "backup_rows": sum(manifest.tables.values()),
            "backup_objects": manifest.objects,
            "count_mismatches": {k: list(v) for k, v in restored.count_mismatches.items()},
            "inventory": {k: len(v) for k, v in before.items.items()},
            "undecryptable_before": len(before.undecryptable),
            "lost": check.lost,
            "undecryptable": len(check.undecryptable),
            "schedules_resumed": resumed.schedules,
            "posts_resumed": resumed.posts,
            "articles_resumed": resumed.articles,
            "schedules_in_temporal": schedules_in_temporal,
            "restore_s": restore_s,
            "emulator_posts": [posts_before, posts_after],
            "duplicate_posts": posts_after - posts_before + _emulator_duplicates(emulator.state),
        }
        print(json.dumps(report), flush=True)
    except BaseException:
        traceback.print_exc()
        status = 1
    finally:
        emulator.stop()
        stop_services(settings)
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(status)  # the Temporal SDK's threads can abort finalisation (sdk-python#300)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--drill", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--control", action="store_true", help="everything but the disaster (a baseline)"
    )
    parser.add_argument("--latency", type=float, default=0.2, help="fake seconds per model call")
    parser.add_argument("--rows", type=int, default=2, help="plan rows the demo runs")
    parser.add_argument("--words", type=int, default=150, help="article length (the demo's)")
    args = parser.parse_args()
    if args.drill:
        drill(args.latency, control=args.control)
        return
    work = Path(tempfile.mkdtemp(prefix="icop-bench-dr-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DATABASE_APP_URL", "REDIS_URL", "TEMPORAL_ADDRESS"}
    }
    env.update(
        {
            "ICOP_HOME": str(work / "home"),
            "ICOP_ENVIRONMENT": "development",
            "ICOP_API_PORT": str(_free_port()),
            "ICOP_TEMPORAL_PORT": str(_free_port()),
            "ICOP_EMULATOR_PORT": str(_free_port()),
            "ICOP_LLM_LOCAL_PORT": str(_free_port()),
            "ICOP_WORKER_METRICS_PORT": "0",
            "ICOP_DEMO_PLAN": str(_plan(args.rows, work / "plan.csv")),
            "ICOP_DEMO_ARTICLE_WORDS": str(args.words),
        }
    )
    try:
        child = subprocess.run(  # noqa: S603 (this module, by path)
            [
                sys.executable,
                "-m",
                "benchmarks.dr",
                "--drill",
                "--latency",
                str(args.latency),
                *(["--control"] if args.control else []),
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = child.stdout.strip().splitlines()
    if child.returncode != 0 or not lines:
        raise SystemExit(f"the drill failed (exit {child.returncode})")
    report: dict[str, Any] = json.loads(lines[-1])
    print(json.dumps(report, indent=2), flush=True)
    lost_rows = sum(len(ids) for ids in report["lost"].values()) + len(report["count_mismatches"])
    print(
        f"RESULT restore_s={report['restore_s']:.1f} lost_rows={lost_rows} "
        f"duplicate_posts={report['duplicate_posts']} undecryptable={report['undecryptable']}"
    )


if __name__ == "__main__":
    main()
