"""The SSIM used to hold the pipeline (and the benchmark) to "looks like the source"."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageFilter

from icop.images.similarity import ssim

from .corpus import photo

PHOTO = photo(256, 192, seed=5)
# Hard-edged blocks: structure that blurring and heavy compression visibly destroy.
BLOCKS = Image.fromarray(
    np.random.default_rng(5).integers(0, 256, (24, 32, 3), dtype=np.uint8)
).resize((256, 192), Image.Resampling.NEAREST)


def test_identical_images_score_one() -> None:
    assert ssim(PHOTO, PHOTO.copy()) == pytest.approx(1.0)


def test_the_score_falls_with_the_damage() -> None:
    def jpeg(quality: int) -> Image.Image:
        buf = io.BytesIO()
        BLOCKS.save(buf, "JPEG", quality=quality)
        return Image.open(buf)

    scores = [ssim(BLOCKS, jpeg(q)) for q in (95, 60, 10)]
    assert 1.0 > scores[0] > scores[1] > scores[2]
    assert scores[0] > 0.95
    assert ssim(BLOCKS, BLOCKS.filter(ImageFilter.GaussianBlur(3))) < 0.8


def test_structure_matters_more_than_brightness() -> None:
    brighter = Image.fromarray(np.clip(np.asarray(PHOTO, np.int16) + 10, 0, 255).astype(np.uint8))
    shuffled = Image.fromarray(np.random.default_rng(0).permutation(np.asarray(PHOTO)))
    assert ssim(PHOTO, brighter) > 0.9 > ssim(PHOTO, shuffled)


def test_images_smaller_than_the_window_are_scored_globally() -> None:
    tiny = Image.new("RGB", (4, 4), (0, 0, 0))
    assert ssim(tiny, tiny) == pytest.approx(1.0)
    assert ssim(tiny, Image.new("RGB", (4, 4), (255, 255, 255))) < 0.01


def test_sizes_must_match() -> None:
    with pytest.raises(ValueError, match="sizes differ"):
        ssim(PHOTO, PHOTO.resize((10, 10)))
