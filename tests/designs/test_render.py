"""The server renderer draws the subset where Fabric.js would: pixels checked at known points."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from icop.designs.document import Design
from icop.designs.render import DesignImageMissing, render, render_png

PHOTO = Image.new("RGB", (200, 100), (0, 200, 0))


def _design(*objects: dict[str, object]) -> Design:
    return Design.model_validate(
        {"width": 400, "height": 300, "background": "#ffffff", "objects": list(objects)}
    )


def _load(src: str) -> Image.Image | None:
    return PHOTO if src == "media/photo.png" else None


def test_shapes_land_where_fabric_puts_them_and_later_objects_cover_earlier_ones() -> None:
    picture = render(
        _design(
            {
                "type": "Rect",
                "id": "r",
                "left": 10,
                "top": 20,
                "width": 100,
                "height": 50,
                "fill": "#ff0000",
            },
            {"type": "Circle", "id": "c", "left": 200, "top": 100, "radius": 40, "fill": "#0000ff"},
            {
                "type": "Rect",
                "id": "over",
                "left": 60,
                "top": 20,
                "width": 50,
                "height": 50,
                "fill": "#000000",
                "opacity": 0.5,
            },
            {
                "type": "Rect",
                "id": "scaled",
                "left": 300,
                "top": 200,
                "width": 10,
                "height": 10,
                "scaleX": 5,
                "scaleY": 5,
                "fill": "#00ff00",
            },
        ),
        _load,
    )
    assert picture.size == (400, 300)
    assert picture.getpixel((15, 25)) == (255, 0, 0)  # inside the rect
    assert picture.getpixel((9, 25)) == (255, 255, 255)  # just left of it
    assert picture.getpixel((240, 140)) == (0, 0, 255)  # the circle's centre (left + radius)
    assert picture.getpixel((201, 101)) == (255, 255, 255)  # its bounding box's corner
    red, green, blue = picture.getpixel((80, 40))  # type: ignore[misc]  # half black over red
    assert 120 <= red <= 135 and green == blue == 0
    assert picture.getpixel((345, 245)) == (0, 255, 0)  # 10 x 10 scaled by 5


def test_rotation_turns_about_the_top_left_corner() -> None:
    # A 100 x 20 bar at (200, 100) turned 90 degrees clockwise hangs down from its corner.
    picture = render(
        _design(
            {
                "type": "Rect",
                "id": "bar",
                "left": 200,
                "top": 100,
                "width": 100,
                "height": 20,
                "angle": 90,
                "fill": "#000000",
            }
        ),
        _load,
    )
    assert picture.getpixel((190, 150)) == (0, 0, 0)
    assert picture.getpixel((250, 110)) == (255, 255, 255)


def test_text_wraps_at_its_width_and_images_come_from_storage() -> None:
    design = _design(
        {
            "type": "Textbox",
            "id": "t",
            "left": 20,
            "top": 20,
            "width": 150,
            "fontSize": 30,
            "text": "Compost at home, step by step",
            "fill": "#000000",
            "fontFamily": "Noto Sans",
        },
        {
            "type": "Image",
            "id": "i",
            "src": "media/photo.png",
            "left": 200,
            "top": 150,
            "scaleX": 0.5,
            "scaleY": 0.5,
        },
    )
    picture = render(design, _load)
    ink = [
        y
        for y in range(20, 200)
        if any(picture.getpixel((x, y)) != (255, 255, 255) for x in range(20, 170))
    ]
    assert max(ink) - min(ink) > 60  # wrapped onto at least three lines of 30 px
    assert not any(picture.getpixel((x, 30)) != (255, 255, 255) for x in range(175, 199))
    assert picture.getpixel((250, 170)) == (0, 200, 0)  # the photo, halved to 100 x 50
    assert picture.getpixel((305, 170)) == (255, 255, 255)
    assert Image.open(io.BytesIO(render_png(design, _load))).size == (400, 300)
    with pytest.raises(DesignImageMissing, match=r"media/gone\.png"):
        render(_design({"type": "Image", "id": "g", "src": "media/gone.png"}), _load)
