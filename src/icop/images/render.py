"""The local renderer: the embedded default image provider.

Offline there is no image model, so every article still gets a picture: a clean title card in the
tenant's brand colours. Cards must be (1) legible at feed size, so the title is as large as fits;
(2) different per article, so a feed of them is not a wall of clones, hence a subtle geometric
accent drawn from a seed (the prompt's hash by default); and (3) reproducible, so re-running a
workflow step yields the same bytes and the same storage key.
"""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from PIL import Image, ImageDraw, ImageFont

from icop.images.jpeg import JpegResult, image_to_platform_jpeg
from icop.images.text import Font, clean, ellipsize, load_font, needs_cjk, wrap
from icop.platforms import Platform

RGB = tuple[int, int, int]
Box = tuple[int, int, int, int]


class CardPreset(Enum):
    PORTRAIT = (1080, 1350)  # 4:5, the tallest Instagram feed image; fine on Threads
    SQUARE = (1080, 1080)
    LANDSCAPE = (1200, 630)  # 1.905:1, link previews, Facebook and X; inside Instagram's 1.91

    @property
    def size(self) -> tuple[int, int]:
        return self.value


@dataclass(frozen=True, slots=True)
class BrandKit:
    """What the renderer needs from a tenant's brand kit. The defaults are a neutral palette
    (deep slate, warm orange accent, near-white text) with contrast well above WCAG AA."""

    name: str = "ICOP"
    background: RGB = (17, 24, 39)
    accent: RGB = (249, 115, 22)
    text: RGB = (248, 250, 252)
    font_path: str | None = None
    logo: bytes | None = None
    """The tenant's logo as ``icop.brand.logo`` stored it (an RGBA PNG it encoded itself),
    drawn in the footer's right-hand corner."""

    def __post_init__(self) -> None:
        for colour in (self.background, self.accent, self.text):
            if len(colour) != 3 or not all(0 <= c <= 255 for c in colour):
                raise ValueError(f"brand colours are three 0-255 values, not {colour!r}")


DEFAULT_BRAND = BrandKit()
SUBTITLE_MAX_LINES = 3


def render_card(
    title: str,
    *,
    subtitle: str | None = None,
    kicker: str | None = None,
    brand: BrandKit = DEFAULT_BRAND,
    preset: CardPreset = CardPreset.PORTRAIT,
    seed: str | None = None,
    platform: Platform | None = None,
) -> JpegResult:
    """A branded card as a platform-ready JPEG. 4:4:4 chroma: at 4:2:0, coloured text on a
    coloured background gets visibly soft edges."""
    image = render_card_image(
        title, subtitle=subtitle, kicker=kicker, brand=brand, preset=preset, seed=seed
    )
    return image_to_platform_jpeg(
        image, platform=platform, background=brand.background, chroma="444"
    )


def safe_area(preset: CardPreset) -> Box:
    """Where text may go: a margin of 7.5 % of the short side, which keeps text clear of the
    rounded corners and overlays the platforms draw on top of images."""
    w, h = preset.size
    m = round(min(w, h) * 0.075)
    return (m, m, w - m, h - m)


