"""The local renderer: sizes, text inside the safe area, determinism, brand colours."""

from __future__ import annotations

import io
from functools import cache
from typing import Any, cast

import numpy as np
import pytest
from PIL import Image

from icop.images import BrandKit, CardPreset, Platform, render_card, render_card_image
from icop.images import render as render_module
from icop.images.render import safe_area
from icop.images.text import ELLIPSIS

from .corpus import assert_platform_jpeg, chroma_sampling

LONG_TITLE = " ".join(["Durable", "content", "pipelines", "for", "marketing", "teams"] * 12)
TITLES = {
    "short": "Hello",
    "long": LONG_TITLE,
    "long-word": "Donaudampfschifffahrtsgesellschaftskapitän" * 3,
    "url": "https://example.com/" + "a" * 180,
    "cjk": "東京でのコンテンツ戦略と日本語の長いタイトルの折り返しテストです" * 2,
    "chinese": "人工智能驱动的内容编排平台如何帮助营销团队在多个品牌之间保持一致的声音",
    "korean": "브랜드 보이스를 유지하면서 여러 플랫폼에 콘텐츠를 게시하는 방법에 대한 안내서",
    "emoji": "Launch day 🚀🎉🔥 what we learned 👩‍💻🧑🏽‍🚀 🏳️‍🌈",
    "rtl": "كيف تبني خط إنتاج محتوى متين",
    "mixed": "ICOP \u00d7 東京 \u00d7 서울: one pipeline, 4 platforms",
}


def _text_pixels(title: str, preset: CardPreset) -> np.ndarray:
    """Where text was drawn: the card with the text minus the same card (same seed, so the
    same decoration) without it."""
    brand = BrandKit(name="Brand " * 40)
    with_text = render_card_image(
        title,
        subtitle="A subtitle " * 20,
        kicker="Kicker " * 30,
        brand=brand,
        preset=preset,
        seed="fixed",
    )
    diff = np.abs(np.asarray(with_text, np.int16) - _blank(preset)).sum(axis=2)
    return diff > 0


@cache
def _blank(preset: CardPreset) -> np.ndarray:
    blank = render_card_image("", brand=BrandKit(name=""), preset=preset, seed="fixed")
    return np.asarray(blank, np.int16)


def _outside_safe_area(mask: np.ndarray, preset: CardPreset) -> int:
    left, top, right, bottom = safe_area(preset)
    inside = np.zeros_like(mask)
    inside[top:bottom, left:right] = True
    return int((mask & ~inside).sum())


@pytest.fixture
def unclipped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Turn off the renderer's last line of defence (clipping text to the safe area), so the
    tests see whether the layout itself keeps text inside."""

    def apply(self: render_module._Ink, canvas: Image.Image, safe: object) -> None:
        for colour, mask in self.masks.items():
            canvas.paste(colour, (0, 0, *self.size), mask)

    monkeypatch.setattr(render_module._Ink, "apply", apply)


@pytest.mark.parametrize("preset", list(CardPreset))
@pytest.mark.parametrize("name", sorted(TITLES))
@pytest.mark.usefixtures("unclipped")
def test_layout_keeps_all_text_inside_the_safe_area(name: str, preset: CardPreset) -> None:
    mask = _text_pixels(TITLES[name], preset)
    assert mask.sum() > 500, "nothing was drawn"
    assert _outside_safe_area(mask, preset) == 0


def test_stacked_combining_marks_are_clipped_to_the_safe_area() -> None:
    """Zalgo text can reach far above and below its line; clipping catches what layout can't."""
    zalgo = "Z" + "\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309" * 30 + "algo"
    mask = _text_pixels(zalgo * 3, CardPreset.LANDSCAPE)
    assert _outside_safe_area(mask, CardPreset.LANDSCAPE) == 0


@pytest.mark.parametrize("preset", list(CardPreset))
@pytest.mark.parametrize("platform", [None, Platform.INSTAGRAM, Platform.X])
def test_each_preset_renders_at_its_size_as_a_platform_jpeg(
    preset: CardPreset, platform: Platform | None
) -> None:
    result = render_card(
        "Planning a quarter of content", kicker="Guide", preset=preset, platform=platform
    )
    assert_platform_jpeg(result, platform)
    assert (result.width, result.height) == preset.size
    assert chroma_sampling(result.data) == 0x11  # 4:4:4 keeps coloured text crisp
    assert result.changes == ()  # nothing to fix in our own output


