"""Geometry: where to crop, how big to make it, and with which filter."""

from __future__ import annotations

import math
from fractions import Fraction

from PIL import Image

from icop.platforms.images import PlatformSpec


def resample_filter(ratio: float) -> Image.Resampling:
    """The filter for shrinking by `ratio` (source px per output px). Resizing is the costliest
    step after decoding, and Pillow's cost is proportional to the filter's support times the
    ratio. Bicubic, not Lanczos: a third fewer taps for a difference in the third decimal of
    SSIM once JPEG-compressed (0.959 vs 0.961 measured). From 1.5x down, Pillow's bilinear is
    a triangle low-pass at least 3 source pixels wide, enough against aliasing, at half of
    bicubic's cost (SSIM within 0.002 in benchmarks/images.py); closer to 1x it would only
    interpolate, and blur."""
    return Image.Resampling.BILINEAR if ratio >= 1.5 else Image.Resampling.BICUBIC


def aspect_crop(
    w: int, h: int, spec: PlatformSpec | None, side: int
) -> tuple[float, float, float, float]:
    """The centred box of the widest area inside the platform's aspect range (a float box:
    resize() samples it exactly, so the aspect ratio is not lost to rounding).

    A picture taller than `side` / `min_width` cannot have both the minimum width and at most
    `side` pixels of height; it is cropped further rather than distorted."""
    if spec is None:
        return (0.0, 0.0, float(w), float(h))
    min_aspect = max(spec.min_aspect, spec.min_width / side)
    aspect = w / h
    if aspect > spec.max_aspect:
        cw = h * spec.max_aspect
        return ((w - cw) / 2, 0.0, (w + cw) / 2, float(h))
    if aspect < min_aspect:
        ch = w / min_aspect
        return (0.0, (h - ch) / 2, float(w), (h + ch) / 2)
    return (0.0, 0.0, float(w), float(h))


def output_size(cw: float, ch: float, spec: PlatformSpec | None, side: int) -> tuple[int, int]:
    scale = min(1.0, side / max(cw, ch))
    if spec is not None:
        if spec.max_width is not None:
            scale = min(scale, spec.max_width / cw)
        if cw * scale < spec.min_width:  # the platform would upscale anyway, and worse
            scale = min(spec.min_width / cw, side / ch)  # aspect_crop made these agree
    return clamp_aspect(max(1, round(cw * scale)), max(1, round(ch * scale)), spec)


def clamp_aspect(w: int, h: int, spec: PlatformSpec | None) -> tuple[int, int]:
    """Rounding to whole pixels can step a hair outside the range (a 1.91:1 crop of a 1000 px
    tall image is 1910 wide, which at 1440 wide is 753.9 px high); the platforms check the ratio
    exactly, so give up the pixel."""
    if spec is not None:
        if w / h > spec.max_aspect:
            w = max(1, math.floor(h * spec.max_aspect))
        if w / h < spec.min_aspect:
            h = max(1, math.floor(w / spec.min_aspect))
    return w, h


def ratio_label(aspect: float) -> str:
    """4:5, 1.91:1, 1:10 - as the platforms' documents write them."""
    frac = Fraction(aspect).limit_denominator(20)
    if frac and abs(float(frac) - aspect) < 1e-6:
        return f"{frac.numerator}:{frac.denominator}"
    if aspect >= 1:
        return f"{_short(aspect)}:1"
    return f"1:{_short(1 / aspect)}"


def _short(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")
