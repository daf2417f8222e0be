"""Opening untrusted image bytes without being hurt by them.

Every failure becomes an ImageRejected with a reason; nothing here decodes more pixels than the
limit allows, and only allow-listed decoders run, so hostile input costs at most one bounded
decode.
"""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Callable
from typing import TypeVar

from PIL import Image, UnidentifiedImageError

from icop.images.errors import ImageRejected, RejectReason

# Decoders we trust with hostile bytes. Not EPS/PS (Pillow hands those to Ghostscript), not the
# long tail of legacy formats nobody uploads. (Phones' multi-picture JPEGs come back from the
# JPEG decoder as format "MPO"; they are JPEGs and are allowed with them.)
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "AVIF")
DEFAULT_MAX_PIXELS = 64_000_000  # a 64 MP RGBA frame is 256 MB decoded; phones top out near 50 MP
DEFAULT_MAX_INPUT_BYTES = 64 * 1024 * 1024
MAX_INPUT_SIDE = 32_768  # a longer side is a fabricated header, not a picture

# Errors Pillow's decoders raise on malformed data (they are not consistent about which).
DECODE_ERRORS = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    struct.error,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
)

_T = Image.Transpose
ORIENTATION: dict[int, tuple[Image.Transpose, str]] = {
    2: (_T.FLIP_LEFT_RIGHT, "mirrored"),
    3: (_T.ROTATE_180, "rotated 180°"),
    4: (_T.FLIP_TOP_BOTTOM, "flipped vertically"),
    5: (_T.TRANSPOSE, "transposed"),
    6: (_T.ROTATE_270, "rotated 90° clockwise"),
    7: (_T.TRANSVERSE, "transversed"),
    8: (_T.ROTATE_90, "rotated 90° counter-clockwise"),
}
_R = TypeVar("_R")


def open_image(data: bytes, *, max_pixels: int, max_input_bytes: int) -> Image.Image:
    """Open `data` and check what its header claims; no pixels are decoded yet."""
    if not data:
        raise ImageRejected(RejectReason.EMPTY, "the image is empty (0 bytes)")
    if len(data) > max_input_bytes:
        raise ImageRejected(
            RejectReason.INPUT_TOO_LARGE,
            f"the image file is {len(data)} bytes; the limit is {max_input_bytes}",
        )
    try:
        im = _guarded(lambda: Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS))
    except ImageRejected:
        raise
    except UnidentifiedImageError as exc:
        raise _unidentified(data) from exc
    except DECODE_ERRORS as exc:
        raise ImageRejected(RejectReason.CORRUPT, f"the image header is unreadable: {exc}") from exc

    w, h = im.size
    if w < 1 or h < 1 or max(w, h) > MAX_INPUT_SIDE:
        im.close()
        raise ImageRejected(
            RejectReason.DIMENSIONS,
            f"the image claims {w}x{h} pixels; sides must be 1..{MAX_INPUT_SIDE}",
        )
    if w * h > max_pixels:
        im.close()
        raise ImageRejected(
            RejectReason.DECOMPRESSION_BOMB,
            f"the image claims {w}x{h} = {w * h} pixels; the limit is {max_pixels}",
        )
    return im


def _guarded(step: Callable[[], _R]) -> _R:
    """Run a decoding `step` with Pillow's decompression-bomb warning promoted to an error.

    catch_warnings() is process-global, so threads can interleave it: at worst the "error"
    filter for this one warning class outlives the call (what we want everywhere anyway) or is
    lifted early, in which case open_image's own pixel limit, below Pillow's warning threshold
    by default, still refuses the image."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return step()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected(RejectReason.DECOMPRESSION_BOMB, str(exc)) from exc


def _unidentified(data: bytes) -> ImageRejected:
    """Tell "a damaged image", "an image we refuse to decode" and "not an image" apart, for an
    error message a person can act on."""
    for name, matches in _SIGNATURES.items():
        if matches(data):
            return ImageRejected(
                RejectReason.CORRUPT, f"the {name} data is damaged or cut short (unreadable header)"
            )
    try:
        with Image.open(io.BytesIO(data)) as other:
            fmt = other.format
    except Exception:  # any failure here just means "not an image"
        return ImageRejected(RejectReason.NOT_AN_IMAGE, "the data is not a recognised image")
    allowed = ", ".join(ALLOWED_FORMATS)
    return ImageRejected(
        RejectReason.UNSUPPORTED_FORMAT, f"{fmt} images are not accepted (accepted: {allowed})"
    )


# Magic numbers of the allowed formats.
_SIGNATURES: dict[str, Callable[[bytes], bool]] = {
    "JPEG": lambda d: d.startswith(b"\xff\xd8\xff"),
    "PNG": lambda d: d.startswith(b"\x89PNG\r\n\x1a\n"),
    "GIF": lambda d: d[:6] in (b"GIF87a", b"GIF89a"),
    "WEBP": lambda d: d[:4] == b"RIFF" and d[8:12] == b"WEBP",
    "TIFF": lambda d: d[:4] in (b"II*\x00", b"MM\x00*"),
    "AVIF": lambda d: d[4:12] in (b"ftypavif", b"ftypavis"),
}


def load_pixels(im: Image.Image) -> None:
    try:
        _guarded(im.load)
    except ImageRejected:
        raise
    except OSError as exc:
        reason = RejectReason.TRUNCATED if "truncated" in str(exc) else RejectReason.CORRUPT
        raise ImageRejected(reason, f"the image data is damaged: {exc}") from exc
    except DECODE_ERRORS as exc:
        raise ImageRejected(RejectReason.CORRUPT, f"the image data is damaged: {exc}") from exc


def is_animated(im: Image.Image) -> bool:
    try:
        return bool(getattr(im, "is_animated", False))
    except DECODE_ERRORS:  # counting frames reads past the first; damage there is not fatal
        return False


def orientation_of(im: Image.Image) -> int:
    try:
        value = im.getexif().get(0x0112, 1)
    except DECODE_ERRORS:  # a malformed EXIF block must not cost the whole image
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1
