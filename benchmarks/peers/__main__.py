"""Side by side with the peers: STORM and GPT-Researcher on the evaluation topics, with the same
reference documents, the same bundled model behind the same OpenAI-compatible llama.cpp server,
scored with the same metrics as ICOP's articles.

    flock /tmp/icop-heavy.lock .venv/bin/python -m benchmarks.peers \
        [--peers storm,gpt_researcher] [--topics home-composting,sleep-hygiene,ko-home-composting]

Each peer runs in its own virtual environment (``.icop/peers/<peer>/venv``, created from the
exact pins in ``benchmarks/peers/<peer>.requirements.txt`` on first use, reused after) through a
small runner script (``storm_runner.py``, ``gpt_researcher_runner.py``) that writes the report
and its sources as JSON; this process starts the model server, hands each run its inputs, reads
the token counts off the server's ``/metrics``, scores each report with
``icop.evaluation.metrics.score_report`` and writes ``.icop/eval/peers.json``. Runs and raw peer
outputs stay under ``.icop/peers/runs/<peer>/<topic>/``. Running one peer keeps the other's
entries in ``peers.json``.

``.icop/eval/peers.json`` (and, with ``--publish``, ``docs/quality/peers.json``: the copy the
published evaluation is written from) is ``icop.evaluation.report.PeersFile`` — the shape
``benchmarks/quality.py`` reads for the first table of ``docs/quality.md`` and its
``storm_citation_support=… gptr_citation_support=…`` — plus fields of this runner's own, which
that model ignores::

    {
      "generated_at": "2026-…Z",
      "server": {"parallel": 2, "ctx_per_slot": 16384},
      "runs": [
        {
          "system": "storm",                          # or "gpt-researcher"
          "model": "qwen2.5-coder-0.5b-instruct",     # the GGUF every system used
          "label": "knowledge-storm 1.1.1",
          "note": "how it was set up; what failed and why",
          "summary": {"topics": 3, "reports": 3,      # reports: topics without an error
                      "citation_support": 0.41, "invented_sources": 0, "coverage": 0.57,
                      "seconds": 512.3},
          "articles": [
            {"topic_id": "home-composting", "language": "en",
             "scores": {...},                         # icop.evaluation.metrics.ReportScores
             "seconds": 512.3,                        # the peer's own run, model calls included
             "error": null,                           # or "step: ErrorType: message"
             "sources": 4,
             "tokens": {"prompt": 20311, "completion": 4120},
             "notes": ["…"],
             "report": ".icop/peers/runs/storm/home-composting/report.md"}
          ]
        }
      ]
    }

A topic whose peer failed has ``"error"`` set and ``"scores": null``; the summary stands on the
others (``summary.reports`` says how many). ``citation_support`` in the summary is pooled over
the reports' cited sentences (supported / cited, as the published table computes it), ``null``
when no report cited anything; ``invented_sources`` is a total; the rest are means.

Last line: ``RESULT storm_citation_support=… storm_invented_sources=… storm_coverage=…
storm_s=… gptr_citation_support=… gptr_invented_sources=… gptr_coverage=… gptr_s=…
peer_failures=…``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks.peers.environments import PEERS, PeerEnvironment, PeerSetupError
from benchmarks.peers.native import REQUEST_FILE, RESULT_FILE, PeerReport, parse_outputs
from benchmarks.peers.notes import run_note
from benchmarks.peers.scoring import score_peer_report
from benchmarks.peers.settings import SERVER_CTX_PER_SLOT, SERVER_PARALLEL, peer_request
from icop.embeddings.minilm import bundled_model_path
from icop.evaluation.dataset import EvalTopic, load_topics
from icop.evaluation.report import PeersFile
from icop.llm.local import DEFAULT_MODEL, LocalServer, ModelStore, ServerConfig, get_model

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / ".icop" / "eval" / "peers.json"
PUBLISHED = ROOT / "docs" / "quality" / "peers.json"
RUNS = ROOT / ".icop" / "peers" / "runs"
UV = Path(sys.executable).parent / "uv"
# Two English topics and one Korean one, all three in benchmarks/quality.py's default set.
DEFAULT_TOPICS = ["home-composting", "sleep-hygiene", "ko-home-composting"]
SHORT_NAMES = {"storm": "storm", "gpt-researcher": "gptr"}


def model_reference() -> str:
    """An assembled, verified model file if one is at hand, else the catalog name."""
    if os.environ.get("ICOP_BENCH_MODEL"):
        return os.environ["ICOP_BENCH_MODEL"]
    spec = get_model(DEFAULT_MODEL)
    homes = [ROOT / ".icop", ROOT / ".icop-test" / "llm"]
    # A worktree shares the main checkout's assembled model instead of assembling another.
    common = _git_common_root()
    if common is not None and common != ROOT:
        homes += [common / ".icop", common / ".icop-test" / "llm"]
    for home in homes:
        store = ModelStore(home, allow_fetch=False)
        if store.is_ready(spec):
            return str(store.path_for(spec))
    return DEFAULT_MODEL


def _git_common_root() -> Path | None:
    try:
        common = subprocess.run(  # noqa: S603 - a fixed git command
            ["git", "-C", str(ROOT), "rev-parse", "--git-common-dir"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return (ROOT / common).resolve().parent


def server_tokens(base_url: str) -> tuple[int, int]:
    """(prompt, completion) tokens the server has processed so far, from its /metrics."""
    response = httpx.get(f"{base_url}/metrics", timeout=10)
    response.raise_for_status()
    values: dict[str, float] = {}
    for line in response.text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition(" ")
            values[name] = float(value)
    # prompt_tokens_total leaves out the tokens reused from a slot's cache: they were sent all
    # the same, so both are counted.
    return (
        int(values.get("llamacpp:prompt_tokens_total", 0))
        + int(values.get("llamacpp:prompt_tokens_cached_total", 0)),
        int(values.get("llamacpp:tokens_predicted_total", 0)),
    )


def run_peer(
    environment: PeerEnvironment,
    python: Path,
    topic: EvalTopic,
    request: dict[str, Any],
    base_url: str,
    timeout_s: float,
) -> PeerReport:
    """One report: the runner script in the peer's environment, bounded by ``timeout_s``."""
    work_dir = RUNS / environment.peer / topic.id
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True)
    (work_dir / REQUEST_FILE).write_text(
        json.dumps(request, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    before = server_tokens(base_url)
    started = time.perf_counter()
    with (work_dir / "runner.log").open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our runner in the peer's own interpreter
            [str(python), str(environment.script), str(work_dir)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            cwd=work_dir,
            start_new_session=True,
        )
        try:
            process.wait(timeout=timeout_s)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
            timed_out = True
    elapsed = time.perf_counter() - started
    after = server_tokens(base_url)
    if (work_dir / RESULT_FILE).exists():
        report = PeerReport.read(work_dir)
    else:
        report = PeerReport(peer=environment.peer, topic_id=topic.id, seconds=elapsed)
        report.error = (
            f"timed out after {timeout_s:.0f}s (no result written)"
            if timed_out
            else f"the runner exited with code {process.returncode} without a result: "
            f"{_log_tail(work_dir / 'runner.log')}"
        )
    # The server counts every token whoever asked: exact here, since one run holds it at a time.
    report.prompt_tokens = after[0] - before[0]
    report.completion_tokens = after[1] - before[1]
    report.write(work_dir)
    return report


def rendered(report: PeerReport) -> str:
    """The report as it was scored: its text, then its numbered sources."""
    lines = [report.text.strip(), "", "## Sources", ""]
    lines += [f"[{source.number}] {source.title} — {source.url}" for source in report.sources]
    return "\n".join(lines) + "\n"


def _log_tail(path: Path, limit: int = 400) -> str:
    try:
        return path.read_text(errors="replace")[-limit:]
    except OSError:
        return "(no log)"


def article_entry(report: PeerReport, topic: EvalTopic, work_dir: Path) -> dict[str, Any]:
    scores = score_peer_report(report, topic) if report.error is None else None
    if report.text:
        (work_dir / "report.md").write_text(rendered(report), encoding="utf-8")
    return {
        "topic_id": topic.id,
        "language": topic.language,
        "scores": scores,
        "seconds": round(report.seconds, 1),
        "error": report.error,
        "sources": len(report.sources),
        "tokens": {"prompt": report.prompt_tokens, "completion": report.completion_tokens},
        "notes": report.notes,
        "report": _relative(work_dir / "report.md") if report.text else None,
    }


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def summary(articles: list[dict[str, Any]]) -> dict[str, Any]:
    """Pooled citation support, total invented sources, mean coverage and seconds."""
    scored = [article["scores"] for article in articles if article["scores"] is not None]
    seconds = [article["seconds"] for article in articles if article["scores"] is not None]
    cited = sum(scores["cited_sentences"] for scores in scored)
    supported = sum(scores["supported_sentences"] for scores in scored)
    return {
        "topics": len(articles),
        "reports": len(scored),
        "citation_support": round(supported / cited, 4) if cited else None,
        "cited_sentences": cited,
        "invented_sources": sum(scores["invented_sources"] for scores in scored),
        "coverage": _mean([scores["coverage"] for scores in scored]),
        "seconds": _mean(seconds, 1),
    }


def _mean(values: list[float], digits: int = 4) -> float | None:
    return round(sum(values) / len(values), digits) if values else None


def collect(environment: PeerEnvironment, topics: list[EvalTopic], model: str) -> dict[str, Any]:
    """The peer's run as ``PeersFile`` has it, from the result files under ``RUNS``."""
    articles = []
    for topic in topics:
        work_dir = RUNS / environment.peer / topic.id
        if not (work_dir / RESULT_FILE).exists():
            continue
        report = PeerReport.read(work_dir)
        documents = {f"{document.name}.md": document.text for document in topic.documents}
        parsed = parse_outputs(environment.peer, work_dir, documents)
        if parsed is not None and report.error is None:
            # Parsed again from the peer's own files: a parser fix applies to recorded runs.
            report.text, report.sources, _ = parsed
        articles.append(article_entry(report, topic, work_dir))
    return {
        "system": environment.system,
        "model": model,
        "label": f"{environment.package} {environment.pinned_version()}",
        "note": run_note(environment, articles),
        "summary": summary(articles),
        "articles": articles,
    }


def result_line(document: dict[str, Any]) -> str:
    parts = []
    failures = 0
    for run in document["runs"]:
        short = SHORT_NAMES.get(run["system"], run["system"])
        means = run["summary"]
        failures += means["topics"] - means["reports"]
        for key in ("citation_support", "invented_sources", "coverage"):
            value = means.get(key)
            parts.append(f"{short}_{key}={'n/a' if value is None else value}")
        parts.append(f"{short}_s={means.get('seconds') or 'n/a'}")
    parts.append(f"peer_failures={failures}")
    return "RESULT " + " ".join(parts)


def run_all(
    peers: list[PeerEnvironment], topics: list[EvalTopic], timeout_s: float
) -> dict[str, str]:
    """Every (peer, topic) report against one model server; the model name per peer."""
    home = Path(tempfile.mkdtemp(prefix="icop-bench-peers-"))
    server = LocalServer(
        ServerConfig(
            home=home,
            model=model_reference(),
            port=0,
            parallel=SERVER_PARALLEL,
            ctx_per_slot=SERVER_CTX_PER_SLOT,
            allow_fetch=False,
        )
    )
    models = {}
    try:
        state = server.start()
        model = Path(state.model_path).stem
        print(f"model server {state.base_url} serving {model}", flush=True)
        for environment in peers:
            models[environment.peer] = model
            try:
                python = environment.ensure(ROOT, UV)
            except PeerSetupError as error:
                for topic in topics:
                    work_dir = RUNS / environment.peer / topic.id
                    shutil.rmtree(work_dir, ignore_errors=True)
                    work_dir.mkdir(parents=True)
                    PeerReport(environment.peer, topic.id, error=f"install: {error}").write(
                        work_dir
                    )
                continue
            for topic in topics:
                request = peer_request(topic, state.base_url, model, str(bundled_model_path()))
                report = run_peer(environment, python, topic, request, state.base_url, timeout_s)
                print(
                    f"{environment.peer:15s} {topic.id:22s} {report.seconds:7.1f}s "
                    f"sources={len(report.sources)} error={report.error}",
                    flush=True,
                )
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)
    return models


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--peers", default=",".join(PEERS), help="comma-separated")
    parser.add_argument("--topics", default=",".join(DEFAULT_TOPICS), help="comma-separated ids")
    parser.add_argument("--timeout-s", type=float, default=2400, help="per report")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--rescore",
        action="store_true",
        help="score the reports of the last runs again, without running the peers",
    )
    parser.add_argument("--publish", action="store_true", help=f"also write {_relative(PUBLISHED)}")
    arguments = parser.parse_args(argv)
    peers = [PEERS[name] for name in arguments.peers.split(",") if name]
    topics = load_topics([topic for topic in arguments.topics.split(",") if topic])

    if arguments.rescore:
        models = {environment.peer: _recorded_model(environment) for environment in peers}
    else:
        models = run_all(peers, topics, arguments.timeout_s)
    document = _existing(arguments.output)
    runs = {run["system"]: run for run in document["runs"]}
    for environment in peers:
        # The last report of every topic this peer has run, not only today's topics.
        recorded = recorded_topics(environment)
        runs[environment.system] = collect(environment, recorded, models[environment.peer])
    document["runs"] = [runs[system] for system in sorted(runs)]
    document.update(
        generated_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        server={"parallel": SERVER_PARALLEL, "ctx_per_slot": SERVER_CTX_PER_SLOT},
    )
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    PeersFile.model_validate_json(text)  # what benchmarks/quality.py will read
    targets = [arguments.output] + ([PUBLISHED] if arguments.publish else [])
    for target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {_relative(target)}")
    print(result_line(document))
    return 0


def recorded_topics(environment: PeerEnvironment) -> list[EvalTopic]:
    """The evaluation topics with a result file of this peer under ``RUNS``, in dataset order."""
    return [
        topic
        for topic in load_topics()
        if (RUNS / environment.peer / topic.id / RESULT_FILE).exists()
    ]


def _recorded_model(environment: PeerEnvironment) -> str:
    """The model the last runs of this peer were given (their request files say)."""
    for request in sorted((RUNS / environment.peer).glob(f"*/{REQUEST_FILE}")):
        return str(json.loads(request.read_text(encoding="utf-8"))["model"])
    return DEFAULT_MODEL


def _existing(path: Path) -> dict[str, Any]:
    try:
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"runs": []}
    if not isinstance(document.get("runs"), list):
        return {"runs": []}  # an older shape: rebuilt from the result files
    return document


if __name__ == "__main__":
    sys.exit(main())
