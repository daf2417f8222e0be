"""One evaluation run, end to end: the database and (for the bundled model) the model server
started, the product's clients built over the chosen model, every topic's article written
(``runner``), and the raw run written as JSON for scoring (``metrics``, ``report``)."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import subprocess
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from icop.config import Settings
from icop.evaluation.dataset import EvalTopic
from icop.evaluation.metrics.scaffolding import prompt_templates
from icop.evaluation.providers import choose
from icop.evaluation.records import RunRecord
from icop.evaluation.runner import EvalOptions, EvalRunner, Mode, Progress
from icop.llm.registry import local_llm_server
from icop.runtime.clients import Runtime
from icop.runtime.database import prepare_database

RUN_FILE = "run.json"


def _git(where: Path, *args: str) -> str:
    command = ["git", "-C", str(where), *args]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603


def code_version(root: Path | None = None) -> str:
    """The checkout's commit, with ``+dirty`` when it has uncommitted changes ('' outside git)."""
    where = root or Path(__file__).resolve().parents[3]
    try:
        commit = _git(where, "rev-parse", "--short", "HEAD")
        dirty = _git(where, "status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return ""
    return f"{commit}+dirty" if dirty else commit


async def evaluate(
    settings: Settings,
    topics: Sequence[EvalTopic],
    *,
    provider: str,
    model: str | None,
    mode: Mode,
    out: Path,
    label: str | None = None,
    progress: Progress | None = None,
) -> RunRecord:
    """Write every topic's article with the chosen model and save the run to ``out/run.json``.

    The clock starts once the database is up, before the model server starts: a finished
    article's ``finished_after_s`` is what a user starting the product waits for it (the model
    file itself already assembled)."""
    choice = choose(settings, provider, model, out)
    current = choice.settings
    await asyncio.to_thread(prepare_database, current)
    started = time.perf_counter()
    server = local_llm_server(current) if choice.provider == "local" else None
    if server is not None:
        await asyncio.to_thread(server.start)
    runtime = Runtime.from_settings(current, llm_providers=choice.providers)
    options = EvalOptions(provider=choice.provider, model=choice.model, mode=mode)
    run = RunRecord(
        label=label or f"{choice.provider}:{choice.model} {mode}",
        provider=choice.provider,
        model=choice.model,
        mode=mode,
        code=code_version(),
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        machine=f"{platform.machine()} {len(_cores())} cores",
        prompts=prompt_templates(),
    )
    try:
        runner = EvalRunner(runtime, options, **({"progress": progress} if progress else {}))
        for topic in topics:
            record = await runner.run_topic(topic, started=started)
            run.articles.append(record)
            # Saved after each article: a long run stopped half-way keeps what it wrote.
            await asyncio.to_thread(save_run, run, out)
    finally:
        await runtime.aclose()
        if server is not None:
            await asyncio.to_thread(server.stop)
    return run


def _cores() -> list[int]:
    return sorted(os.sched_getaffinity(0))


def save_run(run: RunRecord, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / RUN_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(run.model_dump(mode="json"), ensure_ascii=False, indent=1))
    temporary.replace(path)
    return path


def load_run(path: Path) -> RunRecord:
    return RunRecord.model_validate_json(path.read_text(encoding="utf-8"))
