"""Plain text out of uploaded files: .txt and .md as they are, .html stripped to its text.

HTML goes through the standard library's tolerant parser: scripts, styles and navigation are
dropped, block elements become paragraph breaks (the chunker cuts there first) and list items
stay on their own lines. The page's ``<title>`` is kept as a fallback document title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import PurePosixPath

from icop.errors import ValidationFailed
from icop.knowledge.exceptions import UnsupportedMediaType

KIND_BY_SUFFIX = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}
KIND_BY_MEDIA_TYPE = {
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/html": "html",
    "application/xhtml+xml": "html",
}

_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "nav", "iframe", "object"})
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption",
        "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
        "main", "ol", "p", "pre", "section", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_WHITESPACE = re.compile(r"\s+")
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass(frozen=True)
class ExtractedText:
    text: str
    kind: str
    title: str | None


def detect_kind(filename: str | None, media_type: str | None) -> str:
    suffix = PurePosixPath(filename or "").suffix.lower()
    if suffix in KIND_BY_SUFFIX:
        return KIND_BY_SUFFIX[suffix]
    base_type = (media_type or "").split(";")[0].strip().lower()
    if not suffix and base_type in KIND_BY_MEDIA_TYPE:
        return KIND_BY_MEDIA_TYPE[base_type]
    raise UnsupportedMediaType(
        f"unsupported file {filename or '(unnamed)'!r} ({base_type or 'no media type'}): "
        f"upload {', '.join(sorted(KIND_BY_SUFFIX))}"
    )


def decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ValidationFailed("the file is binary, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationFailed(
            f"the file is not UTF-8 text (invalid byte at offset {error.start})"
        ) from error


def extract(data: bytes, filename: str | None, media_type: str | None) -> ExtractedText:
    kind = detect_kind(filename, media_type)
    text = decode(data)
    if kind == "html":
        return html_to_text(text)
    title = None
    if kind == "markdown":
        heading = _MARKDOWN_HEADING.search(text)
        title = heading.group(1).strip() if heading else None
    return ExtractedText(text=text, kind=kind, title=title)


def html_to_text(html: str) -> ExtractedText:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    title = " ".join(parser.title.split()) or None
    return ExtractedText(text=text, kind="html", title=title)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip_depth = 0
        self._in_title = False
        self._in_head = False
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip_depth += 1
        elif tag == "head":
            self._in_head = True
        elif tag == "title":
            self._in_title = True
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self._pre_depth += tag == "pre"
            self.parts.append("\n\n- " if tag == "li" else "\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "hr":
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "head":
            self._in_head = False
        elif tag == "title":
            self._in_title = False
        elif tag in _BLOCKS:
            self._pre_depth = max(0, self._pre_depth - (tag == "pre"))
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip_depth and not self._in_head:
            # Outside <pre>, a newline in the source is just a space, as a browser shows it.
            self.parts.append(data if self._pre_depth else _WHITESPACE.sub(" ", data))
