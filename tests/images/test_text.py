"""Line breaking and fonts for the renderer."""

from __future__ import annotations

import pytest

from icop.images.text import ELLIPSIS, clean, ellipsize, load_font, needs_cjk, width, wrap

FONT = load_font(None, 40)


def test_words_wrap_at_spaces_within_the_width() -> None:
    text = "The quick brown fox jumps over the lazy dog " * 5
    lines = wrap(text.strip(), FONT, 400)
    assert len(lines) > 3
    assert all(width(line, FONT) <= 400 for line in lines)
    assert " ".join(lines) == text.strip()


def test_a_word_longer_than_the_line_is_broken_by_characters() -> None:
    word = "Donaudampfschifffahrtsgesellschaftskapitänsmütze" * 2
    lines = wrap(f"a {word} b", FONT, 300)
    assert all(width(line, FONT) <= 300 for line in lines)
    assert "".join(lines).replace(" ", "") == f"a{word}b"


def test_cjk_breaks_between_characters_without_adding_spaces() -> None:
    text = "人工智能驱动的内容编排平台帮助营销团队保持一致"
    lines = wrap(text, FONT, 200)
    assert len(lines) > 1
    assert "".join(lines) == text
    assert all(width(line, FONT) <= 200 for line in lines)


def test_korean_breaks_at_spaces_like_latin() -> None:
    words = ["브랜드", "보이스를", "유지하면서", "콘텐츠를", "게시하는", "방법"]
    lines = wrap(" ".join(words), FONT, 300)
    assert len(lines) > 1
    assert all(word in words for line in lines for word in line.split(" "))


def test_a_line_too_narrow_for_one_character_still_makes_progress() -> None:
    assert wrap("abc", FONT, 1) == ["a", "b", "c"]


def test_ellipsize() -> None:
    assert ellipsize("short", FONT, 1000) == "short"
    cut = ellipsize("a rather long line of text " * 5, FONT, 300)
    assert cut.endswith(ELLIPSIS)
    assert width(cut, FONT) <= 300
    assert ellipsize("anything", FONT, 1) == ""


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("  many   spaces\tand\nlines ", "many spaces and lines"),
        ("nul\x00byte", "nul byte"),
        ("lone \ud800 surrogate", "lone ? surrogate"),
        ("", ""),
    ],
)
def test_clean(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


def test_needs_cjk() -> None:
    assert needs_cjk("Tokyo 東京")
    assert needs_cjk("서울")
    assert not needs_cjk("Zürich, Ελλάδα, Россия")


def test_fonts_fall_back_instead_of_failing() -> None:
    assert load_font("/nonexistent.ttf", 30).getlength("x") > 0
    assert load_font(None, 30, cjk=True).getlength("東") > 0
