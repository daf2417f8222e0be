"""Where the server renderer puts things that Fabric.js 6 places by its own conventions: text
lines 1.13 x fontSize x lineHeight apart, the stroke inside the box whose corner is left/top,
square corners unless both rx and ry, and the font
file a textbox is drawn with (the editor's canvas and the SSIM benchmark load the same one)."""

from __future__ import annotations

import numpy as np
from PIL import Image

from icop.brand.fonts import find_font
from icop.designs.document import Design, Textbox
from icop.designs.render import render, text_font_path
from icop.images.text import CJK_FONTS


def _draw(*objects: dict[str, object]) -> Image.Image:
    design = Design.model_validate(
        {"width": 400, "height": 400, "background": "#ffffff", "objects": list(objects)}
    )
    return render(design, lambda src: None)


def _dark_rows(picture: Image.Image) -> list[int]:
    grey = np.asarray(picture.convert("L"))
    return [int(y) for y in np.nonzero(grey.min(axis=1) < 128)[0]]


def test_text_lines_sit_where_fabric_sets_them() -> None:
    # Two lines of 40 px text, lineHeight 1: Fabric's lines are 45.2 px apart (1.13 x 40), and
    # the first baseline is 40 x 1.13 x 0.778 = 35.2 px below the top.
    picture = _draw(
        {
            "type": "Textbox",
            "id": "t",
            "left": 10,
            "top": 100,
            "width": 380,
            "text": "HH\nHH",
            "fontFamily": "DejaVu Sans",
            "fontSize": 40,
            "lineHeight": 1,
            "fill": "#000000",
        }
    )
    rows = _dark_rows(picture)
    first_bottom = max(y for y in rows if y < 100 + 45)
    second_bottom = max(rows)
    assert abs(first_bottom - (100 + 35.2)) <= 1.5  # H stands on the baseline
    assert abs((second_bottom - first_bottom) - 45.2) <= 1.5


def test_the_stroke_lies_inside_the_box_at_left_top() -> None:
    picture = _draw(
        {
            "type": "Rect",
            "id": "r",
            "left": 100,
            "top": 100,
            "width": 100,
            "height": 100,
            "fill": "#ffffff",
            "stroke": "#000000",
            "strokeWidth": 10,
        }
    )
    assert picture.getpixel((99, 150)) == (255, 255, 255)  # nothing left of the box
    assert picture.getpixel((101, 150)) == (0, 0, 0)  # the stroke starts at left
    assert picture.getpixel((208, 150)) == (0, 0, 0)  # and ends at left + width + strokeWidth
    assert picture.getpixel((211, 150)) == (255, 255, 255)


def test_corners_round_only_with_both_radii() -> None:
    square = {"type": "Rect", "id": "r", "left": 0, "top": 0, "width": 100, "height": 100}
    assert _draw({**square, "fill": "#000000", "rx": 30, "ry": 0}).getpixel((1, 1)) == (0, 0, 0)
    rounded = _draw({**square, "fill": "#000000", "rx": 30, "ry": 30})
    assert rounded.getpixel((1, 1)) == (255, 255, 255)


def test_a_regular_text_in_an_unknown_family_takes_a_regular_file() -> None:
    regular = Textbox(id="a", text="Hello", font_family="Inter")
    bold = Textbox(id="b", text="Hello", font_family="Inter", font_weight="bold")
    korean = Textbox(id="c", text="안녕하세요", font_family="Inter")
    found = text_font_path(regular)
    if found is None:  # a machine without any of the default fonts: Pillow's bundled one
        return
    assert "bold" not in found.lower()
    assert "bold" in (text_font_path(bold) or "bold").lower()
    cjk = [path for name in CJK_FONTS if (path := find_font(name)) is not None]
    assert text_font_path(korean) == (cjk[0] if cjk else found)


def test_an_object_without_a_fill_tells_fabric_so() -> None:
    """Fabric fills an object that names no fill black; the server draws none. The document
    the browser loads says ``"fill": null``, for members of a group too."""
    design = Design.model_validate(
        {
            "width": 400,
            "height": 400,
            "objects": [
                {"type": "Circle", "id": "ring", "radius": 50, "stroke": "#f97316"},
                {
                    "type": "Group",
                    "id": "g",
                    "objects": [{"type": "Rect", "id": "frame", "width": 10, "height": 10}],
                },
                {"type": "Rect", "id": "band", "width": 10, "height": 10, "fill": "#112233"},
            ],
        }
    )
    ring, group, band = design.fabric_json()["objects"]
    assert ring["fill"] is None and group["objects"][0]["fill"] is None
    assert band["fill"] == "#112233"
    assert Design.model_validate(design.fabric_json()) == design  # it reads back the same
