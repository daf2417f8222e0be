"""Bar charts for the published evaluation, drawn with Pillow (already a dependency of the
product's image renderer): headless, deterministic, and no plotting library to pin and lock
for four charts."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from icop.brand.fonts import find_font

WIDTH, ROW, TOP, LEFT, RIGHT = 900, 34, 64, 320, 90
BAR = (37, 99, 235)
BAR_MISSING = (203, 213, 225)
INK = (15, 23, 42)
GRID = (226, 232, 240)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = find_font("DejaVu Sans")
    if path:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def bar_chart(
    path: Path,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    maximum: float | None = None,
    unit: str = "",
    digits: int = 2,
) -> Path:
    """A horizontal bar per label (``None``: not measured, drawn as a grey stub "n/a")."""
    known = [v for v in values if v is not None]
    top = maximum if maximum is not None else max([*known, 1e-9]) * 1.1
    height = TOP + ROW * len(labels) + 30
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    heading, text = _font(20), _font(14)
    draw.text((20, 18), title, fill=INK, font=heading)
    span = WIDTH - LEFT - RIGHT
    for step in range(5):
        x = LEFT + span * step / 4
        draw.line([(x, TOP - 6), (x, TOP + ROW * len(labels))], fill=GRID)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = TOP + ROW * index
        shown = label if len(label) <= 40 else label[:39] + "…"
        draw.text((20, y + 8), shown, fill=INK, font=text)
        if value is None:
            draw.rectangle([LEFT, y + 6, LEFT + 8, y + ROW - 6], fill=BAR_MISSING)
            draw.text((LEFT + 14, y + 8), "n/a", fill=INK, font=text)
            continue
        length = span * max(0.0, min(value / top, 1.0)) if top else 0
        draw.rectangle([LEFT, y + 6, LEFT + max(length, 1), y + ROW - 6], fill=BAR)
        draw.text((LEFT + length + 6, y + 8), f"{value:.{digits}f}{unit}", fill=INK, font=text)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="PNG", optimize=True)
    return path
