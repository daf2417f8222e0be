"""Declared fonts and colours from HTML and CSS, parsed (never rendered or executed).

What a site *declares* is the brand's intent: ``font-family`` stacks, Google Fonts links,
colours in rules, inline styles and custom properties (``--brand-primary``). Colours are
weighted by where they appear (a background or a custom property counts more than a border),
fonts by how often they lead a stack; headings' and body's fonts are told apart by selector.
Stylesheets linked from a page are not fetched: only what was given or fetched on request is
read.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from icop.brand.fonts import CATALOG, BrandFont
from icop.brand.palette import normalise_hex, rgb_to_hex

MAX_INPUT_CHARS = 2_000_000
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_DECLARATION = re.compile(r"(--[\w-]+|[a-zA-Z-]+)\s*:\s*([^;]+)")
_HEX = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
_RGB = re.compile(r"rgba?\(\s*(\d{1,3})[\s,]+(\d{1,3})[\s,]+(\d{1,3})")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_HEADING = re.compile(r"(^|[\s,>+~])(h[1-3])\b|title|heading|display", re.I)
_GENERIC = {
    "serif": BrandFont.NOTO_SERIF,
    "sans-serif": BrandFont.NOTO_SANS,
    "system-ui": BrandFont.NOTO_SANS,
    "monospace": BrandFont.DEJAVU_SANS_MONO,
}
# Where a colour is declared says how much it is the brand's.
_COLOUR_WEIGHT = {"background": 3, "background-color": 3, "color": 2, "fill": 2}
_CUSTOM_PROPERTY_WEIGHT = 4
_OTHER_WEIGHT = 1


@dataclass
class DeclaredStyle:
    colours: Counter[str] = field(default_factory=Counter)
    fonts: Counter[str] = field(default_factory=Counter)
    heading_fonts: Counter[str] = field(default_factory=Counter)
    body_fonts: Counter[str] = field(default_factory=Counter)
    generic: dict[str, str] = field(default_factory=dict)
    """Each family's generic fallback in its stack (``serif``, ``sans-serif`` …)."""

    def merge(self, other: DeclaredStyle) -> None:
        self.colours.update(other.colours)
        self.fonts.update(other.fonts)
        self.heading_fonts.update(other.heading_fonts)
        self.body_fonts.update(other.body_fonts)
        self.generic.update(other.generic)

    def top_colours(self, limit: int = 8) -> list[str]:
        return [colour for colour, _ in sorted(self.colours.items(), key=_ranked)[:limit]]

    def top_fonts(self, limit: int = 6) -> list[str]:
        return [font for font, _ in sorted(self.fonts.items(), key=_ranked)[:limit]]

    def heading_font(self) -> str | None:
        return _first(self.heading_fonts) or _first(self.fonts)

    def body_font(self) -> str | None:
        return _first(self.body_fonts) or _first(self.fonts)


def _ranked(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])


def _first(counter: Counter[str]) -> str | None:
    ranked = sorted(counter.items(), key=_ranked)
    return ranked[0][0] if ranked else None


def parse_css(css: str) -> DeclaredStyle:
    style = DeclaredStyle()
    css = _COMMENT.sub(" ", css[:MAX_INPUT_CHARS])
    for selector, body in _RULE.findall(css):
        _declarations(style, body, selector.strip())
    return style


def _declarations(style: DeclaredStyle, body: str, selector: str) -> None:
    for prop, value in _DECLARATION.findall(body):
        prop = prop.strip().lower()
        value = value.strip()
        if prop in ("font-family", "font"):
            stack = value if prop == "font-family" else _font_shorthand(value)
            family = lead_family(stack)
            if family:
                kind = generic_of(stack)
                if kind:
                    style.generic.setdefault(family, kind)
                style.fonts[family] += 1
                if _HEADING.search(selector):
                    style.heading_fonts[family] += 1
                elif re.search(r"(^|[\s,])(body|html|p|:root)\b", selector):
                    style.body_fonts[family] += 1
            continue
        weight = (
            _CUSTOM_PROPERTY_WEIGHT
            if prop.startswith("--")
            else _COLOUR_WEIGHT.get(prop, _OTHER_WEIGHT)
        )
        for colour in colours_in(value):
            style.colours[colour] += weight


