"""Memory of everything ``icop up`` starts, per part, at idle and at the peak of the demo.

Starts ``icop up`` (demo on) in a home of its own with every port its own, so it runs beside
another ``icop up`` on the same machine, and samples twice a second every process that
carries that home in its environment (the services inherit it): the embedded PostgreSQL
(postmaster and backends), the Temporal dev server, the local model server (llama.cpp), the
``icop up`` process itself (API, the Temporal workers of every queue and the platform
emulator share it), the dashboard (Next.js) and anything else, named by its command.

Figures in MB (2**20 bytes):
- PSS (proportional set size, from /proc/PID/smaps_rollup): shared pages split between the
  processes sharing them, so the parts add up to what the machine really gives. This is the
  figure the RESULT line reports and the one to size a machine by.
- RSS: resident pages per process, shared ones counted in each (PostgreSQL's shared buffers
  appear in every backend); printed alongside, summed per part.

Phases: ``idle`` is the median over ``--idle-s`` seconds once /readyz answers (every service
up, the model server's model loaded, nothing asked yet); then the demo runs (the function
``icop up`` runs, started from here so the idle figure comes first) and ``peak`` is the
largest total during it (and each part's own largest, not necessarily at the same moment).
The whole demo takes 20-40 minutes on 2 cores: ``--demo-s`` cuts the sampling (the peak is
then the peak so far, and the output says so); a demo that finishes adds an ``after``
column, everything loaded and nothing running.

    PYTHONPATH=src .venv/bin/python -m benchmarks.memory [--demo-s 360] [--idle-s 15]

Last line: RESULT idle_mb=… peak_mb=… <part>_idle_mb=… <part>_peak_mb=… …
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
HOME = ROOT / ".icop-bench-memory"
PARTS = ("database", "temporal", "model", "api", "web", "other")
SAMPLE_S = 0.5
MB = 2**20


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ours(pid: int, marker: bytes) -> bool:
    try:
        return marker in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return False


def _part(pid: int) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        name = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "other"
    if "postgres" in name or "postgres" in command.split(" ")[0]:
        return "database"
    if "temporal" in command.split(" ")[0]:
        return "temporal"
    if "icop.llm.local" in command or "llama" in command:
        return "model"
    if " icop up" in command or command.endswith("-m icop up"):
        return "api"
    if "next-server" in name or "node" in name or "next" in command:
        return "web"
    return "other"


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes; zeros for a process that has just gone."""
    try:
        fields = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            key, _, rest = line.partition(":")
            fields[key] = int(rest.split()[0]) * 1024
        return fields.get("Rss", 0), fields.get("Pss", 0)
    except (OSError, ValueError, IndexError):
        return 0, 0


def _parent(pid: int) -> int:
    try:
        # The field after the command name in parentheses (which may hold spaces).
        return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def _processes(marker: bytes) -> list[int]:
    """The processes carrying the home in their environment, and all their descendants:
    PostgreSQL's backends write their status over the environment block, so they are found
    as the postmaster's children."""
    pids = [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]
    parents = {pid: _parent(pid) for pid in pids}
    ours = {pid for pid in pids if _ours(pid, marker)}
    changed = True
    while changed:
        found = {pid for pid, parent in parents.items() if parent in ours} - ours
        ours |= found
        changed = bool(found)
    return sorted(ours)


