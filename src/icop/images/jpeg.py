"""Any image in, one platform-ready JPEG out.

Instagram takes only JPEG, every platform caps the bytes, and several cap the aspect ratio and the
width; uploads that miss a rule fail at publish time, hours after the article was written. So every
image (a provider's PNG, a user's phone photo, our own rendered card) goes through here first:

    open (allow-listed decoders, pixel limit) -> decode (at reduced scale when JPEG allows)
    -> 8-bit mode -> EXIF orientation -> centre-crop into the platform's aspect range + resize
    -> ICC profile to sRGB -> flatten alpha on the brand background
    -> progressive, optimised JPEG with no metadata, highest quality that fits the byte cap.

Colour conversion and flattening run after the resize because they are per-pixel work and the
output is usually a fraction of the input's pixels.
"""

from __future__ import annotations

import io
import math
import struct
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Literal, TypeVar

from PIL import Image, ImageCms, UnidentifiedImageError

from icop.images.errors import ImageRejected, RejectReason
from icop.images.platforms import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_SIDE,
    PLATFORM_SPECS,
    Platform,
    PlatformSpec,
)

# Decoders we trust with hostile bytes. Not EPS/PS (Pillow hands those to Ghostscript), not the
# long tail of legacy formats nobody uploads. MPO is how Pillow opens many phones' JPEGs.
ALLOWED_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF", "AVIF")
DEFAULT_MAX_PIXELS = 64_000_000  # a 64 MP RGBA frame is 256 MB decoded; phones top out near 50 MP
DEFAULT_MAX_INPUT_BYTES = 64 * 1024 * 1024
MAX_INPUT_SIDE = 32_768  # a longer side is a fabricated header, not a picture
START_QUALITY = 92  # visually lossless for photos; the platforms recompress anyway
MIN_QUALITY = 70  # below this, artefacts show; shrink the picture instead
# resize() first reduce()s by an integer factor when the scale allows; at a gap of 3 the result is
# indistinguishable from a pure Lanczos resize and several times faster on large inputs.
_REDUCING_GAP = 3.0
_SUBSAMPLING = {"420": 2, "444": 0}

Chroma = Literal["420", "444"]
RGB = tuple[int, int, int]
_R = TypeVar("_R")