def _font_shorthand(value: str) -> str:
    # "italic bold 16px/1.4 'Inter', sans-serif": the family list follows the size.
    found = re.search(r"\d(?:px|pt|em|rem|%)(?:/[\d.]+\w*)?\s+(.+)$", value)
    return found.group(1) if found else ""


def lead_family(stack: str) -> str | None:
    """The first family of a ``font-family`` stack, unquoted (``var(...)`` is skipped)."""
    for part in stack.split(","):
        name = part.strip().strip("'\"").strip()
        if name and not name.startswith("var(") and not name.startswith("!"):
            return name.replace("!important", "").strip()
    return None


def generic_of(stack: str) -> str | None:
    for part in reversed(stack.split(",")):
        name = part.strip().strip("'\"").lower()
        if name in _GENERIC:
            return name
    return None


def colours_in(value: str) -> list[str]:
    found = [normalise_hex(match) for match in _HEX.findall(value)]
    for r, g, b in _RGB.findall(value):
        channels = (int(r), int(g), int(b))
        if all(0 <= c <= 255 for c in channels):
            found.append(rgb_to_hex(channels))
    return found


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.css: list[str] = []
        self.inline: list[tuple[str, str]] = []
        self.linked_fonts: list[str] = []
        self.theme_colours: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "style":
            self._in_style = True
        if tag == "link" and "fonts.googleapis.com" in values.get("href", ""):
            self.linked_fonts.extend(google_font_families(values["href"]))
        if tag == "meta" and values.get("name", "").lower() == "theme-color":
            self.theme_colours.extend(colours_in(values.get("content", "")))
        if "style" in values:
            self.inline.append((tag, values["style"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.css.append(data)


def google_font_families(href: str) -> list[str]:
    """Families named by a Google Fonts stylesheet link (``css`` and ``css2`` forms)."""
    families: list[str] = []
    for value in parse_qs(urlsplit(href).query).get("family", []):
        for family in value.split("|"):
            name = family.split(":", 1)[0].replace("+", " ").strip()
            if name:
                families.append(name)
    return families


def parse_html(html: str) -> DeclaredStyle:
    """Fonts and colours a page declares: its ``<style>`` blocks, inline styles, Google Fonts
    links and ``theme-color``."""
    parser = _PageParser()
    parser.feed(html[:MAX_INPUT_CHARS])
    parser.close()
    style = parse_css("\n".join(parser.css))
    for tag, inline in parser.inline:
        _declarations(style, inline, tag)
    for family in parser.linked_fonts:
        style.fonts[family] += 2  # loaded on purpose: the brand's font
    for colour in parser.theme_colours:
        style.colours[colour] += _CUSTOM_PROPERTY_WEIGHT
    return style


def renderer_font(family: str | None, generic: str | None = None) -> BrandFont | None:
    """The catalog family closest to a declared one: the same family by name, else its
    generic kind (a serif stays a serif); None when nothing says which."""
    if not family:
        return None
    wanted = family.lower().strip()
    for font, spec in CATALOG.items():
        if spec.label.lower() == wanted:
            return font
    if wanted in _GENERIC:
        return _GENERIC[wanted]
    if generic in _GENERIC:
        return _GENERIC[generic]
    if "mono" in wanted or "code" in wanted:
        return BrandFont.DEJAVU_SANS_MONO
    if "serif" in wanted and "sans" not in wanted:
        return BrandFont.NOTO_SERIF
    if any(word in wanted for word in ("georgia", "times", "garamond", "merriweather", "lora")):
        return BrandFont.NOTO_SERIF
    return BrandFont.NOTO_SANS
