"""What is behind a text, and how well the text stands out from it (WCAG 2.x contrast).

A text's backdrop is the topmost filled shape under the middle of its first line, or the
canvas background when none is. A picture behind a text has no single colour: its contrast is
unknown (None) rather than guessed, and the checks leave such a text alone.
"""

from __future__ import annotations

import re

from icop.brand.palette import RGB, contrast_ratio
from icop.designs.document import Circle, Design, DesignObject, Group, Image, Rect, Textbox

OPAQUE_ENOUGH = 0.5
"""A shape more transparent than this does not count as what a text sits on."""
WHITE: RGB = (255, 255, 255)


def parse_rgba(value: str | None) -> tuple[RGB, float] | None:
    """A Fabric colour as RGB and alpha; None for no colour."""
    if value is None:
        return None
    if value.startswith("#"):
        digits = value[1:]
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)), 1.0
    numbers = re.findall(r"[\d.]+", value)
    alpha = float(numbers[3]) if len(numbers) > 3 else 1.0
    return (int(numbers[0]), int(numbers[1]), int(numbers[2])), alpha


def placed(design: Design) -> list[tuple[DesignObject, float, float]]:
    """Every drawn object in z-order with the offset of the group it is in (members of a group
    are placed relative to its corner)."""
    found: list[tuple[DesignObject, float, float]] = []
    for item in design.objects:
        if isinstance(item, Group):
            found.extend((member, item.left, item.top) for member in item.objects)
        else:
            found.append((item, 0.0, 0.0))
    return found


def text_anchor(item: Textbox, dx: float = 0.0, dy: float = 0.0) -> tuple[float, float]:
    """The middle of a text's first line on the canvas."""
    left, top, right, _ = item.box
    return dx + (left + right) / 2, dy + top + item.font_size * item.scale_y * item.line_height / 2


def backdrop(design: Design, text_id: str) -> RGB | None:
    """The colour behind the text ``text_id``; None when it is a picture (or unknown)."""
    layers = placed(design)
    index = next(i for i, (item, _, _) in enumerate(layers) if item.id == text_id)
    text, dx, dy = layers[index]
    assert isinstance(text, Textbox)
    x, y = text_anchor(text, dx, dy)
    for item, ox, oy in reversed(layers[:index]):
        if not item.visible or item.opacity < OPAQUE_ENOUGH:
            continue
        left, top, right, bottom = item.box
        if isinstance(item, Circle):
            right = left + 2 * item.radius * item.scale_x
            bottom = top + 2 * item.radius * item.scale_y
        if not (ox + left <= x <= ox + right and oy + top <= y <= oy + bottom):
            continue
        if isinstance(item, Image):
            return None
        if isinstance(item, Rect | Circle):
            fill = parse_rgba(item.fill)
            if fill is not None and fill[1] >= OPAQUE_ENOUGH:
                return fill[0]
    canvas = parse_rgba(design.background)
    return canvas[0] if canvas is not None else WHITE


def text_contrast(design: Design, text_id: str) -> float | None:
    """The WCAG contrast ratio of a text's fill against its backdrop (None: unknown)."""
    item = design.find(text_id)
    if not isinstance(item, Textbox):
        return None
    behind = backdrop(design, text_id)
    fill = parse_rgba(item.fill or "#000000")
    if behind is None or fill is None:
        return None
    return contrast_ratio(fill[0], behind)