def render_card_image(
    title: str,
    *,
    subtitle: str | None = None,
    kicker: str | None = None,
    brand: BrandKit = DEFAULT_BRAND,
    preset: CardPreset = CardPreset.PORTRAIT,
    seed: str | None = None,
) -> Image.Image:
    """The card as an RGB image. An empty title is allowed (it draws no title)."""
    title, sub, kick = clean(title), clean(subtitle or ""), clean(kicker or "")
    w, h = preset.size
    unit = min(w, h)
    seed_text = seed if seed is not None else "\x1f".join((title, sub, kick))
    digest = hashlib.sha256(seed_text.encode("utf-8", "replace")).digest()
    # Decoration, not security: a seeded, reproducible generator is the point.
    rng = random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311

    canvas = Image.new("RGB", (w, h), brand.background)
    _decorate(canvas, rng, brand.accent)
    safe = safe_area(preset)
    left, top, right, bottom = safe
    box_w = right - left
    cjk = needs_cjk(title + sub + kick + brand.name)
    muted = _mix(brand.text, brand.background, 0.72)
    ink = _Ink(canvas.size)
    draw = ImageDraw.Draw(canvas)

    def font(scale: float) -> Font:
        return load_font(brand.font_path, max(8, round(unit * scale)), cjk)

    y = top
    if kick:
        kf = font(0.03)
        ink.text(brand.accent, (left, y), ellipsize(kick.upper(), kf, box_w), kf)
        y += _line_height(kf) + round(unit * 0.035)

    ff = font(0.028)
    footer_y = bottom - _line_height(ff)
    dot = round(unit * 0.018)
    dot_y = footer_y + (_line_height(ff) - dot) // 2
    draw.rectangle((left, dot_y, left + dot - 1, dot_y + dot - 1), fill=brand.accent)
    logo_w = _draw_logo(canvas, brand.logo, safe, unit) if brand.logo else 0
    name_room = box_w - 2 * dot - (logo_w + round(unit * 0.03) if logo_w else 0)
    name = ellipsize(clean(brand.name), ff, name_room)
    ink.text(muted, (left + 2 * dot, footer_y), name, ff)

    sub_lines: list[str] = []
    sf = font(0.036)
    if sub:
        sub_lines = _clip(wrap(sub, sf, box_w), SUBTITLE_MAX_LINES, sf, box_w)
    rule_h, gap = max(3, round(unit * 0.007)), round(unit * 0.035)
    sub_block = (2 * gap + rule_h + len(sub_lines) * _line_height(sf)) if sub_lines else 0
    region_top, region_bottom = y, footer_y - round(unit * 0.05)
    title_room = region_bottom - region_top - sub_block

    lines, tf = _fit_title(title, brand.font_path, cjk, box_w, title_room, unit)
    title_h = len(lines) * _line_height(tf)
    block_h = title_h + sub_block if lines else max(0, sub_block - gap)
    # Slightly below centre reads as "settled"; never above the region's top.
    y = region_top + max(0, round((region_bottom - region_top - block_h) * 0.55))
    for line in lines:
        ink.text(brand.text, (left, y), line, tf)
        y += _line_height(tf)
    if sub_lines:
        y += gap if lines else 0
        draw.rectangle((left, y, left + round(unit * 0.12) - 1, y + rule_h - 1), fill=brand.accent)
        y += rule_h + gap
        for line in sub_lines:
            ink.text(muted, (left, y), line, sf)
            y += _line_height(sf)
    ink.apply(canvas, safe)
    return canvas


LOGO_MAX_HEIGHT = 0.08  # of the short side: below the title's region (footer_y - 0.05)
LOGO_MAX_WIDTH = 0.3


def _draw_logo(canvas: Image.Image, logo_png: bytes, safe: Box, unit: int) -> int:
    """The logo scaled to fit its box (up or down, keeping its proportions) in the safe area's
    bottom-right corner, blended by its alpha; its drawn width."""
    with Image.open(io.BytesIO(logo_png), formats=["PNG"]) as raw:
        logo = raw.convert("RGBA")
    box_w, box_h = round(unit * LOGO_MAX_WIDTH), round(unit * LOGO_MAX_HEIGHT)
    scale = min(box_w / logo.width, box_h / logo.height)
    size = (max(1, round(logo.width * scale)), max(1, round(logo.height * scale)))
    logo = logo.resize(size, Image.Resampling.LANCZOS)
    _, _, right, bottom = safe
    canvas.paste(logo, (right - size[0], bottom - size[1]), logo)
    return size[0]


