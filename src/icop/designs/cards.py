"""Visuals as designs: the local renderer's card, and a provider's picture, as editable objects.

``card_design`` lays out the card ``icop.images.render.render_card_image`` draws — background,
two accent motifs placed by the seed, the title as large as fits, the subtitle under an accent
rule, the footer's dot, brand name and logo — as design objects with roles (``background``,
``decoration``, ``title``, ``subtitle``, ``logo``), so that ``render.render`` of the design
looks like the flat card and every part of it can be changed by a command. The seed is the
renderer's random seed (``card_seed`` derives it from a text the way the renderer does), so a
design and a flat card of the same seed carry the same motifs.

``image_design`` puts a provider's picture on the preset's canvas as one ``Image`` layer that
covers it (scaled to fill, the overflow cropped evenly). A title, when given, is *not* burned
into the picture: a generated picture is the picture the user chose, and text on it would need
a scrim or a band that the picture did not have. The title names the layer instead, and a
command ("add the title at the bottom") can add a text object later.
"""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Callable
from typing import Any

from PIL import Image as PILImage
from PIL import ImageFont

from icop.brand.fonts import CATALOG, find_font
from icop.designs.document import Design
from icop.designs.render import FONT_SIZE_FRACTION, FONT_SIZE_MULT
from icop.images.render import BrandKit, CardPreset, safe_area
from icop.images.text import LATIN_FONTS, Font, clean, ellipsize, load_font, needs_cjk, wrap

RGB = tuple[int, int, int]
Json = dict[str, Any]

SUBTITLE_MAX_LINES = 3
LOGO_MAX_WIDTH = 0.3
LOGO_MAX_HEIGHT = 0.08
DEFAULT_FAMILY = "DejaVu Sans"
"""The family of the renderer's default font (``LATIN_FONTS``' first file)."""


def card_seed(text: str) -> int:
    """The renderer's random seed for a seed text (its prompt or title)."""
    digest = hashlib.sha256(text.encode("utf-8", "replace")).digest()
    return int.from_bytes(digest[:8], "big")


def card_design(
    *,
    preset: CardPreset,
    title: str,
    subtitle: str | None,
    brand: BrandKit,
    seed: int,
    logo_src: str | None,
) -> Design:
    """The local renderer's card as design objects. ``logo_src`` is the storage reference of
    ``brand.logo``; without both there is no logo object."""
    title, sub = clean(title), clean(subtitle or "")
    width, height = preset.size
    unit = min(width, height)
    rng = random.Random(seed)  # noqa: S311 - decoration, reproducible by design
    cjk = needs_cjk(title + sub + brand.name)
    family = _family(brand.font_path)
    muted = _mix(brand.text, brand.background, 0.72)
    left, top, right, bottom = safe_area(preset)
    box_w = right - left

    def font(scale: float) -> Font:
        return load_font(brand.font_path, max(8, round(unit * scale)), cjk)

    objects: list[Json] = [
        _rect("background", "background", 0, 0, width, height, _hex(brand.background))
    ]
    objects.extend(_motifs(rng, width, height, brand.accent))

    footer_font = font(0.028)
    footer_y = bottom - _line_height(footer_font)
    dot = round(unit * 0.018)
    dot_y = footer_y + (_line_height(footer_font) - dot) // 2
    objects.append(_rect("dot", "decoration", left, dot_y, dot, dot, _hex(brand.accent)))
    logo = _logo(brand.logo, logo_src, (right, bottom), unit)
    logo_w = round(logo["width"] * logo["scaleX"]) if logo else 0
    name_room = box_w - 2 * dot - (logo_w + round(unit * 0.03) if logo_w else 0)
    name = ellipsize(clean(brand.name), footer_font, name_room)
    objects.append(
        _text("brand-name", None, name, left + 2 * dot, footer_y, name_room, footer_font, muted)
        | {"name": "brand name", "fontFamily": family}
    )
    if logo:
        objects.append(logo)

    sub_font = font(0.036)
    sub_lines = (
        _clip(wrap(sub, sub_font, box_w), SUBTITLE_MAX_LINES, sub_font, box_w) if sub else []
    )
    rule_h, gap = max(3, round(unit * 0.007)), round(unit * 0.035)
    sub_block = (2 * gap + rule_h + len(sub_lines) * _line_height(sub_font)) if sub_lines else 0
    region_top, region_bottom = top, footer_y - round(unit * 0.05)
    lines, title_font = _fit_title(
        title, brand.font_path, cjk, box_w, region_bottom - region_top - sub_block, unit
    )
    title_h = len(lines) * _line_height(title_font)
    block_h = title_h + sub_block if lines else max(0, sub_block - gap)
    y = region_top + max(0, round((region_bottom - region_top - block_h) * 0.55))
    if lines:
        objects.append(
            _text("title", "title", " ".join(lines), left, y, box_w, title_font, brand.text)
            | {"fontFamily": family, "height": float(title_h)}
        )
        y += title_h
    if sub_lines:
        y += gap if lines else 0
        objects.append(
            _rect("rule", "decoration", left, y, round(unit * 0.12), rule_h, _hex(brand.accent))
        )
        y += rule_h + gap
        objects.append(
            _text("subtitle", "subtitle", " ".join(sub_lines), left, y, box_w, sub_font, muted)
            | {"fontFamily": family, "height": float(len(sub_lines) * _line_height(sub_font))}
        )
    return Design.model_validate(
        {
            "width": width,
            "height": height,
            "background": _hex(brand.background),
            "objects": objects,
        }
    )


