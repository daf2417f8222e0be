"""The import layers (pyproject.toml, ``[tool.importlinter]``) hold, and a new upward import
breaks them: ``make lint`` runs the same contracts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(src: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=src.parent,
        env={**os.environ, "PYTHONPATH": str(src)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_layers_hold() -> None:
    result = _lint(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "icop", src / "icop", ignore=shutil.ignore_patterns("__pycache__")
    )
    low = src / "icop" / "db" / "system.py"
    low.write_text(low.read_text() + "\nimport icop.runtime.clients  # noqa: E402\n")
    result = _lint(src)
    assert result.returncode != 0
    assert "icop.db.system -> icop.runtime.clients" in result.stdout
