"""Quality benchmark: the evaluation harness (icop.evaluation) on the shipped topics, scored, and
published as docs/quality.md with its plots in docs/quality/.

    .venv/bin/python -m benchmarks.quality [--topics ID,ID] [--all] [--provider local]
        [--model NAME|PATH] [--mode compare|merge] [--label TEXT] [--report-only]

A run writes each topic's article through the product's own path (a fresh tenant with the
topic's reference documents, the article activity and graph, the chosen model) in a child
process with a fresh ICOP_HOME, and records the raw articles as JSON in docs/quality/runs/.
Every recorded run is scored again with the current metrics each time the report is written,
so later runs add rows and never replace the baseline. ``--report-only`` rewrites the report
from the recorded runs without writing any article.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
REPORT = DOCS / "quality.md"
RUNS = DOCS / "quality" / "runs"
# Where the side-by-side runner writes the peers' scores (icop.evaluation.report.PeersFile).
PEERS = (DOCS / "quality" / "peers.json", ROOT / ".icop" / "eval" / "peers.json")
# Three English topics and two Korean (one is the issue's own loop): ~25 minutes of the
# bundled model on 2 cores.
DEFAULT_TOPICS = (
    "home-composting",
    "balcony-gardening",
    "sleep-hygiene",
    "ko-home-composting",
    "ko-rooftop-beekeeping",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "run"


def find_model_file(name: str) -> str | None:
    """An already assembled GGUF of the catalog model ``name`` in this checkout's homes (a fresh
    ICOP_HOME would otherwise assemble the model again)."""
    homes = [Path(os.environ["ICOP_HOME"])] if os.environ.get("ICOP_HOME") else []
    homes += [ROOT / ".icop", ROOT / ".icop-test" / "llm"]  # the app's home, the tests' model home
    for home in homes:
        path = home / "models" / f"{name}.gguf"
        if path.is_file():
            return str(path)
    return None


# -- the run (child process) ------------------------------------------------------------------
def phase(args: argparse.Namespace) -> None:
    from rich.console import Console

    from icop.config import get_settings
    from icop.evaluation.dataset import EvalTopic, load_topics
    from icop.evaluation.session import evaluate
    from icop.logging import configure

    configure("WARNING")
    console = Console(stderr=True)

    def progress(topic: EvalTopic, step: str) -> None:
        console.print(f"[dim]{time.strftime('%H:%M:%S')}[/] {topic.id}: {step}", highlight=False)

    run = asyncio.run(
        evaluate(
            get_settings(),
            load_topics(args.topic_ids),
            provider=args.provider,
            model=args.model,
            mode=args.mode,
            out=Path(args.out),
            label=args.label,
            progress=progress,
        )
    )
    console.print(f"{len(run.articles)} article(s) recorded in {args.out}")
    sys.stdout.flush()
    os._exit(0)  # the Temporal SDK's threads can abort finalisation (sdk-python#300)


def run_child(args: argparse.Namespace) -> Path:
    """The evaluation in a child process with a fresh home, database and model port; the raw
    run is copied into docs/quality/runs/ and its path returned."""
    home = Path(tempfile.mkdtemp(prefix="icop-bench-quality-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DATABASE_APP_URL", "REDIS_URL", "TEMPORAL_ADDRESS"}
    }
    env.update(
        {
            "ICOP_HOME": str(home / "home"),
            "ICOP_ENVIRONMENT": "development",
            "ICOP_LLM_LOCAL_PORT": str(_free_port()),
            "ICOP_WORKER_METRICS_PORT": "0",
        }
    )
    command = [
        sys.executable, "-m", "benchmarks.quality", "--phase", "run", "--out", str(home / "out"),
        "--provider", args.provider, "--mode", args.mode, "--topics", ",".join(args.topic_ids),
    ]  # fmt: skip
    if args.model:
        command += ["--model", args.model]
    if args.label:
        command += ["--label", args.label]
    try:
        child = subprocess.run(command, env=env, cwd=ROOT, check=False)  # noqa: S603
        produced = home / "out" / "run.json"
        if not produced.exists():
            raise SystemExit(f"the evaluation run failed (exit {child.returncode})")
        document = json.loads(produced.read_text(encoding="utf-8"))
        RUNS.mkdir(parents=True, exist_ok=True)
        # One file per run, named by when it started: a later run adds a row, never replaces.
        stamp = re.sub(r"[^0-9]", "", document["started_at"])[:12]
        target = RUNS / f"{stamp}-{slug(document['label'])}.json"
        shutil.copyfile(produced, target)
        if child.returncode != 0:
            print(f"the run stopped early (exit {child.returncode}); kept what it wrote")
        return target
    finally:
        subprocess.run(
            [sys.executable, "-m", "icop", "down"],
            env=env, cwd=ROOT, check=False, capture_output=True,
        )  # fmt: skip
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--phase", choices=["run"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument(
        "--topics", default=",".join(DEFAULT_TOPICS), help="topic ids, comma-separated"
    )
    parser.add_argument("--all", action="store_true", help="every shipped topic")
    parser.add_argument("--provider", default="local", help="local | fake | openai | …")
    parser.add_argument("--model", help="catalog name or .gguf (local), or the provider's model")
    parser.add_argument("--mode", default="compare", choices=["compare", "merge"])
    parser.add_argument("--label", help="the run's row label (default: provider:model mode)")
    parser.add_argument("--report-only", action="store_true", help="only rewrite the report")
    args = parser.parse_args()
    if args.all:
        from icop.evaluation.dataset import load_topics

        args.topics = ",".join(topic.id for topic in load_topics())
    args.topic_ids = [part.strip() for part in args.topics.split(",") if part.strip()]
    if args.provider == "local" and not args.model:
        from icop.config import get_settings

        args.model = find_model_file(get_settings().llm_local_model)
    if args.phase == "run":
        phase(args)
        return
    made = None
    if not args.report_only:
        made = run_child(args)
        print(f"recorded {made.relative_to(ROOT)}")
    report(made)


def report(made: Path | None) -> None:
    """Score every recorded run, write docs/quality.md and its plots, and print the RESULT
    line of the run just made (or of the latest run of the default model)."""
    from icop.config import get_settings
    from icop.evaluation.providers import choose
    from icop.evaluation.report import load_peers, load_runs, result_line, score_run, write_report

    runs = [score_run(run) for run in load_runs(RUNS)]
    if not runs:
        raise SystemExit(f"no recorded runs in {RUNS.relative_to(ROOT)}")
    peers = load_peers(PEERS)
    write_report(runs, peers, ROOT, REPORT)
    print(f"wrote {REPORT.relative_to(ROOT)}")
    for scored in runs:
        summary = scored.summary
        print(f"{summary.label}: {result_line(summary)}")
    if made is not None:
        document = json.loads(made.read_text(encoding="utf-8"))
        chosen = next(
            scored
            for scored in runs
            if (scored.run.label, scored.run.started_at)
            == (document["label"], document["started_at"])
        )
    else:
        default = choose(get_settings(), "local", None, Path(tempfile.gettempdir())).model
        local = [s for s in runs if s.summary.provider == "local" and s.summary.model == default]
        chosen = (local or runs)[-1]
    print(result_line(chosen.summary, peers))


if __name__ == "__main__":
    main()
