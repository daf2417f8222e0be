"""The image service's library half: turning any image into a platform-ready JPEG, and the
embedded default image provider (a local renderer of branded cards). Nothing here touches the
database or the web layer, so workers, the CLI and tests can all use it directly."""

from icop.images.errors import ImageRejected, RejectReason
from icop.images.jpeg import JpegResult, image_to_platform_jpeg, to_platform_jpeg
from icop.images.render import BrandKit, CardPreset, render_card, render_card_image
from icop.platforms import Platform
from icop.platforms.images import PLATFORM_SPECS, PlatformSpec

__all__ = [
    "PLATFORM_SPECS",
    "BrandKit",
    "CardPreset",
    "ImageRejected",
    "JpegResult",
    "Platform",
    "PlatformSpec",
    "RejectReason",
    "image_to_platform_jpeg",
    "render_card",
    "render_card_image",
    "to_platform_jpeg",
]
