"""Fonts and line breaking for the card renderer.

Titles come from language models in any language, so wrapping cannot assume spaces: Chinese and
Japanese break between any two characters, Korean and Latin scripts at spaces, and a word wider
than the line (a URL, a German compound) is broken by characters rather than overflowing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from PIL import ImageFont

from icop.brand.fonts import find_font

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
ELLIPSIS = "…"

# Tried in order by file name (Pillow searches the system font directories). DejaVu ships with
# most Linux images; the CJK ones are used only when the text needs them and one is installed.
LATIN_FONTS = ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "LiberationSans-Bold.ttf", "Arial.ttf")
CJK_FONTS = (
    "NotoSansCJK-Bold.ttc",
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKkr-Bold.otf",
    "NanumGothicBold.ttf",
    "wqy-zenhei.ttc",
    "DroidSansFallbackFull.ttf",
)


def load_font(path: str | None, size: int, cjk: bool = False) -> Font:
    """The brand's font when it loads, else a system font, else Pillow's bundled default
    (scalable since Pillow 10.1). Never raises: a broken brand font must not block publishing.

    Not cached: a FreeType face must not be shared between threads (workers render in a
    thread pool), and opening one costs well under a millisecond."""
    if path is not None:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            pass  # fall back below; the brand kit's path may be stale on this worker
    for name in (*(CJK_FONTS if cjk else ()), *LATIN_FONTS):
        found = find_font(name)
        if found is not None:
            return ImageFont.truetype(found, size)
    return ImageFont.load_default(size=size)


def needs_cjk(text: str) -> bool:
    return any(_is_wide(ch) for ch in text)


def clean(text: str) -> str:
    """One line of printable text: control characters become spaces, runs of whitespace one
    space, and lone surrogates (from bad decoding upstream) a replacement character, because
    FreeType's encoder would raise on them."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    return " ".join(text.split())


def _is_hangul(ch: str) -> bool:
    o = ord(ch)
    return 0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _units(text: str) -> Iterator[tuple[str, bool]]:
    """Breakable units with whether a space precedes them. Every wide character except Hangul
    (Korean is spaced by words) is a unit of its own, so CJK text can break anywhere."""
    for word in text.split():
        first, run = True, ""
        for ch in word:
            if _is_wide(ch) and not _is_hangul(ch):
                if run:
                    yield run, first
                    first, run = False, ""
                yield ch, first
                first = False
            else:
                run += ch
        if run:
            yield run, first


def width(text: str, font: Font) -> float:
    return float(font.getlength(text))


def wrap(text: str, font: Font, max_width: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for unit, spaced in _units(text):
        candidate = f"{line} {unit}" if line and spaced else line + unit
        if width(candidate, font) <= max_width:
            line = candidate
            continue
        if line:
            lines.append(line)
            line = ""
        while width(unit, font) > max_width:  # longer than a whole line: break by characters
            cut = _longest_prefix(unit, font, max_width)
            lines.append(unit[:cut])
            unit = unit[cut:]
        line = unit
    if line:
        lines.append(line)
    return lines


def _longest_prefix(text: str, font: Font, max_width: float) -> int:
    """Characters of `text` that fit; at least one, so wrapping always makes progress."""
    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if width(text[:mid], font) <= max_width:
            lo = mid
        else:
            hi = mid - 1
    return lo


def ellipsize(text: str, font: Font, max_width: float) -> str:
    """`text` cut to fit one line, with an ellipsis when anything was cut."""
    if width(text, font) <= max_width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if width(text[:mid].rstrip() + ELLIPSIS, font) <= max_width:
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        return ELLIPSIS if width(ELLIPSIS, font) <= max_width else ""
    return text[:lo].rstrip() + ELLIPSIS
