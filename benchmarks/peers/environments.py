"""Each peer in its own virtual environment under ``.icop/peers/<peer>/venv`` (git-ignored), so
their dependencies never touch ICOP's.

The environments are created with uv from the exact pins committed next to this file
(``<peer>.requirements.txt``, compiled from ``<peer>.in`` by ``uv pip compile``; the header of
each ``.in`` says why a pin is there). An environment is installed once and reused while its
requirements file is unchanged (a hash of the file is kept in the environment); a changed file
re-syncs it.

Regenerate the pins (after changing a ``.in``)::

    cd benchmarks/peers
    UV_PYTHON_DOWNLOADS=never uv pip compile --python-version 3.11 \
        --python-platform x86_64-manylinux_2_28 --no-header --quiet \
        storm.in -o storm.requirements.txt
    UV_PYTHON_DOWNLOADS=never uv pip compile --python-version 3.12 \
        --python-platform x86_64-manylinux_2_28 --no-header --quiet \
        gpt_researcher.in -o gpt_researcher.requirements.txt
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
MARKER = ".icop-requirements.sha256"


class PeerSetupError(RuntimeError):
    """A peer's environment could not be created (the step and the tool's own message)."""


@dataclass(frozen=True)
class PeerEnvironment:
    peer: str  # directory and file names
    system: str  # the name in peers.json and the published tables
    package: str
    python_version: str  # "3.11": the interpreter the pins were compiled for
    runner: str  # the script that runs inside the environment

    @property
    def requirements(self) -> Path:
        return HERE / f"{self.peer}.requirements.txt"

    @property
    def script(self) -> Path:
        return HERE / self.runner

    def root(self, project: Path) -> Path:
        return project / ".icop" / "peers" / self.peer / "venv"

    def python(self, project: Path) -> Path:
        return self.root(project) / "bin" / "python"

    def pinned_version(self) -> str:
        for line in self.requirements.read_text().splitlines():
            if line.startswith(f"{self.package}=="):
                return line.split("==", 1)[1].strip()
        raise PeerSetupError(f"{self.requirements.name} does not pin {self.package}")

    def is_current(self, project: Path) -> bool:
        marker = self.root(project) / MARKER
        return (
            self.python(project).exists()
            and marker.exists()
            and marker.read_text().strip() == _digest(self.requirements)
        )

    def ensure(self, project: Path, uv: Path) -> Path:
        """The environment's interpreter, creating or re-syncing the environment if needed."""
        if self.is_current(project):
            return self.python(project)
        root = self.root(project)
        interpreter = find_interpreter(self.python_version)
        if interpreter is None:
            raise PeerSetupError(
                f"{self.package} {self.pinned_version()} needs Python {self.python_version}; "
                f"no python{self.python_version} interpreter found (set "
                f"ICOP_PEERS_PYTHON{self.python_version.replace('.', '')} to one)"
            )
        environment = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
        if not self.python(project).exists():
            shutil.rmtree(root, ignore_errors=True)
            _run([str(uv), "venv", "--python", interpreter, str(root)], environment, "uv venv")
        _run(
            [
                str(uv),
                "pip",
                "sync",
                "--python",
                str(self.python(project)),
                str(self.requirements),
            ],
            environment,
            "uv pip sync",
        )
        (root / MARKER).write_text(_digest(self.requirements) + "\n")
        return self.python(project)


STORM = PeerEnvironment("storm", "storm", "knowledge-storm", "3.11", "storm_runner.py")
GPT_RESEARCHER = PeerEnvironment(
    "gpt_researcher", "gpt-researcher", "gpt-researcher", "3.12", "gpt_researcher_runner.py"
)
PEERS = {environment.peer: environment for environment in (STORM, GPT_RESEARCHER)}


def find_interpreter(version: str) -> str | None:
    """A working ``python<version>``: the override variable, PATH, then pyenv's versions."""
    override = os.environ.get(f"ICOP_PEERS_PYTHON{version.replace('.', '')}")
    candidates: list[str | None] = [override, shutil.which(f"python{version}")]
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates.extend(sorted(glob.glob(f"{pyenv_root}/versions/{version}.*/bin/python{version}")))
    candidates.append(f"/usr/bin/python{version}")
    for candidate in candidates:
        if not candidate or not Path(candidate).exists():
            continue
        # pyenv's shim exists for every version but fails for one that is not selected.
        probe = subprocess.run(  # noqa: S603 - our own interpreter candidates
            [candidate, "-c", "import sys; print(sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == str(
            tuple(int(part) for part in version.split("."))
        ):
            return candidate
    return None


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(command: list[str], environment: dict[str, str], step: str) -> None:
    result = subprocess.run(  # noqa: S603 - uv with arguments built here
        command, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise PeerSetupError(f"{step} failed: {result.stderr.strip()[-2000:]}")
