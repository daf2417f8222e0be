"""Text extraction from uploads."""

from __future__ import annotations

import pytest

from icop.errors import ValidationFailed
from icop.knowledge.exceptions import UnsupportedMediaType
from icop.knowledge.extract import detect_kind, extract, html_to_text

PAGE = """<!doctype html><html><head><title> Home   Composting &amp; You </title>
<style>body { color: red }</style><script>var secret = "do not index";</script></head>
<body><nav><a href="/">Home</a> | <a href="/shop">Shop</a></nav>
<h1>Composting at home</h1><p>Start with a <b>bin</b> and
   a mix of greens &amp; browns.</p>
<ul><li>Kitchen scraps</li><li>Dry leaves</li></ul>
<p>Turn it weekly.<br>Keep it moist.</p><noscript>Enable JS</noscript></body></html>"""


def test_html_is_reduced_to_its_text() -> None:
    extracted = html_to_text(PAGE)
    assert extracted.title == "Home Composting & You"
    assert "secret" not in extracted.text and "color" not in extracted.text
    assert "Shop" not in extracted.text and "Enable JS" not in extracted.text
    paragraphs = extracted.text.split("\n\n")
    assert paragraphs == [
        "Composting at home",
        "Start with a bin and a mix of greens & browns.",
        "- Kitchen scraps",
        "- Dry leaves",
        "Turn it weekly.\nKeep it moist.",
    ]


def test_broken_html_still_yields_text() -> None:
    assert html_to_text("<p>one<p>two<div>three").text == "one\n\ntwo\n\nthree"


@pytest.mark.parametrize(
    ("filename", "media_type", "kind"),
    [
        ("notes.txt", None, "text"),
        ("README.MD", "application/octet-stream", "markdown"),
        ("page.htm", "text/plain", "html"),
        (None, "text/html; charset=utf-8", "html"),
        ("noext", "text/markdown", "markdown"),
    ],
)
def test_detect_kind(filename: str | None, media_type: str | None, kind: str) -> None:
    assert detect_kind(filename, media_type) == kind


@pytest.mark.parametrize(
    ("filename", "media_type"),
    [("report.pdf", "application/pdf"), ("photo.jpg", "text/plain"), (None, None)],
)
def test_unsupported_types(filename: str | None, media_type: str | None) -> None:
    with pytest.raises(UnsupportedMediaType):
        detect_kind(filename, media_type)


def test_markdown_title_and_bom() -> None:
    extracted = extract("\ufeffIntro line\n\n## Worm bins ##\n\nText.".encode(), "a.md", None)
    assert extracted.title == "Worm bins"
    assert extracted.text.startswith("Intro line")


@pytest.mark.parametrize("data", [b"\xff\xfe\x00a", b"caf\xe9 latin-1"])
def test_binary_or_non_utf8_is_rejected(data: bytes) -> None:
    with pytest.raises(ValidationFailed):
        extract(data, "a.txt", None)
