"""The brand's logo: an upload checked and made safe before anything stores it.

Raster only (ADR 0026). An SVG is a program as much as a picture (scripts, external references,
entity expansion), and drawing it would need a second renderer on every worker; a PNG export
of the same logo is what design tools give in one click. Accepted: PNG, JPEG and WebP, opened
by their own decoders only (the pixel count is checked from the header before a pixel is
decoded). Whatever comes in is stored as a freshly encoded RGBA PNG of at most
``STORED_MAX_SIDE`` pixels a side: no metadata, colour profile or trailing bytes of the upload
survive, and the renderer only ever decodes PNGs it wrote itself.
"""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from PIL import Image, ImageOps, UnidentifiedImageError

from icop.errors import PayloadTooLarge, ValidationFailed
from icop.models import LogoFormat

MAX_LOGO_BYTES = 512 * 1024
MIN_SIDE = 32  # smaller is an icon, illegible on a 1080-pixel card
MAX_SIDE = 4096
MAX_PIXELS = 16_000_000
STORED_MAX_SIDE = 1024  # drawn at most ~320 pixels wide on a card: plenty to downscale from
ACCEPTED = "PNG, JPEG or WebP"
# Pillow's names; phones' multi-picture JPEGs open as MPO and are JPEGs.
_FORMATS: dict[str, LogoFormat] = {
    "PNG": LogoFormat.PNG,
    "JPEG": LogoFormat.JPEG,
    "MPO": LogoFormat.JPEG,
    "WEBP": LogoFormat.WEBP,
}
# The decoders Pillow may try (MPO has none of its own: the JPEG decoder opens it).
_DECODERS = ["PNG", "JPEG", "WEBP"]
_T = TypeVar("_T")
_DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, struct.error, IndexError, KeyError)


class LogoRejected(ValidationFailed):
    """422 with a machine-readable ``reason``: empty, svg, unsupported_format, corrupt,
    too_small, too_big."""

    code: ClassVar[str] = "logo_rejected"
    title: ClassVar[str] = "The logo was rejected"

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail, reason=reason)
        self.reason = reason


class LogoTooLarge(PayloadTooLarge):
    code: ClassVar[str] = "logo_too_large"
    title: ClassVar[str] = "The logo file is too large"


@dataclass(frozen=True)
class NormalisedLogo:
    png: bytes
    width: int
    height: int
    source_format: LogoFormat


def normalise(data: bytes) -> NormalisedLogo:
    """The upload as the PNG that is stored, or LogoTooLarge / LogoRejected saying why not.
    CPU-bound: callers run it in a thread."""
    if not data:
        raise LogoRejected("empty", "the file is empty (0 bytes)")
    if len(data) > MAX_LOGO_BYTES:
        raise LogoTooLarge(
            f"the logo file is {len(data):,} bytes; the limit is {MAX_LOGO_BYTES:,} bytes "
            f"({MAX_LOGO_BYTES // 1024} KiB): export it smaller"
        )
    if looks_like_svg(data):
        raise LogoRejected(
            "svg",
            f"SVG logos are not accepted (an SVG can carry scripts): export it as {ACCEPTED}, "
            "ideally a PNG with a transparent background",
        )
    image = _open(data)
    try:
        width, height = image.size
        if min(width, height) < MIN_SIDE:
            raise LogoRejected(
                "too_small",
                f"the logo is {width}x{height} pixels; each side must be at least {MIN_SIDE}",
            )
        if max(width, height) > MAX_SIDE or width * height > MAX_PIXELS:
            raise LogoRejected(
                "too_big",
                f"the logo is {width}x{height} pixels; each side must be at most {MAX_SIDE}",
            )
        source_format = _FORMATS[str(image.format)]
        _guarded(image.load)
        upright = ImageOps.exif_transpose(image)
        rgba = upright.convert("RGBA")
    except LogoRejected:
        raise
    except _DECODE_ERRORS as error:
        raise LogoRejected("corrupt", f"the image data is damaged: {error}") from None
    finally:
        image.close()
    rgba.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE), Image.Resampling.LANCZOS)
    # A new image from the pixels alone: nothing of the upload's chunks or profile is kept.
    clean = Image.frombytes("RGBA", rgba.size, rgba.tobytes())
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return NormalisedLogo(out.getvalue(), clean.width, clean.height, source_format)


def looks_like_svg(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) and b"<svg" in head


def _open(data: bytes) -> Image.Image:
    try:
        return _guarded(lambda: Image.open(io.BytesIO(data), formats=_DECODERS))
    except LogoRejected:
        raise
    except UnidentifiedImageError:
        raise LogoRejected("unsupported_format", f"the file is not a {ACCEPTED} image") from None
    except _DECODE_ERRORS as error:
        raise LogoRejected("corrupt", f"the image is damaged or cut short: {error}") from None


def _guarded(step: Callable[[], _T]) -> _T:
    """Pillow's decompression-bomb warning as an error: a header claiming more pixels than the
    limit is refused before its pixels are decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return step()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise LogoRejected(
            "too_big", f"the logo claims too many pixels; each side must be at most {MAX_SIDE}"
        ) from None