# Errors Pillow's decoders raise on malformed data (they are not consistent about which).
_DECODE_ERRORS = (
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
_ORIENTATION: dict[int, tuple[Image.Transpose, str]] = {
    2: (_T.FLIP_LEFT_RIGHT, "mirrored"),
    3: (_T.ROTATE_180, "rotated 180°"),
    4: (_T.FLIP_TOP_BOTTOM, "flipped vertically"),
    5: (_T.TRANSPOSE, "transposed"),
    6: (_T.ROTATE_270, "rotated 90° clockwise"),
    7: (_T.TRANSVERSE, "transversed"),
    8: (_T.ROTATE_90, "rotated 90° counter-clockwise"),
}
_ICC_SPACE = {"RGB": b"RGB ", "L": b"GRAY", "CMYK": b"CMYK"}


@dataclass(frozen=True, slots=True)
class JpegResult:
    data: bytes
    width: int
    height: int
    quality: int
    changes: tuple[str, ...]
    # The region of the (orientation-corrected) source the output shows, in source pixels, so a
    # caller can compare output and source, or tell a person what was cut.
    crop_box: tuple[float, float, float, float]
    source_size: tuple[int, int]


def to_platform_jpeg(
    data: bytes,
    *,
    platform: Platform | None,
    background: RGB = (255, 255, 255),
    max_bytes: int | None = None,
    max_side: int | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES,
    chroma: Chroma = "420",
    start_quality: int = START_QUALITY,
) -> JpegResult:
    """Convert `data` to a JPEG the platform accepts, or raise ImageRejected.

    `max_bytes` and `max_side` can only tighten the platform's limits. `chroma="444"` keeps full
    colour resolution, for small coloured text (rendered cards); photos do not need it.
    """
    spec = PLATFORM_SPECS[platform] if platform is not None else None
    cap = min(max_bytes or DEFAULT_MAX_BYTES, spec.max_bytes if spec else DEFAULT_MAX_BYTES)
    side = min(max_side or DEFAULT_MAX_SIDE, spec.max_side if spec else DEFAULT_MAX_SIDE)
    if spec is not None and side < spec.min_width:
        raise ValueError(f"max_side {side} is below {platform}'s minimum width {spec.min_width}")
    if len(background) != 3 or not all(0 <= c <= 255 for c in background):
        raise ValueError(f"background must be three 0-255 values, not {background!r}")
    if not MIN_QUALITY <= start_quality <= 100:
        raise ValueError(f"start_quality must be in {MIN_QUALITY}..100")

    changes: list[str] = []
    im = _open(data, max_pixels=max_pixels, max_input_bytes=max_input_bytes)
    try:
        return _convert(im, spec, cap, side, background, chroma, start_quality, changes)
    finally:
        im.close()


def _convert(
    im: Image.Image,
    spec: PlatformSpec | None,
    cap: int,
    side: int,
    background: RGB,
    chroma: Chroma,
    start_quality: int,
    changes: list[str],
) -> JpegResult:
    icc = im.info.get("icc_profile") or None
    if getattr(im, "is_animated", False):
        changes.append("used the first frame of an animation")
    orientation = _orientation(im)
    if "exif" in im.info or "xmp" in im.info:
        changes.append("removed EXIF/XMP metadata")

    w, h = im.size
    swapped = orientation in (5, 6, 7, 8)
    ow, oh = (h, w) if swapped else (w, h)
    box = _aspect_crop(ow, oh, spec)
    cw, ch = box[2] - box[0], box[3] - box[1]
    out_w, out_h = _output_size(cw, ch, spec, side)
    if (round(cw), round(ch)) != (ow, oh):
        changes.append(f"cropped {ow}x{oh} to {_ratio(cw / ch)}")

    # JPEG can decode at 1/2, 1/4 or 1/8 scale inside the IDCT: far less work, and the scaled
    # IDCT is a proper low-pass, so the final Lanczos step still sees clean data.
    factor = 1.0
    if im.format in ("JPEG", "MPO") and out_w < cw and out_h < ch:
        need = (math.ceil(ow * out_w / cw), math.ceil(oh * out_h / ch))
        drafted = im.draft(im.mode, (need[1], need[0]) if swapped else need)
        if drafted is not None:
            factor = w / drafted[1][2]

    _load(im)
    work = _eight_bit(im, changes)
    if orientation in _ORIENTATION:
        method, words = _ORIENTATION[orientation]
        work = work.transpose(method)
        changes.append(f"{words} per EXIF orientation {orientation}")

    scaled_box = (box[0] / factor, box[1] / factor, box[2] / factor, box[3] / factor)
    full = scaled_box == (0.0, 0.0, float(work.width), float(work.height))
    if not (full and (out_w, out_h) == work.size):
        work = work.resize(
            (out_w, out_h), Image.Resampling.LANCZOS, box=scaled_box, reducing_gap=_REDUCING_GAP
        )
        verb = "upscaled" if out_w > cw else "resized"
        if (out_w, out_h) != (round(cw), round(ch)):
            changes.append(f"{verb} {round(cw)}x{round(ch)} to {out_w}x{out_h}")

    alpha: Image.Image | None = None
    if work.mode in ("RGBA", "LA"):
        alpha = work.getchannel("A")
        work = work.convert("RGB" if work.mode == "RGBA" else "L")
    work = _to_srgb(work, icc, changes)
    if alpha is not None and _min_value(alpha) < 255:
        flat = Image.new("RGB", work.size, background)
        flat.paste(work, mask=alpha)
        work = flat
        changes.append("flattened alpha on #{:02x}{:02x}{:02x}".format(*background))

    work.info = {}  # Pillow's JPEG writer copies a COM comment from info
    min_w = spec.min_width if spec else 1
    data, quality, work = _fit(work, cap, start_quality, _SUBSAMPLING[chroma], spec, min_w, changes)
    return JpegResult(
        data=data,
        width=work.width,
        height=work.height,
        quality=quality,
        changes=tuple(changes),
        crop_box=box,
        source_size=(ow, oh),
    )


def _open(data: bytes, *, max_pixels: int, max_input_bytes: int) -> Image.Image:
    if not data:
        raise ImageRejected(RejectReason.EMPTY, "the image is empty (0 bytes)")
    if len(data) > max_input_bytes:
        raise ImageRejected(
            RejectReason.INPUT_TOO_LARGE,
            f"the image file is {len(data)} bytes; the limit is {max_input_bytes}",
        )
    try:
        im = _guarded(lambda: Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS))
    except UnidentifiedImageError as exc:
        raise _unidentified(data) from exc
    except _DECODE_ERRORS as exc:
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

    catch_warnings() is process-global; a racing thread can at worst leave the "error" filter in
    place for this one warning class, which is the behaviour we want everywhere anyway."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return step()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected(RejectReason.DECOMPRESSION_BOMB, str(exc)) from exc


