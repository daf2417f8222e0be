"""The edit's text in the brand kit: the title card, the end card and the caption overlays.

Cards are drawn once with Pillow at the video's size; captions are drawn once per scene as an
RGBA band and blended into every frame of the scene with NumPy (``Overlay.apply``), so text
costs nothing per frame beyond one vectorised blend of the band's rows."""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from icop.images.render import BrandKit
from icop.images.text import Font, clean, load_font, needs_cjk, wrap

RGB = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Overlay:
    """An RGBA band placed at row ``top``: ``rgb`` premultiplied by ``alpha`` (0..1)."""

    top: int
    rgb: np.ndarray
    alpha: np.ndarray

    def apply(self, frame: np.ndarray, strength: float = 1.0) -> np.ndarray:
        if strength <= 0:
            return frame
        rows = slice(self.top, self.top + self.alpha.shape[0])
        alpha = self.alpha * strength
        band = frame[rows].astype(np.float32)
        band *= 1.0 - alpha
        band += self.rgb * strength
        frame[rows] = band.astype(np.uint8)
        return frame


def _draw_lines(
    draw: ImageDraw.ImageDraw,
    lines: list[str],
    *,
    font: Font,
    colour: RGB,
    centre_x: int,
    top: int,
    line_height: int,
) -> None:
    for number, line in enumerate(lines):
        draw.text((centre_x, top + number * line_height), line, font=font, fill=colour, anchor="ma")


def _fitted(
    text: str, brand: BrandKit, box_w: int, size: int, max_lines: int
) -> tuple[list[str], Font, int]:
    """The largest font (from ``size`` down) at which ``text`` wraps into ``max_lines``."""
    cjk = needs_cjk(text)
    while True:
        font = load_font(brand.font_path, size, cjk=cjk)
        lines = wrap(text, font, box_w)
        if len(lines) <= max_lines or size <= 24:
            return lines[:max_lines], font, round(size * 1.25)
        size = round(size * 0.88)


def _logo(canvas: Image.Image, brand: BrandKit, centre_x: int, bottom: int, height: int) -> None:
    if not brand.logo:
        return
    with Image.open(io.BytesIO(brand.logo), formats=["PNG"]) as raw:
        logo = raw.convert("RGBA")
    scale = height / logo.height
    logo = logo.resize((max(1, round(logo.width * scale)), height), Image.Resampling.LANCZOS)
    canvas.paste(logo, (centre_x - logo.width // 2, bottom - height), logo)


def title_card(title: str, brand: BrandKit, size: tuple[int, int]) -> Image.Image:
    """The opening card: the title large on the brand's background, an accent rule above it,
    the brand's name (and logo) at the foot."""
    width, height = size
    canvas = Image.new("RGB", size, brand.background)
    draw = ImageDraw.Draw(canvas)
    margin = round(width * 0.09)
    lines, font, line_height = _fitted(clean(title), brand, width - 2 * margin, width // 9, 6)
    block = line_height * len(lines)
    top = (height - block) // 2
    rule_w, rule_h = width // 5, max(4, height // 160)
    draw.rectangle(
        (width // 2 - rule_w // 2, top - 3 * rule_h, width // 2 + rule_w // 2, top - 2 * rule_h),
        fill=brand.accent,
    )
    _draw_lines(
        draw,
        lines,
        font=font,
        colour=brand.text,
        centre_x=width // 2,
        top=top,
        line_height=line_height,
    )
    _footer(canvas, brand)
    return canvas


def end_card(text: str, brand: BrandKit, size: tuple[int, int]) -> Image.Image:
    """The closing card: the call to action on the accent colour, the brand below it."""
    width, height = size
    canvas = Image.new("RGB", size, brand.background)
    draw = ImageDraw.Draw(canvas)
    margin = round(width * 0.1)
    lines, font, line_height = _fitted(clean(text), brand, width - 2 * margin, width // 12, 5)
    block = line_height * len(lines)
    top = (height - block) // 2
    pad = line_height // 2
    draw.rounded_rectangle(
        (margin // 2, top - pad, width - margin // 2, top + block + pad // 2),
        radius=pad,
        fill=brand.accent,
    )
    _draw_lines(
        draw,
        lines,
        font=font,
        colour=brand.background,
        centre_x=width // 2,
        top=top,
        line_height=line_height,
    )
    _footer(canvas, brand)
    return canvas


def _footer(canvas: Image.Image, brand: BrandKit) -> None:
    width, height = canvas.size
    draw = ImageDraw.Draw(canvas)
    font = load_font(brand.font_path, max(12, width // 26), cjk=needs_cjk(brand.name))
    bottom = height - round(height * 0.06)
    if brand.logo:
        _logo(canvas, brand, width // 2, bottom - width // 18, width // 9)
    draw.text((width // 2, bottom), clean(brand.name), font=font, fill=brand.text, anchor="md")


def caption_overlay(
    text: str, brand: BrandKit, size: tuple[int, int], *, centre: bool = False
) -> Overlay | None:
    """A caption band (brand background at 80 %, text in the brand's text colour) in the lower
    third, or centred; clear of the bottom 20 % where Reels and TikTok draw their own UI."""
    words = clean(text)
    if not words:
        return None
    width, height = size
    margin = round(width * 0.08)
    lines, font, line_height = _fitted(words, brand, width - 4 * margin, width // 18, 3)
    pad = line_height // 3
    band_h = line_height * len(lines) + 2 * pad
    top = (height - band_h) // 2 if centre else round(height * 0.78) - band_h
    band = Image.new("RGBA", (width, band_h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(band)
    draw.rounded_rectangle(
        (margin, 0, width - margin, band_h - 1), radius=pad, fill=(*brand.background, 204)
    )
    _draw_lines(
        draw,
        lines,
        font=font,
        colour=brand.text,
        centre_x=width // 2,
        top=pad,
        line_height=line_height,
    )
    pixels = np.asarray(band, dtype=np.float32)
    alpha = pixels[..., 3:4] / 255.0
    return Overlay(top=top, rgb=pixels[..., :3] * alpha, alpha=alpha)


def fit_still(still: Image.Image, size: tuple[int, int], background: RGB) -> Image.Image:
    """A still in the video's aspect: scaled to the frame's width and centred on the brand's
    background (a 4:5 picture in a 9:16 frame keeps all of itself; cropping a card's sides
    would cut its text)."""
    width, height = size
    picture = still.convert("RGB")
    scale = min(width / picture.width, height / picture.height)
    resized = picture.resize(
        (max(1, round(picture.width * scale)), max(1, round(picture.height * scale))),
        Image.Resampling.LANCZOS,
    )
    canvas = Image.new("RGB", size, background)
    canvas.paste(resized, ((width - resized.width) // 2, (height - resized.height) // 2))
    return canvas
