"""The edit's pictures and text in the brand kit.

Stills and words are kept apart (ADR 0038): a still the local renderer moves over is a
text-free *backdrop* (the brand's colours, soft accent shapes), and every word on screen (the
title, the captions, the call to action, the brand's name) is an *overlay* the edit lays over
the moving picture without moving it. Ken Burns motion then never crops a letter, and a
caption never lands on words already in the picture.

Overlays are drawn once with Pillow at the video's size and cropped to what they cover; the
edit blends each into every frame of its scene with NumPy (``Overlay.apply``), so text costs
one vectorised blend of a small box a frame. All of it sits inside ``TEXT_SAFE``: clear of the
frame's sides and of the top and bottom bands where Reels, Threads and TikTok draw their own
interface."""

from __future__ import annotations

import hashlib
import io
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from icop.images.render import BrandKit
from icop.images.text import Font, clean, ellipsize, load_font, needs_cjk, wrap

RGB = tuple[int, int, int]

# Where words may go, as fractions of the frame (left, top, right, bottom): 8 % from the sides,
# clear of the top 10 % (the platform's header) and the bottom 22 % (its caption, name and
# buttons).
TEXT_SAFE = (0.08, 0.10, 0.92, 0.78)


class Overlay:
    """An RGBA box at (``left``, ``top``): ``rgb`` premultiplied by ``alpha`` (0..1).

    Most of an overlay is either opaque (a caption's panel, a glyph's core) or empty; only
    the glyphs' anti-aliased edges are partly transparent. So a frame at full strength gets
    the opaque pixels copied (``np.copyto`` under a mask) and only the partial ones blended,
    about a millisecond a 1080x1920 frame where blending the whole box cost ten; the fades
    at a scene's edges (a few frames) blend the whole box."""

    __slots__ = (
        "_opaque",
        "_partial",
        "_partial_alpha",
        "_partial_rgb",
        "_solid",
        "alpha",
        "left",
        "rgb",
        "top",
    )

    def __init__(self, top: int, rgb: np.ndarray, alpha: np.ndarray, left: int = 0) -> None:
        self.top, self.left, self.rgb, self.alpha = top, left, rgb, alpha
        plane = alpha[..., 0]
        opaque = plane >= 0.999
        self._opaque = np.repeat(opaque[..., None], 3, axis=2)
        self._solid = np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
        self._partial = np.nonzero((plane > 0.001) & ~opaque)
        self._partial_alpha = alpha[self._partial]
        self._partial_rgb = rgb[self._partial]

    def apply(self, frame: np.ndarray, strength: float = 1.0) -> np.ndarray:
        if strength <= 0:
            return frame
        rows = slice(self.top, self.top + self.alpha.shape[0])
        cols = slice(self.left, self.left + self.alpha.shape[1])
        box = frame[rows, cols]
        if strength >= 1.0:
            np.copyto(box, self._solid, where=self._opaque)
            edge = box[self._partial].astype(np.float32)
            edge *= 1.0 - self._partial_alpha
            edge += self._partial_rgb
            box[self._partial] = edge.astype(np.uint8)
            return frame
        blended = box.astype(np.float32)
        blended *= 1.0 - self.alpha * strength
        blended += self.rgb * strength
        box[...] = blended.astype(np.uint8)
        return frame

    @property
    def box(self) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) in the frame."""
        return (
            self.left,
            self.top,
            self.left + self.alpha.shape[1],
            self.top + self.alpha.shape[0],
        )


Layer = tuple[Overlay, ...]
"""What the edit lays over one scene (possibly nothing)."""


def to_overlay(canvas: Image.Image) -> Overlay | None:
    """A frame-sized RGBA drawing as an overlay cropped to the pixels it covers."""
    bbox = canvas.getchannel("A").getbbox()
    if bbox is None:
        return None
    left, top, _right, _bottom = bbox
    pixels = np.asarray(canvas.crop(bbox), dtype=np.float32)
    alpha = pixels[..., 3:4] / 255.0
    return Overlay(top=top, left=left, rgb=pixels[..., :3] * alpha, alpha=alpha)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    """``t`` of ``a`` and the rest of ``b``."""
    return (
        round(a[0] * t + b[0] * (1 - t)),
        round(a[1] * t + b[1] * (1 - t)),
        round(a[2] * t + b[2] * (1 - t)),
    )


def _luminance(colour: RGB) -> float:
    """WCAG 2 relative luminance."""
    channels = [c / 255 for c in colour]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: RGB, b: RGB) -> float:
    """WCAG 2 contrast ratio (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _on(colour: RGB, brand: BrandKit) -> RGB:
    """The brand's text or background colour, whichever has the higher contrast on
    ``colour`` (white on a bright green pill is 2:1; the dark background on it, 7:1)."""
    return max((brand.text, brand.background), key=lambda c: contrast(c, colour))


def _draw_lines(
    draw: ImageDraw.ImageDraw,
    lines: list[str],
    *,
    font: Font,
    colour: tuple[int, ...],
    centre_x: int,
    top: int,
    line_height: int,
) -> None:
    for number, line in enumerate(lines):
        draw.text((centre_x, top + number * line_height), line, font=font, fill=colour, anchor="ma")


def _fitted(
    text: str, brand: BrandKit, box_w: int, size: int, max_lines: int
) -> tuple[list[str], Font, int]:
    """The largest font (from ``size`` down) at which ``text`` wraps into ``max_lines``; a text
    too long even at the floor keeps ``max_lines`` with the last one ellipsized (never cut by
    the frame)."""
    cjk = needs_cjk(text)
    floor = max(12, box_w // 22)
    while True:
        font = load_font(brand.font_path, size, cjk=cjk)
        lines = wrap(text, font, box_w)
        if len(lines) <= max_lines or size <= floor:
            if len(lines) > max_lines:
                rest = " ".join(lines[max_lines - 1 :])
                lines = [*lines[: max_lines - 1], ellipsize(rest, font, box_w)]
            return lines, font, round(size * 1.22)
        size = round(size * 0.9)


def _safe(size: tuple[int, int]) -> tuple[int, int, int, int]:
    width, height = size
    left, top, right, bottom = TEXT_SAFE
    return (round(width * left), round(height * top), round(width * right), round(height * bottom))


def _logo(brand: BrandKit, height: int) -> Image.Image | None:
    if not brand.logo:
        return None
    with Image.open(io.BytesIO(brand.logo), formats=["PNG"]) as raw:
        logo = raw.convert("RGBA")
    scale = height / logo.height
    return logo.resize((max(1, round(logo.width * scale)), height), Image.Resampling.LANCZOS)


def _signature(
    canvas: Image.Image, brand: BrandKit, *, centre_x: int, top: int, colour: RGB
) -> int:
    """The brand's logo (when it has one) above its name, centred at ``centre_x`` from
    ``top``; returns the bottom."""
    width = canvas.width
    draw = ImageDraw.Draw(canvas)
    logo = _logo(brand, width // 10)
    if logo is not None:
        canvas.alpha_composite(logo, (centre_x - logo.width // 2, top))
        top += logo.height + width // 60
    font = load_font(brand.font_path, max(12, width // 24), cjk=needs_cjk(brand.name))
    name = ellipsize(clean(brand.name), font, width * 0.7)
    draw.text((centre_x, top), name, font=font, fill=(*colour, 255), anchor="ma")
    return top + round(font_size(font) * 1.2)


def backdrop(brand: BrandKit, size: tuple[int, int], seed: str) -> Image.Image:
    """A text-free still in the brand's colours for a scene with no picture: a diagonal
    gradient from the background towards the accent, two large soft accent glows and a ring
    motif placed by ``seed``. Nothing in it is important, so any Ken Burns crop is safe, and it
    has enough shape for the motion to show."""
    width, height = size
    digest = hashlib.sha256(seed.encode("utf-8", "replace")).digest()
    # Decoration, not security: a seeded, reproducible generator is the point.
    rng = random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311
    # The gradient at a quarter of the size (smooth: upscaling loses nothing).
    small_w, small_h = max(2, width // 4), max(2, height // 4)
    ys, xs = np.mgrid[0:small_h, 0:small_w].astype(np.float32)
    direction = rng.choice((1.0, -1.0))
    t = ys / small_h * 0.8 + (xs / small_w if direction > 0 else 1 - xs / small_w) * 0.2
    top_colour = np.array(brand.background, np.float32)
    bottom_colour = np.array(_mix(brand.accent, brand.background, 0.16), np.float32)
    gradient = top_colour + (bottom_colour - top_colour) * t[..., None]
    glow = Image.new("RGBA", (small_w, small_h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(glow)
    for corner in rng.sample(((0.15, 0.2), (0.85, 0.3), (0.2, 0.8), (0.8, 0.85)), 2):
        cx = small_w * (corner[0] + rng.uniform(-0.1, 0.1))
        cy = small_h * (corner[1] + rng.uniform(-0.08, 0.08))
        r = small_w * rng.uniform(0.4, 0.6)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(*brand.accent, rng.randint(40, 60)))
    glow = glow.filter(ImageFilter.GaussianBlur(small_w * 0.12))
    base = Image.fromarray(np.clip(gradient, 0, 255).astype(np.uint8), "RGB").convert("RGBA")
    base = Image.alpha_composite(base, glow).resize(size, Image.Resampling.BICUBIC)
    # Crisp rings in one corner: thin, translucent, shape for the eye and for the motion.
    rings = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(rings)
    cx = width * rng.choice((rng.uniform(-0.05, 0.1), rng.uniform(0.9, 1.05)))
    cy = height * rng.choice((rng.uniform(0.05, 0.2), rng.uniform(0.8, 0.95)))
    r = width * rng.uniform(0.15, 0.22)
    stroke = max(2, width // 270)
    for _ in range(rng.randint(4, 6)):
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(*brand.accent, 70), width=stroke)
        r += width * rng.uniform(0.06, 0.09)
    return Image.alpha_composite(base, rings).convert("RGB")


def title_layer(
    title: str, brand: BrandKit, size: tuple[int, int], *, scrim: bool = False
) -> Layer:
    """The opening: an accent rule, the title large, the brand's logo and name beneath, all in
    the text-safe area; on a translucent panel of the background when it lies over a picture
    (``scrim``), straight on the backdrop otherwise."""
    width, height = size
    left, top, right, bottom = _safe(size)
    lines, font, line_height = _fitted(clean(title), brand, right - left, width // 10, 5)
    rule_w, rule_h = width // 6, max(4, height // 240)
    block = 3 * rule_h + line_height * len(lines) + width // 8
    y = top + max(0, (bottom - top - block) // 2)
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    if scrim:
        pad = width // 20
        draw.rounded_rectangle(
            (left - pad // 2, y - pad, right + pad // 2, y + block + pad),
            radius=pad,
            fill=(*brand.background, 200),
        )
    draw.rectangle(
        (width // 2 - rule_w // 2, y, width // 2 + rule_w // 2, y + rule_h - 1),
        fill=(*brand.accent, 255),
    )
    y += 3 * rule_h
    _draw_lines(
        draw,
        lines,
        font=font,
        colour=(*brand.text, 255),
        centre_x=width // 2,
        top=y,
        line_height=line_height,
    )
    y += line_height * len(lines) + width // 30
    _signature(
        canvas, brand, centre_x=width // 2, top=y, colour=_mix(brand.text, brand.background, 0.75)
    )
    overlay = to_overlay(canvas)
    return (overlay,) if overlay else ()


def end_layer(text: str, brand: BrandKit, size: tuple[int, int]) -> Layer:
    """The close: the call to action on an accent pill, the brand's logo and name below."""
    width, _height = size
    left, top, right, bottom = _safe(size)
    pad = width // 22
    lines, font, line_height = _fitted(clean(text), brand, right - left - 2 * pad, width // 12, 4)
    pill_h = line_height * len(lines) + 2 * pad
    block = pill_h + width // 6
    y = top + max(0, (bottom - top - block) // 2)
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    draw.rounded_rectangle((left, y, right, y + pill_h), radius=pad, fill=(*brand.accent, 255))
    _draw_lines(
        draw,
        lines,
        font=font,
        colour=(*_on(brand.accent, brand), 255),
        centre_x=width // 2,
        top=y + pad + (line_height - font_size(font)) // 2,
        line_height=line_height,
    )
    _signature(canvas, brand, centre_x=width // 2, top=y + pill_h + width // 20, colour=brand.text)
    overlay = to_overlay(canvas)
    return (overlay,) if overlay else ()


def font_size(font: Font) -> int:
    return int(getattr(font, "size", 12))


def caption_layer(
    text: str, brand: BrandKit, size: tuple[int, int], *, centre: bool = False
) -> Layer:
    """A scene's words on a rounded panel of the brand's background in its text colour,
    with an accent rule: large and centred when the scene has no picture (the words are the
    scene), smaller in the lower third over a picture. Wrapped inside the text-safe area;
    always clear of the bottom 22 % where Reels draws its interface."""
    words = clean(text)
    if not words:
        return ()
    width, height = size
    left, top, right, bottom = _safe(size)
    top += width // 10  # below the scene's brand mark (``brand_mark``)
    pad = width // 22
    box_w = right - left - 2 * pad
    if centre:
        lines, font, line_height = _fitted(words, brand, box_w, width // 14, 7)
    else:
        lines, font, line_height = _fitted(words, brand, box_w, width // 18, 4)
    rule_h = max(4, height // 300)
    panel_h = line_height * len(lines) + 2 * pad + 2 * rule_h
    y = top + max(0, (bottom - top - panel_h) // 2) if centre else bottom - panel_h - 1
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    draw.rounded_rectangle((left, y, right, y + panel_h), radius=pad, fill=(*brand.background, 255))
    draw.rectangle(
        (
            width // 2 - width // 16,
            y + pad // 2,
            width // 2 + width // 16,
            y + pad // 2 + rule_h - 1,
        ),
        fill=(*brand.accent, 255),
    )
    _draw_lines(
        draw,
        lines,
        font=font,
        colour=(*brand.text, 255),
        centre_x=width // 2,
        top=y + pad + 2 * rule_h,
        line_height=line_height,
    )
    overlay = to_overlay(canvas)
    return (overlay,) if overlay else ()


def brand_mark(
    brand: BrandKit, size: tuple[int, int], *, step: int | None = None, steps: int = 0
) -> Layer:
    """A scene's small brand mark at the top of the text-safe area: the logo (or an accent
    square) and the brand's name, and, for a run of points, one dash a point with the current
    one in the accent colour (where the viewer is in the video)."""
    width, height = size
    left, top, right, _bottom = _safe(size)
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    font = load_font(brand.font_path, max(12, width // 30), cjk=needs_cjk(brand.name))
    line = round(font_size(font) * 1.2)
    logo = _logo(brand, line)
    x = left
    if logo is not None:
        canvas.alpha_composite(logo, (x, top))
        x += logo.width + width // 60
    else:
        mark = line // 2
        draw.rectangle(
            (x, top + (line - mark) // 2, x + mark - 1, top + (line + mark) // 2 - 1),
            fill=(*brand.accent, 255),
        )
        x += mark + width // 60
    name = ellipsize(clean(brand.name), font, (right - x) * 0.6)
    draw.text((x, top + line // 2), name, font=font, fill=(*brand.text, 235), anchor="lm")
    if step is not None and steps > 1:
        dash, gap, thick = width // 22, width // 90, max(4, height // 320)
        end = right
        for number in reversed(range(steps)):
            colour = brand.accent if number == step else _mix(brand.text, brand.background, 0.45)
            draw.rectangle(
                (end - dash, top + (line - thick) // 2, end - 1, top + (line + thick) // 2 - 1),
                fill=(*colour, 255),
            )
            end -= dash + gap
    overlay = to_overlay(canvas)
    return (overlay,) if overlay else ()


def caption_overlay(
    text: str, brand: BrandKit, size: tuple[int, int], *, centre: bool = False
) -> Overlay | None:
    """The caption as one overlay (``caption_layer``'s only box), or None for no words."""
    layer = caption_layer(text, brand, size, centre=centre)
    return layer[0] if layer else None


def fit_still(still: Image.Image, size: tuple[int, int], background: RGB) -> Image.Image:
    """A picture in the video's aspect: scaled to the frame's width and centred, the bands
    above and below filled with the same picture enlarged, blurred and darkened (what Reels
    does with a 4:5 photo), so the frame is full without cropping the picture's sides."""
    width, height = size
    picture = still.convert("RGB")
    scale = min(width / picture.width, height / picture.height)
    resized = picture.resize(
        (max(1, round(picture.width * scale)), max(1, round(picture.height * scale))),
        Image.Resampling.LANCZOS,
    )
    if resized.size == size:
        return resized
    cover = max(width / picture.width, height / picture.height)
    fill = picture.resize(
        (max(1, round(picture.width * cover / 8)), max(1, round(picture.height * cover / 8))),
        Image.Resampling.BILINEAR,
    ).filter(ImageFilter.GaussianBlur(6))
    fill = fill.resize(
        (max(width, round(picture.width * cover)), max(height, round(picture.height * cover))),
        Image.Resampling.BICUBIC,
    )
    fill = fill.crop(
        (
            (fill.width - width) // 2,
            (fill.height - height) // 2,
            (fill.width - width) // 2 + width,
            (fill.height - height) // 2 + height,
        )
    )
    canvas = Image.blend(fill, Image.new("RGB", size, background), 0.45)
    canvas.paste(resized, ((width - resized.width) // 2, (height - resized.height) // 2))
    return canvas