def _unidentified(data: bytes) -> ImageRejected:
    """Tell "an image we refuse to decode" from "not an image" for a better error message."""
    try:
        with Image.open(io.BytesIO(data)) as other:
            fmt = other.format
    except Exception:  # any failure here just means "not an image"
        return ImageRejected(RejectReason.NOT_AN_IMAGE, "the data is not a recognised image")
    allowed = ", ".join(ALLOWED_FORMATS)
    return ImageRejected(
        RejectReason.UNSUPPORTED_FORMAT, f"{fmt} images are not accepted (accepted: {allowed})"
    )


def _load(im: Image.Image) -> None:
    try:
        _guarded(im.load)
    except OSError as exc:
        reason = RejectReason.TRUNCATED if "truncated" in str(exc) else RejectReason.CORRUPT
        raise ImageRejected(reason, f"the image data is damaged: {exc}") from exc
    except _DECODE_ERRORS as exc:
        raise ImageRejected(RejectReason.CORRUPT, f"the image data is damaged: {exc}") from exc


def _min_value(band: Image.Image) -> float:
    lo = band.getextrema()[0]
    assert isinstance(lo, int | float)
    return lo


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(0x0112, 1)
    except _DECODE_ERRORS:  # a malformed EXIF block must not cost the whole image
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _eight_bit(im: Image.Image, changes: list[str]) -> Image.Image:
    """Reduce every mode to one of RGB, RGBA, L, LA, CMYK with 8-bit samples."""
    mode = im.mode
    if mode in ("RGB", "RGBA", "L", "LA", "CMYK"):
        return im
    if mode == "P":
        return im.convert("RGBA" if "transparency" in im.info else "RGB")
    if mode in ("PA", "RGBa", "RGBX"):
        return im.convert("RGBA" if mode != "RGBX" else "RGB")
    if mode == "La":
        return im.convert("LA")
    if mode == "1":
        return im.convert("L")
    if mode == "LAB":  # Pillow has no LAB->RGB convert(); LittleCMS does
        changes.append("converted CIELAB to sRGB")
        lab, srgb = ImageCms.createProfile("LAB"), ImageCms.createProfile("sRGB")
        converted = ImageCms.profileToProfile(im, lab, srgb, outputMode="RGB")
        assert converted is not None
        return converted
    if mode.startswith("I") or mode == "F":
        changes.append(f"scaled {mode} samples to 8 bits")
        return _to_l(im)
    return im.convert("RGB")  # YCbCr, HSV and anything rarer


def _to_l(im: Image.Image) -> Image.Image:
    """convert("L") clips 16-bit samples instead of scaling them (65535 -> 255, but also
    1000 -> 255), so scale explicitly: 16-bit data by 1/257, anything wider by its own range."""
    if im.mode not in ("I", "F"):
        im = im.convert("I")
    lo, hi = im.getextrema()
    assert isinstance(lo, int | float)
    assert isinstance(hi, int | float)
    if im.mode == "I" and lo >= 0 and hi <= 65535:
        lo, hi = 0, 65535
    span = float(hi - lo) or 1.0
    scale, offset = 255.0 / span, -lo * 255.0 / span + 0.5
    return im.point(lambda v: v * scale + offset).convert("L")


def _to_srgb(work: Image.Image, icc: bytes | None, changes: list[str]) -> Image.Image:
    """Return an RGB image in sRGB. Platforms assume untagged JPEGs are sRGB and we ship no
    profile, so colours from a wide-gamut or CMYK source must be converted, not relabelled."""
    if icc is not None:
        if icc[16:20] == _ICC_SPACE[work.mode]:
            try:
                transform, name = _transform(icc, work.mode)
                converted = ImageCms.applyTransform(work, transform)
            except (ImageCms.PyCMSError, OSError, ValueError):
                changes.append("ignored an unreadable ICC profile")
            else:
                assert converted is not None
                if "srgb" in name.lower():
                    changes.append("dropped the embedded sRGB profile")
                else:
                    changes.append(f"converted ICC profile '{name}' to sRGB")
                return converted
        else:
            changes.append(f"ignored an ICC profile that does not fit a {work.mode} image")
    if work.mode == "CMYK":
        changes.append("converted CMYK to sRGB (no profile: naive conversion)")
    return work.convert("RGB")


