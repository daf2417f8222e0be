"""The Reviewer's lettering checks on real frames: the old stills (the image service's text
card, its headline run off the frame by the zoom, the caption over its last line) are caught;
the brand backdrop and the finished edit's cards and captions pass. Frames are drawn at the
video's size and reduced to the size the reviewer samples at, as the decoder does."""

from __future__ import annotations

import numpy as np
from PIL import Image

from icop.agents.schemas.video import CameraMotion, Shot, Transition
from icop.images.render import BrandKit, CardPreset, render_card_image
from icop.video import cards
from icop.video.motion import SAFE_CROP, _box
from icop.video.review import (
    SAMPLE_SIZE,
    FrameStats,
    cut_at_edges,
    lettering,
    luminance,
    measure,
    review_segment,
)

SIZE = (1080, 1920)
BRAND = BrandKit()
NARRATION = (
    "Composting turns kitchen scraps and garden waste into dark, crumbly soil that feeds "
    "your plants for free."
)


def sampled(picture: Image.Image) -> np.ndarray:
    return np.asarray(picture.convert("RGB").resize(SAMPLE_SIZE, Image.Resampling.BILINEAR))


def with_layer(still: Image.Image, layer: cards.Layer) -> Image.Image:
    frame = np.asarray(still.convert("RGB")).copy()
    for overlay in layer:
        frame = overlay.apply(frame)
    return Image.fromarray(frame)


def the_old_frame() -> Image.Image:
    """What the old local path showed: the text card fitted into 9:16, pushed in 12 % and
    shifted as a pan does, so its headline runs off the left edge."""
    card = render_card_image(NARRATION, brand=BRAND, preset=CardPreset.PORTRAIT, seed="1")
    fitted = cards.fit_still(card, SIZE, BRAND.background)
    zoomed = fitted.resize((round(SIZE[0] * 1.25), round(SIZE[1] * 1.25)))
    return zoomed.crop((120, 200, 120 + SIZE[0], 200 + SIZE[1]))


def test_the_old_text_card_frame_is_refused() -> None:
    frame = luminance(sampled(the_old_frame()))
    assert lettering(frame) >= 0.04
    assert "left" in cut_at_edges(frame)
    stats = measure([sampled(the_old_frame())] * 2, total=90)
    verdict = review_segment(
        2,
        Shot(
            description="a compost heap",
            visual_prompt="close-up of a garden compost heap with kitchen scraps, morning "
            "light, no text",
            camera_motion=CameraMotion.STATIC,
            transition=Transition.CROSSFADE,
        ),
        stats,
        expected_frames=90,
        similarity=None,
    )
    assert not verdict.ok
    assert any("lettering" in reason for reason in verdict.reasons)
    assert any("left" in reason for reason in verdict.reasons)


def test_a_backdrop_passes_and_its_caption_reads_as_text_inside_the_frame() -> None:
    still = cards.backdrop(BRAND, SIZE, "scene|2")
    plain = luminance(sampled(still))
    assert lettering(plain) == 0.0 and cut_at_edges(plain) == []
    captioned = luminance(
        sampled(with_layer(still, cards.caption_layer(NARRATION, BRAND, SIZE, centre=True)))
    )
    assert lettering(captioned) >= 0.04  # the check sees real text...
    assert cut_at_edges(captioned) == []  # ...and none of it touches an edge
    for layer in (
        cards.title_layer("Home composting in a small garden", BRAND, SIZE),
        cards.end_layer("Read the full article", BRAND, SIZE),
    ):
        assert cut_at_edges(luminance(sampled(with_layer(still, layer)))) == []


def test_words_stay_inside_the_text_safe_area() -> None:
    left, top, right, bottom = cards.TEXT_SAFE
    long = " ".join([NARRATION] * 4)
    for layer in (
        cards.caption_layer(long, BRAND, SIZE, centre=True),
        cards.caption_layer(long, BRAND, SIZE),
        cards.title_layer(long, BRAND, SIZE),
        cards.end_layer(long, BRAND, SIZE),
    ):
        for overlay in layer:
            x0, y0, x1, y1 = overlay.box
            assert x0 >= SIZE[0] * left - 60 and x1 <= SIZE[0] * right + 60
            assert y0 >= SIZE[1] * top - 110 and y1 <= round(SIZE[1] * bottom)


def test_ken_burns_never_crops_more_than_the_safe_margin() -> None:
    source = (1210, 2150)
    for motion in CameraMotion:
        for step in range(11):
            x0, y0, x1, y1 = _box(motion, step / 10, source, SIZE)
            assert x0 >= -0.5 and y0 >= -0.5
            assert x0 <= SAFE_CROP * source[0] + 0.5 and y0 <= SAFE_CROP * source[1] + 0.5
            assert source[0] - x1 <= SAFE_CROP * source[0] + 0.5
            assert source[1] - y1 <= SAFE_CROP * source[1] + 0.5


def test_a_summary_names_the_lettering() -> None:
    assert "2 with lettering" in FrameStats(90, 0, 1.0, 2).summary()


def test_the_brand_mark_and_the_longest_caption_never_overlap() -> None:
    long = " ".join([NARRATION] * 6)
    (mark,) = cards.brand_mark(BRAND, SIZE, step=1, steps=4)
    for centre in (True, False):
        (caption,) = cards.caption_layer(long, BRAND, SIZE, centre=centre)
        assert mark.box[3] < caption.box[1]
