"""The server renderer matches the editor's canvas (issue #14 §6): every test design drawn by
Pillow and by Fabric.js 6 in Debian's Chromium (benchmarks/editor_ssim.py, the same fonts and
pictures) scores SSIM >= 0.9."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from benchmarks.editor_ssim import FABRIC, TARGET, measure
from tests.web.conftest import require_node

CHROMIUM = os.environ.get("ICOP_CHROMIUM", "/usr/bin/chromium")


def test_the_server_rendering_matches_fabric_in_chromium(tmp_path: Path) -> None:
    require_node()
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (scripts/system-deps.sh installs it)")
    if not FABRIC.is_file():
        pytest.skip("web/node_modules lacks fabric: run `make web`")
    scores = measure(tmp_path)
    assert len(scores) >= 5
    assert {"poster", "korean", "shapes", "image", "text_en"} <= set(scores)
    assert min(scores.values()) >= TARGET, scores
