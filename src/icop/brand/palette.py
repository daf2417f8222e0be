"""A tenant's brand kit as it is stored and travels (API, Temporal inputs): colours as
``#rrggbb`` and the font as a family name. The image service turns it into its renderer's kit
(``icop.images.branding.brand_kit``) on the machine that renders, which is where a font name can
be resolved to a file.

Contrast follows WCAG 2.x: relative luminance from linearised sRGB channels, and the ratio
(L1 + 0.05) / (L2 + 0.05) of the lighter to the darker colour, from 1 to 21.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# WCAG AA for large text, which is what a card's title and footer are; body-size text would
# need 4.5, but a card has none.
MIN_TEXT_CONTRAST = 3.0
RGB = tuple[int, int, int]
_HEX = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def normalise_hex(value: str) -> str:
    """``#rgb`` or ``#rrggbb`` (any case) as lower-case ``#rrggbb``; ValueError otherwise."""
    found = _HEX.fullmatch(value.strip())
    if found is None:
        raise ValueError(f"a colour is written #rrggbb or #rgb in hex digits, not {value!r}")
    digits = found.group(1).lower()
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return f"#{digits}"


def hex_to_rgb(value: str) -> RGB:
    digits = normalise_hex(value)[1:]
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def rgb_to_hex(colour: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)


def relative_luminance(colour: RGB) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        # 0.04045 is the sRGB standard's threshold (WCAG 2.0 printed 0.03928, a typo since
        # corrected; no 8-bit value falls between the two).
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    la, lb = relative_luminance(a), relative_luminance(b)
    lighter, darker = max(la, lb), min(la, lb)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True)
class BrandSpec:
    name: str
    background: str
    accent: str
    text: str
    font: str | None = None
    """A ``BrandFont`` value, or None for the renderer's default font."""
    logo_key: str | None = None
    """The object storage key of the tenant's logo (a PNG ``icop.brand.logo`` wrote), or
    None; the machine that renders fetches it."""


# A neutral palette (deep slate, warm orange accent, near-white text) with contrast well above
# WCAG AA; the renderer's own default kit is the same (a test holds them together).
DEFAULT_SPEC = BrandSpec(name="ICOP", background="#111827", accent="#f97316", text="#f8fafc")