def image_design(
    *, src: str, width: int, height: int, preset: CardPreset, title: str | None
) -> Design:
    """A provider's ``width`` x ``height`` picture covering the preset's canvas as one layer
    (see the module's docstring for why a title is not drawn on it)."""
    canvas_w, canvas_h = preset.size
    scale = max(canvas_w / width, canvas_h / height)
    crop_w, crop_h = min(width, canvas_w / scale), min(height, canvas_h / scale)
    layer: Json = {
        "type": "Image",
        "id": "picture",
        "role": "image",
        "src": src,
        "left": 0.0,
        "top": 0.0,
        "width": crop_w,
        "height": crop_h,
        "cropX": (width - crop_w) / 2,
        "cropY": (height - crop_h) / 2,
        "scaleX": scale,
        "scaleY": scale,
        "naturalWidth": width,
        "naturalHeight": height,
    }
    if title:
        layer["name"] = clean(title)[:80]
    return Design.model_validate(
        {"width": canvas_w, "height": canvas_h, "background": "#000000", "objects": [layer]}
    )


# --- the parts ------------------------------------------------------------------------------


def _family(font_path: str | None) -> str:
    """The catalog family whose file the brand's font is (the design names families, the
    renderer resolves them again)."""
    if font_path is not None:
        for spec in CATALOG.values():
            if any(find_font(name) == font_path for name in spec.files):
                return spec.label
    return DEFAULT_FAMILY if find_font(LATIN_FONTS[0]) else "sans-serif"


def _hex(colour: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)


def _rgba(colour: RGB, alpha: int) -> str:
    return f"rgba({colour[0]}, {colour[1]}, {colour[2]}, {round(alpha / 255, 3):g})"


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] * t + b[0] * (1 - t)),
        round(a[1] * t + b[1] * (1 - t)),
        round(a[2] * t + b[2] * (1 - t)),
    )


def _rect(
    object_id: str, role: str | None, left: float, top: float, w: float, h: float, fill: str
) -> Json:
    return {
        "type": "Rect",
        "id": object_id,
        "role": role,
        "left": float(left),
        "top": float(top),
        "width": float(w),
        "height": float(h),
        "fill": fill,
    }


def _line_height(font: Font) -> int:
    if isinstance(font, ImageFont.FreeTypeFont):
        ascent, descent = font.getmetrics()
        return int(ascent + descent)
    box = font.getbbox("Ag")
    return int(box[3] - box[1]) + 2


