"""CLI start-up benchmark: how long a user waits for ``icop --help`` and for ``icop status``
with nothing running, and how long importing ``icop.cli.main`` takes — each in fresh
processes (an import cache in this process would measure nothing), best of ``--runs``.

    .venv/bin/python -m benchmarks.cli [--runs 5]

``icop status`` runs against an empty temporary home, from an empty working directory (no
``.env`` is read) and with the environment's ICOP_*, DATABASE_URL and TEMPORAL_* variables
removed, on ports nothing listens on: every service is down, so the command reports them down
and starts nothing (its exit status is then 1, which is expected).

Last line: RESULT help_s=… status_s=… import_s=…
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

# The checkout this file belongs to: its code is what is measured, wherever it runs from.
SOURCE = Path(__file__).resolve().parents[1] / "src"
IMPORT_PROBE = (
    "import time; started = time.perf_counter(); import icop.cli.main; "
    "print(time.perf_counter() - started)"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _icop() -> list[str]:
    """The installed ``icop`` script beside this interpreter (what a user types), else
    ``python -m icop``."""
    script = Path(sys.executable).with_name("icop")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "icop"]


def _environment(home: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("ICOP_", "TEMPORAL_")) and name != "DATABASE_URL"
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SOURCE), env.get("PYTHONPATH")]))
    env.update(
        ICOP_HOME=str(home),
        ICOP_API_PORT=str(_free_port()),
        ICOP_EMULATOR_PORT=str(_free_port()),
        ICOP_LLM_LOCAL_PORT=str(_free_port()),
    )
    return env


def _wall(command: Sequence[str], env: dict[str, str], cwd: Path, accept: set[int]) -> float:
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - the icop script or this interpreter
        command, env=env, cwd=cwd, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in accept:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return elapsed


def _imported(env: dict[str, str], cwd: Path) -> float:
    done = subprocess.run(  # noqa: S603 - this interpreter, a probe written here
        [sys.executable, "-c", IMPORT_PROBE],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def main(runs: int) -> None:
    icop = _icop()
    print(f"measuring {' '.join(icop)} with the code under {SOURCE}, best of {runs}")
    with tempfile.TemporaryDirectory(prefix="icop-cli-bench-") as scratch:
        cwd = Path(scratch)
        env = _environment(cwd / "home")
        timings: dict[str, list[float]] = {"help": [], "status": [], "import": []}
        for _ in range(runs):
            timings["help"].append(_wall([*icop, "--help"], env, cwd, accept={0}))
            # Exit 1: services are down, which is what this measures.
            timings["status"].append(_wall([*icop, "status"], env, cwd, accept={0, 1}))
            timings["import"].append(_imported(env, cwd))
        leftovers = sorted(p.name for p in (cwd / "home").glob("*"))
    for name, values in timings.items():
        print(f"{name:>7}: " + " ".join(f"{value:.3f}" for value in values) + " s")
    if leftovers:
        print(f"note: status left {', '.join(leftovers)} in the empty home")
    print(
        f"RESULT help_s={min(timings['help']):.3f} status_s={min(timings['status']):.3f} "
        f"import_s={min(timings['import']):.3f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="Fresh processes per measurement.")
    arguments = parser.parse_args()
    main(arguments.runs)
