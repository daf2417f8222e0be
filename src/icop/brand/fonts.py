"""The font families a brand kit may name.

A tenant never gives a file path (the API is shared, and the file would be read on whichever
worker renders): it names a family from this catalog, and the machine that renders resolves the
name to one of its installed files. A family missing on that machine falls back to the default
font, as a broken font must not block publishing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from PIL import ImageFont


class BrandFont(StrEnum):
    DEJAVU_SANS = "dejavu-sans"
    DEJAVU_SANS_CONDENSED = "dejavu-sans-condensed"
    DEJAVU_SERIF = "dejavu-serif"
    DEJAVU_SANS_MONO = "dejavu-sans-mono"
    LIBERATION_SANS = "liberation-sans"
    LIBERATION_SERIF = "liberation-serif"
    NOTO_SANS = "noto-sans"
    NOTO_SERIF = "noto-serif"


@dataclass(frozen=True)
class FontFamily:
    label: str
    files: tuple[str, ...]
    """Tried in order; bold first, because cards set titles in bold."""


CATALOG: dict[BrandFont, FontFamily] = {
    BrandFont.DEJAVU_SANS: FontFamily("DejaVu Sans", ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf")),
    BrandFont.DEJAVU_SANS_CONDENSED: FontFamily(
        "DejaVu Sans Condensed", ("DejaVuSansCondensed-Bold.ttf", "DejaVuSansCondensed.ttf")
    ),
    BrandFont.DEJAVU_SERIF: FontFamily("DejaVu Serif", ("DejaVuSerif-Bold.ttf", "DejaVuSerif.ttf")),
    BrandFont.DEJAVU_SANS_MONO: FontFamily(
        "DejaVu Sans Mono", ("DejaVuSansMono-Bold.ttf", "DejaVuSansMono.ttf")
    ),
    BrandFont.LIBERATION_SANS: FontFamily(
        "Liberation Sans", ("LiberationSans-Bold.ttf", "LiberationSans-Regular.ttf")
    ),
    BrandFont.LIBERATION_SERIF: FontFamily(
        "Liberation Serif", ("LiberationSerif-Bold.ttf", "LiberationSerif-Regular.ttf")
    ),
    BrandFont.NOTO_SANS: FontFamily("Noto Sans", ("NotoSans-Bold.ttf", "NotoSans-Regular.ttf")),
    BrandFont.NOTO_SERIF: FontFamily("Noto Serif", ("NotoSerif-Bold.ttf", "NotoSerif-Regular.ttf")),
}


@lru_cache(maxsize=64)
def find_font(name: str) -> str | None:
    """The path of an installed font, once per name: a miss walks every font directory."""
    try:
        found = ImageFont.truetype(name, 12)
    except OSError:
        return None
    return str(found.path)


def resolve_font(name: str | None) -> str | None:
    """The installed file of a family on this machine; None for the default font (no family,
    a family this version does not know, or one not installed here)."""
    if name is None:
        return None
    try:
        family = CATALOG[BrandFont(name)]
    except ValueError:
        return None
    for file in family.files:
        found = find_font(file)
        if found is not None:
            return found
    return None


def font_installed(font: BrandFont) -> bool:
    return resolve_font(font.value) is not None