def sample(marker: bytes) -> dict[str, tuple[float, float, int]]:
    """Per part: (RSS MB, PSS MB, processes)."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    parts: dict[int, str] = {}
    for pid in _processes(marker):
        rss, pss = _memory(pid)
        # A child without a part of its own (a postgres backend, node's helpers) is its
        # parent's.
        part = _part(pid)
        if part == "other" and _parent(pid) in parts:
            part = parts[_parent(pid)]
        parts[pid] = part
        total = totals[part]
        total[0] += rss / MB
        total[1] += pss / MB
        total[2] += 1
    return {name: (v[0], v[1], int(v[2])) for name, v in totals.items()}


def _pss_total(snapshot: dict[str, tuple[float, float, int]]) -> float:
    return sum(pss for _, pss, _ in snapshot.values())


def _demo(env: dict[str, str], done: list[str]) -> None:
    """The demo ``icop up`` runs once ready (the same function), here so that the idle figure
    comes before it; the driver is a thin HTTP/SQL client, so leaving its own memory out of
    the ``api`` part hardly moves it."""
    import asyncio

    os.environ.update(env)
    from icop.cli.up import _run_demo
    from icop.config import get_settings

    try:
        result = asyncio.run(_run_demo(get_settings()))
        done.append(f"{result.posts_published} post(s) published in {result.seconds:.0f} s")
    except Exception as error:  # reported, and the figures so far still stand
        done.append(f"demo stopped: {error!r}"[:200])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--demo-s",
        type=float,
        default=360,
        help="sample the demo for at most this long (the whole demo takes 20-40 min on 2 cores)",
    )
    parser.add_argument("--idle-s", type=float, default=15, help="idle sampling before the demo")
    parser.add_argument(
        "--models-from",
        type=Path,
        help="an ICOP home's models/ folder to copy the assembled model from (copied, not "
        "linked: a shared file's pages would be split with the other home's model server)",
    )
    args = parser.parse_args()
    _fresh_home(args.models_from)
    api_port = _free_port()
    base = f"http://127.0.0.1:{api_port}"
    env = {
        **os.environ,
        "ICOP_HOME": str(HOME),
        "ICOP_API_PORT": str(api_port),
        "ICOP_TEMPORAL_PORT": str(_free_port()),
        "ICOP_EMULATOR_PORT": str(_free_port()),
        "ICOP_WEB_PORT": str(_free_port()),
        "ICOP_LLM_LOCAL_PORT": str(_free_port()),
        "ICOP_WORKER_METRICS_PORT": "0",
        "ICOP_LOG_LEVEL": "WARNING",
    }
    for variable in ("DATABASE_URL", "DATABASE_APP_URL", "REDIS_URL", "TEMPORAL_ADDRESS"):
        env.pop(variable, None)
    marker = f"ICOP_HOME={HOME}".encode()
    log_path = HOME / "up.log"
    started = time.monotonic()
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "icop", "up", "--no-demo"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    samples: list[tuple[float, str, dict[str, tuple[float, float, int]]]] = []
    done: list[str] = []
    outcome = f"cut after {args.demo_s:.0f} s"
    try:
        _wait_ready(base, server, started)
        print(f"ready after {time.monotonic() - started:.0f} s (model server loaded)")
        idle_until = time.monotonic() + args.idle_s
        while time.monotonic() < idle_until:
            samples.append((time.monotonic() - started, "idle", sample(marker)))
            time.sleep(SAMPLE_S)
        threading.Thread(target=_demo, args=(env, done), name="demo", daemon=True).start()
        demo_until = time.monotonic() + args.demo_s
        while time.monotonic() < demo_until and not done:
            if server.poll() is not None:
                raise SystemExit(f"icop up exited ({server.returncode}); see {log_path}")
            samples.append((time.monotonic() - started, "demo", sample(marker)))
            time.sleep(SAMPLE_S)
        if done:
            outcome = done[0]
            after_until = time.monotonic() + args.idle_s
            while time.monotonic() < after_until:
                samples.append((time.monotonic() - started, "after", sample(marker)))
                time.sleep(SAMPLE_S)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=90)
        except subprocess.TimeoutExpired:
            server.kill()
    report(samples, outcome, time.monotonic() - started)
    sys.stdout.flush()
    # The demo thread may still be waiting on the stopped server: leave without it.
    os._exit(0)


def _fresh_home(models_from: Path | None) -> None:
    """Everything of the last run goes but the assembled model (half a gigabyte, minutes)."""
    HOME.mkdir(parents=True, exist_ok=True)
    for entry in HOME.iterdir():
        if entry.name != "models":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    models = HOME / "models"
    if models_from is not None and not models.exists():
        models.mkdir()
        for source in models_from.iterdir():
            if source.is_file() and not source.name.startswith("."):
                shutil.copy2(source, models / source.name)


def _wait_ready(base: str, server: subprocess.Popen[bytes], started: float) -> None:
    while time.monotonic() - started < 600:
        if server.poll() is not None:
            raise SystemExit(f"icop up exited ({server.returncode}); see {HOME / 'up.log'}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("icop up was not ready within 10 minutes")


def report(
    samples: list[tuple[float, str, dict[str, tuple[float, float, int]]]],
    outcome: str,
    elapsed: float,
) -> None:
    by_phase: dict[str, list[dict[str, tuple[float, float, int]]]] = defaultdict(list)
    for _, phase, snapshot in samples:
        by_phase[phase].append(snapshot)
    idle, after = by_phase["idle"], by_phase["after"]
    during = by_phase["demo"] + after
    if not idle or not during:
        raise SystemExit("too few samples: the demo never started")
    peak_snapshot = max(during, key=_pss_total)
    parts = [part for part in PARTS if any(part in s for s in idle + during)]

    def median(snapshots: list[dict[str, tuple[float, float, int]]], part: str, i: int) -> float:
        values = [s.get(part, (0.0, 0.0, 0))[i] for s in snapshots]
        return statistics.median(values) if values else 0.0

    def peak(part: str, i: int) -> float:
        return max(s.get(part, (0.0, 0.0, 0))[i] for s in during)

    print(f"demo: {outcome} ({elapsed:.0f} s in all, {len(samples)} samples)")
    print(
        f"{'part (MB)':10} {'procs':>5} {'idle PSS':>9} {'idle RSS':>9} {'peak PSS':>9} "
        f"{'peak RSS':>9} {'after PSS':>9}"
    )
    fields: list[str] = []
    for part in parts:
        procs = max(s.get(part, (0, 0, 0))[2] for s in idle + during)
        print(
            f"{part:10} {procs:5d} {median(idle, part, 1):9.0f} {median(idle, part, 0):9.0f} "
            f"{peak(part, 1):9.0f} {peak(part, 0):9.0f} "
            + (f"{median(after, part, 1):9.0f}" if after else f"{'-':>9}")
        )
        fields.append(f"{part}_idle_mb={median(idle, part, 1):.0f}")
        fields.append(f"{part}_peak_mb={peak(part, 1):.0f}")
    idle_total = statistics.median(_pss_total(s) for s in idle)
    peak_total = _pss_total(peak_snapshot)
    peak_rss = max(sum(rss for rss, _, _ in s.values()) for s in during)
    after_note = (
        f", after the demo {statistics.median(_pss_total(s) for s in after):.0f}" if after else ""
    )
    print(
        f"total PSS: idle {idle_total:.0f} MB, peak {peak_total:.0f} MB{after_note} "
        f"(peak RSS summed over processes {peak_rss:.0f} MB)"
    )
    print(f"RESULT idle_mb={idle_total:.0f} peak_mb={peak_total:.0f} " + " ".join(fields))


if __name__ == "__main__":
    main()
