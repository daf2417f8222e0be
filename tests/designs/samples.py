"""Designs the engine's tests (and benchmarks.editor) share: a 1080 x 1350 poster with a title,
two lines of text, two images, a red button, a green dot, a blue band and a logo."""

from __future__ import annotations

import json
from pathlib import Path

from icop.designs.document import Design

DATA = Path(__file__).parent / "data"
POSTER = Design.model_validate(json.loads((DATA / "poster.json").read_text(encoding="utf-8")))