def test_rendering_is_deterministic() -> None:
    args: dict[str, Any] = {"subtitle": "Sub", "kicker": "Kick", "preset": CardPreset.SQUARE}
    first = render_card("Same input", **args)
    assert render_card("Same input", **args).data == first.data


def test_the_seed_changes_the_decoration_and_defaults_to_the_text() -> None:
    def margin(image: Image.Image) -> bytes:  # decoration only: no text reaches the margin
        return image.crop((image.width - 60, 0, image.width, image.height)).tobytes()

    a = render_card_image("Title", seed="article-1")
    b = render_card_image("Title", seed="article-2")
    assert margin(a) != margin(b)
    assert margin(render_card_image("First article")) != margin(render_card_image("Second article"))
    assert render_card_image("T", seed="x").tobytes() == render_card_image("T", seed="x").tobytes()


def test_a_short_title_is_set_larger_than_a_long_one() -> None:
    short = render_card_image("Hi", seed="s", brand=BrandKit(name=""))
    long = render_card_image(LONG_TITLE, seed="s", brand=BrandKit(name=""))
    blank = render_card_image("", seed="s", brand=BrandKit(name=""))

    def tallest_glyph_run(image: Image.Image) -> int:
        diff = np.abs(np.asarray(image, np.int16) - np.asarray(blank, np.int16)).sum(axis=2) > 0
        column = diff[:, np.argmax(diff.sum(axis=0))]  # the inkiest column
        runs = np.diff(np.flatnonzero(np.diff(np.concatenate(([0], column, [0])))))[::2]
        return int(runs.max())

    assert tallest_glyph_run(short) > 2 * tallest_glyph_run(long)


def test_an_overlong_title_is_cut_with_an_ellipsis(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[str] = []
    original = render_module._Ink.text

    def spy(self: render_module._Ink, colour: Any, xy: Any, line: str, font: Any) -> None:
        drawn.append(line)
        original(self, colour, xy, line, font)

    monkeypatch.setattr(render_module._Ink, "text", spy)
    render_card_image(LONG_TITLE * 8, preset=CardPreset.LANDSCAPE, brand=BrandKit(name=""))
    assert drawn[-1].endswith(ELLIPSIS)


def test_brand_colours_are_applied() -> None:
    brand = BrandKit(
        name="Acme", background=(12, 90, 50), accent=(250, 200, 0), text=(255, 255, 255)
    )
    image = render_card_image("Brand colours", kicker="News", brand=brand, seed="b")
    colours = dict((c, n) for n, c in image.getcolors(maxcolors=1 << 20) or [])
    assert max(colours, key=lambda c: colours[c]) == brand.background
    assert colours.get(brand.accent, 0) > 200  # the rule and the footer mark
    assert colours.get(brand.text, 0) > 2000  # solid glyph interiors

    # And through the JPEG pipeline: the left margin (no decoration reaches it) is the background.
    out = Image.open(io.BytesIO(render_card("Brand colours", brand=brand, seed="b").data))
    strip = np.asarray(out)[:, :40].reshape(-1, 3).mean(axis=0)
    assert np.abs(strip - brand.background).max() < 3


def test_a_missing_brand_font_falls_back() -> None:
    image = render_card_image("Fallback", brand=BrandKit(font_path="/nonexistent/font.ttf"))
    assert image.size == CardPreset.PORTRAIT.size


def test_a_brand_font_is_used() -> None:
    from icop.images.text import load_font

    serif = load_font("DejaVuSerif-Bold.ttf", 20)
    if "Serif" not in str(getattr(serif, "path", "")):
        pytest.skip("DejaVu Serif is not installed")
    default = render_card_image("Typeface", seed="f")
    branded = render_card_image("Typeface", seed="f", brand=BrandKit(font_path=str(serif.path)))
    assert default.tobytes() != branded.tobytes()


@pytest.mark.parametrize("bad", [(256, 0, 0), (0, 0), (-1, 0, 0)])
def test_brand_colours_are_validated(bad: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="brand colours"):
        BrandKit(accent=cast(Any, bad))


def test_control_characters_and_surrogates_do_not_crash() -> None:
    image = render_card_image("Line\nbreak\ttab\x00nul \ud800 lone surrogate \u200b", seed="c")
    assert image.size == CardPreset.PORTRAIT.size
