"""Size presets of generated images, and fitting any provider's output to one.

A preset fixes the aspect ratio and the largest size; providers generate at what they support
(gpt-image sizes, multiples of 16 or 64 for diffusion models), and the result is centre-cropped
to the preset's aspect and scaled down, never up: upscaling adds bytes, not detail.
"""

from __future__ import annotations

from enum import StrEnum

from PIL import Image, ImageOps

from icop.images.decode import (
    DECODE_ERRORS,
    DEFAULT_MAX_INPUT_BYTES,
    DEFAULT_MAX_PIXELS,
    load_pixels,
    open_image,
)
from icop.images.errors import ImageRejected, RejectReason
from icop.images.jpeg import Chroma, JpegResult, image_to_platform_jpeg
from icop.images.render import CardPreset
from icop.platforms import Platform

RGB = tuple[int, int, int]


class Preset(StrEnum):
    PORTRAIT = "portrait"  # 1080x1350, 4:5: the tallest Instagram feed image
    SQUARE = "square"  # 1080x1080
    LANDSCAPE = "landscape"  # 1200x630: link previews, Facebook, X

    @property
    def card(self) -> CardPreset:
        return CardPreset[self.name]

    @property
    def size(self) -> tuple[int, int]:
        return self.card.size

    @property
    def aspect(self) -> float:
        w, h = self.size
        return w / h


def centre_box(width: int, height: int, aspect: float) -> tuple[int, int, int, int]:
    """The largest centred box of ``aspect`` (w/h) inside ``width`` x ``height``."""
    if width / height > aspect:
        new_w = max(1, round(height * aspect))
        left = (width - new_w) // 2
        return (left, 0, left + new_w, height)
    new_h = max(1, round(width / aspect))
    top = (height - new_h) // 2
    return (0, top, width, top + new_h)


def decode_untrusted(data: bytes) -> Image.Image:
    """A provider's bytes, opened with the pipeline's limits and upright. The EXIF orientation
    is applied here (and removed from the metadata) because cropping must see the picture as it
    will be shown."""
    im = open_image(data, max_pixels=DEFAULT_MAX_PIXELS, max_input_bytes=DEFAULT_MAX_INPUT_BYTES)
    load_pixels(im)
    try:
        upright = ImageOps.exif_transpose(im)
    except DECODE_ERRORS:  # a malformed EXIF block must not cost the image
        return im
    return upright if upright is not None else im


def fit_to_preset(
    image: bytes | Image.Image,
    preset: Preset,
    *,
    platform: Platform | None,
    background: RGB = (255, 255, 255),
    chroma: Chroma = "420",
) -> JpegResult:
    """Any provider's output as a platform-ready JPEG in the preset's aspect ratio."""
    im = decode_untrusted(image) if isinstance(image, bytes) else image
    w, h = im.size
    if w < 1 or h < 1:
        raise ImageRejected(RejectReason.DIMENSIONS, f"the image is {w}x{h} pixels")
    box = centre_box(w, h, preset.aspect)
    # Cropping works in every mode and keeps the ICC profile, so colour handling, 16-bit and
    # alpha stay with the JPEG pipeline, which does them after its resize.
    cropped = im if box == (0, 0, w, h) else im.crop(box)
    return image_to_platform_jpeg(
        cropped,
        platform=platform,
        background=background,
        max_side=max(preset.size),
        chroma=chroma,
    )