def _text(
    object_id: str,
    role: str | None,
    text: str,
    left: float,
    top: float,
    width: float,
    font: Font,
    colour: RGB,
) -> Json:
    size = font.size if isinstance(font, ImageFont.FreeTypeFont) else 10
    ascent = font.getmetrics()[0] if isinstance(font, ImageFont.FreeTypeFont) else size
    # The local renderer sets a line's baseline its font's ascent below the line's top; a
    # textbox (Fabric, and the design renderer after it) fontSize * 1.13 * 0.778 below.
    baseline = size * FONT_SIZE_MULT * (1 - FONT_SIZE_FRACTION)
    return {
        "type": "Textbox",
        "id": object_id,
        "role": role,
        "text": text,
        "left": float(left),
        "top": float(top + ascent - baseline),
        "width": float(width),
        "fill": _hex(colour),
        "fontSize": float(size),
        "fontWeight": "bold",
        # The local renderer's line step is the font's ascent + descent; a textbox's is
        # fontSize * 1.13 * lineHeight.
        "lineHeight": _line_height(font) / (size * FONT_SIZE_MULT),
    }


def _fit_title(
    title: str, font_path: str | None, cjk: bool, box_w: int, room: int, unit: int
) -> tuple[list[str], Font]:
    """The largest size at which the wrapped title fits the room, as the renderer finds it."""
    lo, hi = max(8, round(unit * 0.035)), round(unit * 0.11)
    if not title:
        return [], load_font(font_path, lo, cjk)

    def layout(size: int) -> tuple[list[str], Font]:
        font = load_font(font_path, size, cjk)
        return wrap(title, font, box_w), font

    best = layout(lo)
    while lo <= hi:
        middle = (lo + hi) // 2
        lines, font = layout(middle)
        if len(lines) * _line_height(font) <= room:
            best, lo = (lines, font), middle + 1
        else:
            hi = middle - 1
    lines, font = best
    return _clip(lines, max(1, room // _line_height(font)), font, box_w), font


def _clip(lines: list[str], limit: int, font: Font, box_w: int) -> list[str]:
    if len(lines) <= limit:
        return lines
    kept = lines[:limit]
    kept[-1] = ellipsize(f"{kept[-1]} {lines[limit]}", font, box_w)
    return kept


def _logo(
    logo_png: bytes | None, src: str | None, corner: tuple[int, int], unit: int
) -> Json | None:
    """The logo fitted to its box in the safe area's bottom-right corner."""
    if logo_png is None or src is None:
        return None
    with PILImage.open(io.BytesIO(logo_png), formats=["PNG"]) as raw:
        natural_w, natural_h = raw.size
    box_w, box_h = round(unit * LOGO_MAX_WIDTH), round(unit * LOGO_MAX_HEIGHT)
    scale = min(box_w / natural_w, box_h / natural_h)
    drawn_w, drawn_h = max(1, round(natural_w * scale)), max(1, round(natural_h * scale))
    return {
        "type": "Image",
        "id": "logo",
        "role": "logo",
        "src": src,
        "left": float(corner[0] - drawn_w),
        "top": float(corner[1] - drawn_h),
        "width": float(natural_w),
        "height": float(natural_h),
        "scaleX": drawn_w / natural_w,
        "scaleY": drawn_h / natural_h,
        "naturalWidth": natural_w,
        "naturalHeight": natural_h,
    }


# --- the accent motifs: the renderer's four, drawing the same random numbers in the same order

Motif = Callable[[random.Random, int, int, RGB], list[Json]]


def _corner(rng: random.Random, w: int, h: int) -> tuple[float, float]:
    return (w * rng.uniform(0.8, 1.05), h * rng.choice((rng.uniform(-0.05, 0.2), 0.95)))


def _circle(
    object_id: str,
    cx: float,
    cy: float,
    r: float,
    *,
    fill: str | None = None,
    stroke: str | None = None,
    stroke_width: float = 0.0,
) -> Json:
    return {
        "type": "Circle",
        "id": object_id,
        "role": "decoration",
        "left": cx - r,
        "top": cy - r,
        "width": 2 * r,
        "height": 2 * r,
        "radius": r,
        "fill": fill,
        "stroke": stroke,
        "strokeWidth": stroke_width,
    }


def _rings(rng: random.Random, w: int, h: int, c: RGB) -> list[Json]:
    cx, cy = _corner(rng, w, h)
    unit = min(w, h)
    r = unit * rng.uniform(0.12, 0.2)
    width = max(2, round(unit * 0.005))
    rings = []
    for index in range(rng.randint(3, 5)):
        # Pillow draws an outline inside its box; a design's stroke is centred on the outline.
        outline = _rgba(c, rng.randint(45, 80))
        rings.append(
            _circle(f"ring-{index + 1}", cx, cy, r - width / 2, stroke=outline, stroke_width=width)
        )
        r += unit * rng.uniform(0.05, 0.09)
    return rings


def _dots(rng: random.Random, w: int, h: int, c: RGB) -> list[Json]:
    unit = min(w, h)
    step, r = unit * rng.uniform(0.03, 0.045), unit * 0.006
    cols, rows = rng.randint(4, 8), rng.randint(3, 6)
    x0 = w - unit * 0.06 - cols * step
    y0 = rng.choice((unit * 0.06, h - unit * 0.06 - rows * step))
    fill = _rgba(c, rng.randint(90, 140))
    return [
        _circle(f"dot-{i + 1}-{j + 1}", x0 + (i + 0.5) * step, y0 + (j + 0.5) * step, r, fill=fill)
        for i in range(cols)
        for j in range(rows)
    ]


def _blob(rng: random.Random, w: int, h: int, c: RGB) -> list[Json]:
    cx, cy = _corner(rng, w, h)
    r = min(w, h) * rng.uniform(0.35, 0.6)
    return [_circle("blob-1", cx, cy, r, fill=_rgba(c, rng.randint(18, 32)))]


def _stripes(rng: random.Random, w: int, h: int, c: RGB) -> list[Json]:
    unit = min(w, h)
    step = unit * rng.uniform(0.025, 0.04)
    start = w * rng.uniform(0.55, 0.75)
    alpha, width = rng.randint(35, 60), max(2, round(unit * 0.004))
    stripes = []
    for index in range(rng.randint(4, 8)):
        x = start + index * step
        stripes.append(
            {
                "type": "Line",
                "id": f"stripe-{index + 1}",
                "role": "decoration",
                "left": x,
                "top": 0.0,
                "width": h * 0.35,
                "height": h * 0.35,
                "x1": x,
                "y1": 0.0,
                "x2": x + h * 0.35,
                "y2": h * 0.35,
                "stroke": _rgba(c, alpha),
                "strokeWidth": float(width),
            }
        )
    return stripes


_MOTIFS: list[tuple[str, Motif]] = [
    ("rings", _rings),
    ("dots", _dots),
    ("blob", _blob),
    ("stripes", _stripes),
]


def _motifs(rng: random.Random, w: int, h: int, accent: RGB) -> list[Json]:
    """Two of the four motifs, each a group (role ``decoration``) one command can recolour,
    move or delete. Members are placed relative to the group's corner."""
    groups = []
    for name, paint in rng.sample(_MOTIFS, 2):
        members = paint(rng, w, h, accent)
        left = min(member["left"] for member in members)
        top = min(member["top"] for member in members)
        right = max(member["left"] + member["width"] for member in members)
        bottom = max(member["top"] + member["height"] for member in members)
        for member in members:
            member["left"] -= left
            member["top"] -= top
            if member["type"] == "Line":
                member["x1"], member["x2"] = member["x1"] - left, member["x2"] - left
        groups.append(
            {
                "type": "Group",
                "id": name,
                "name": name,
                "role": "decoration",
                "left": left,
                "top": top,
                "width": right - left,
                "height": bottom - top,
                "objects": members,
            }
        )
    return groups