@lru_cache(maxsize=32)
def _transform(icc: bytes, mode: str) -> tuple[ImageCms.ImageCmsTransform, str]:
    """Building a transform costs milliseconds; a batch usually shares a handful of profiles.
    NOCACHE: LittleCMS's one-pixel cache is not safe when threads share a transform."""
    source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    name = ImageCms.getProfileDescription(source).strip() or "unnamed"
    transform = ImageCms.buildTransform(
        source,
        ImageCms.createProfile("sRGB"),
        mode,
        "RGB",
        renderingIntent=ImageCms.Intent.PERCEPTUAL,
        flags=ImageCms.Flags.NOCACHE,
    )
    return transform, name


def _aspect_crop(w: int, h: int, spec: PlatformSpec | None) -> tuple[float, float, float, float]:
    """The centred box of the widest area inside the platform's aspect range (a float box:
    resize() samples it exactly, so the aspect ratio is not lost to rounding)."""
    if spec is None:
        return (0.0, 0.0, float(w), float(h))
    aspect = w / h
    if aspect > spec.max_aspect:
        cw = h * spec.max_aspect
        return ((w - cw) / 2, 0.0, (w + cw) / 2, float(h))
    if aspect < spec.min_aspect:
        ch = w / spec.min_aspect
        return (0.0, (h - ch) / 2, float(w), (h + ch) / 2)
    return (0.0, 0.0, float(w), float(h))


def _output_size(cw: float, ch: float, spec: PlatformSpec | None, side: int) -> tuple[int, int]:
    scale = min(1.0, side / max(cw, ch))
    if spec is not None:
        if spec.max_width is not None:
            scale = min(scale, spec.max_width / cw)
        if cw * scale < spec.min_width:  # the platform would upscale anyway, and worse
            scale = spec.min_width / cw
    return _clamp_aspect(max(1, round(cw * scale)), max(1, round(ch * scale)), spec)


def _clamp_aspect(w: int, h: int, spec: PlatformSpec | None) -> tuple[int, int]:
    """Rounding to whole pixels can step a hair outside the range (1.91:1 at 1440 wide is
    753.9 px high); the platforms check exactly, so give up the pixel."""
    if spec is not None:
        if w / h > spec.max_aspect:
            w = max(1, math.floor(h * spec.max_aspect))
        if w / h < spec.min_aspect:
            h = max(1, math.floor(w / spec.min_aspect))
    return w, h


def _ratio(aspect: float) -> str:
    frac = Fraction(aspect).limit_denominator(20)
    if abs(float(frac) - aspect) < 1e-6:
        return f"{frac.numerator}:{frac.denominator}"
    return f"{aspect:.2f}:1"


def _encode(img: Image.Image, quality: int, subsampling: int) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, optimize=True, progressive=True, subsampling=subsampling)
    return buf.getvalue()


def _fit(
    img: Image.Image,
    cap: int,
    start: int,
    subsampling: int,
    spec: PlatformSpec | None,
    min_w: int,
    changes: list[str],
) -> tuple[bytes, int, Image.Image]:
    """Highest quality in [MIN_QUALITY, start] whose file fits `cap`; when even MIN_QUALITY is
    too big, shrink the picture by the square root of the overshoot and search again. One encode
    in the common case: a 1440 px photo at quality 92 is a few hundred kB."""
    for _ in range(8):
        data = _encode(img, start, subsampling)
        if len(data) <= cap:
            return data, start, img
        best: tuple[int, bytes] | None = None
        lo, hi, smallest = MIN_QUALITY, start - 1, len(data)
        while lo <= hi:
            mid = (lo + hi) // 2
            attempt = _encode(img, mid, subsampling)
            smallest = min(smallest, len(attempt))
            if len(attempt) <= cap:
                best, lo = (mid, attempt), mid + 1
            else:
                hi = mid - 1
        if best is not None:
            changes.append(f"lowered JPEG quality to {best[0]} to stay under {cap} bytes")
            return best[1], best[0], img
        factor = math.sqrt(cap / smallest) * 0.95
        new_w = math.floor(img.width * factor)
        new_h = max(1, round(new_w * img.height / img.width))
        new_w, new_h = _clamp_aspect(max(1, new_w), new_h, spec)
        if new_w < min_w or max(new_w, new_h) < 16:
            break
        img = img.resize((new_w, new_h), Image.Resampling.LANCZOS, reducing_gap=_REDUCING_GAP)
        changes.append(f"downscaled to {new_w}x{new_h} to stay under {cap} bytes")
    raise ImageRejected(
        RejectReason.CANNOT_FIT, f"no JPEG of this image fits in {cap} bytes at a usable size"
    )