class _Ink:
    """Text is drawn into one coverage mask per colour and painted through the safe area only,
    so no title, however hostile (stacked combining marks, glyphs with huge overhangs), can put
    a pixel in the margin. Painting a colour through a coverage mask is what draw.text does."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.size = size
        self.masks: dict[RGB, Image.Image] = {}

    def text(self, colour: RGB, xy: tuple[int, int], line: str, font: Font) -> None:
        if colour not in self.masks:
            self.masks[colour] = Image.new("L", self.size, 0)
        ImageDraw.Draw(self.masks[colour]).text(xy, line, fill=255, font=font, anchor="la")

    def apply(self, canvas: Image.Image, safe: Box) -> None:
        for colour, mask in self.masks.items():
            clipped = Image.new("L", self.size, 0)
            clipped.paste(mask.crop(safe), safe[:2])
            canvas.paste(colour, (0, 0, *self.size), clipped)


def _line_height(font: Font) -> int:
    if isinstance(font, ImageFont.FreeTypeFont):
        ascent, descent = font.getmetrics()
        return int(ascent + descent)
    box = font.getbbox("Ag")
    return int(box[3] - box[1]) + 2


def _fit_title(
    title: str, font_path: str | None, cjk: bool, box_w: int, room: int, unit: int
) -> tuple[list[str], Font]:
    """The largest size at which the wrapped title fits the room (binary search: wrapped height
    grows with the size). If even the smallest size does not fit, cut with an ellipsis."""
    lo, hi = max(8, round(unit * 0.035)), round(unit * 0.11)

    def layout(size: int) -> tuple[list[str], Font]:
        font = load_font(font_path, size, cjk)
        return wrap(title, font, box_w), font

    if not title:
        return [], load_font(font_path, lo, cjk)
    best = layout(lo)
    while lo <= hi:
        mid = (lo + hi) // 2
        lines, font = layout(mid)
        if len(lines) * _line_height(font) <= room:
            best, lo = (lines, font), mid + 1
        else:
            hi = mid - 1
    lines, font = best
    fits = max(1, room // _line_height(font))
    return _clip(lines, fits, font, box_w), font


def _clip(lines: list[str], limit: int, font: Font, box_w: int) -> list[str]:
    if len(lines) <= limit:
        return lines
    kept = lines[:limit]
    kept[-1] = ellipsize(f"{kept[-1]} {lines[limit]}", font, box_w)
    return kept


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] * t + b[0] * (1 - t)),
        round(a[1] * t + b[1] * (1 - t)),
        round(a[2] * t + b[2] * (1 - t)),
    )


Painter = Callable[[ImageDraw.ImageDraw, random.Random, int, int, RGB], None]


def _decorate(canvas: Image.Image, rng: random.Random, accent: RGB) -> None:
    """Two of four translucent accent motifs, placed by the seed. Low alpha keeps them behind
    the text visually even where they overlap it."""
    overlay = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    w, h = canvas.size
    for paint in rng.sample(_MOTIFS, 2):
        paint(draw, rng, w, h, accent)
    composed = Image.alpha_composite(canvas.convert("RGBA"), overlay).convert("RGB")
    canvas.paste(composed)


def _corner(rng: random.Random, w: int, h: int) -> tuple[float, float]:
    """Right-hand corners: the left edge carries the kicker and footer."""
    return (w * rng.uniform(0.8, 1.05), h * rng.choice((rng.uniform(-0.05, 0.2), 0.95)))


def _rings(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int, c: RGB) -> None:
    cx, cy = _corner(rng, w, h)
    unit = min(w, h)
    r = unit * rng.uniform(0.12, 0.2)
    for _ in range(rng.randint(3, 5)):
        draw.ellipse(
            (cx - r, cy - r, cx + r, cy + r),
            outline=(*c, rng.randint(45, 80)),
            width=max(2, round(unit * 0.005)),
        )
        r += unit * rng.uniform(0.05, 0.09)


def _dots(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int, c: RGB) -> None:
    unit = min(w, h)
    step, r = unit * rng.uniform(0.03, 0.045), unit * 0.006
    cols, rows = rng.randint(4, 8), rng.randint(3, 6)
    x0 = w - unit * 0.06 - cols * step
    y0 = rng.choice((unit * 0.06, h - unit * 0.06 - rows * step))
    alpha = rng.randint(90, 140)
    for i in range(cols):
        for j in range(rows):
            x, y = x0 + (i + 0.5) * step, y0 + (j + 0.5) * step
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(*c, alpha))


def _blob(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int, c: RGB) -> None:
    cx, cy = _corner(rng, w, h)
    r = min(w, h) * rng.uniform(0.35, 0.6)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(*c, rng.randint(18, 32)))


def _stripes(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int, c: RGB) -> None:
    unit = min(w, h)
    step = unit * rng.uniform(0.025, 0.04)
    start = w * rng.uniform(0.55, 0.75)
    alpha, width = rng.randint(35, 60), max(2, round(unit * 0.004))
    for i in range(rng.randint(4, 8)):
        x = start + i * step
        draw.line((x, 0, x + h * 0.35, h * 0.35), fill=(*c, alpha), width=width)


_MOTIFS: list[Painter] = [_rings, _dots, _blob, _stripes]
