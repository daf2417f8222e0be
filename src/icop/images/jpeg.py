"""Any image in, one platform-ready JPEG out.

Instagram takes only JPEG, every platform caps the bytes, and several cap the aspect ratio and the
width; uploads that miss a rule fail at publish time, hours after the article was written. So every
image (a provider's PNG, a user's phone photo, our own rendered card) goes through here first:

    open (allow-listed decoders, pixel limit; decode.py) -> decode, at reduced scale when JPEG
    allows -> 8-bit mode -> EXIF orientation -> centre-crop into the platform's aspect range and
    resize (geometry.py) -> ICC profile to sRGB, alpha onto the brand background (colour.py)
    -> progressive, optimised JPEG without metadata, at the highest quality under the byte cap.

The order is chosen for cost: everything per-pixel that can wait (colour transforms, 16-bit
scaling) runs after the resize, on what is usually a fraction of the input's pixels.

Measured with benchmarks/images.py (2 cores, 10 mixed inputs of 2-12 MP, Instagram): about 1.5x
the CPU time of a bare `convert("RGB").save(quality=90)` that fixes none of this, with every
output under the cap and SSIM >= 0.95 against the source.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Literal

from PIL import Image

from icop.images.colour import RGB, flatten, icc_fits, to_eight_bit, to_l, to_srgb
from icop.images.decode import (
    DEFAULT_MAX_INPUT_BYTES,
    DEFAULT_MAX_PIXELS,
    ORIENTATION,
    is_animated,
    load_pixels,
    open_image,
    orientation_of,
)
from icop.images.errors import ImageRejected, RejectReason
from icop.images.geometry import (
    aspect_crop,
    clamp_aspect,
    output_size,
    ratio_label,
    resample_filter,
)
from icop.platforms import Platform
from icop.platforms.images import DEFAULT_MAX_BYTES, DEFAULT_MAX_SIDE, PLATFORM_SPECS, PlatformSpec

START_QUALITY = 92  # visually lossless for photos; the platforms recompress anyway
MIN_QUALITY = 70  # below this, artefacts show; shrink the picture instead
# resize() first reduce()s by an integer factor when the scale is at least twice the gap: a box
# filter at a fraction of the cost; 2.0 is what Image.thumbnail() uses.
_REDUCING_GAP = 2.0
_SUBSAMPLING = {"420": 2, "444": 0}

Chroma = Literal["420", "444"]


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


@dataclass(frozen=True, slots=True)
class _Limits:
    spec: PlatformSpec | None
    cap: int
    side: int
    background: RGB
    subsampling: int
    start_quality: int

    @classmethod
    def build(
        cls,
        platform: Platform | None,
        max_bytes: int | None,
        max_side: int | None,
        background: RGB,
        chroma: Chroma,
        start_quality: int,
    ) -> _Limits:
        spec = PLATFORM_SPECS[platform] if platform is not None else None
        platform_cap = spec.max_bytes if spec else DEFAULT_MAX_BYTES
        platform_side = spec.max_side if spec else DEFAULT_MAX_SIDE
        cap = min(max_bytes or platform_cap, platform_cap)
        side = min(max_side or platform_side, platform_side)
        if spec is not None and side < spec.min_width:
            raise ValueError(f"max_side {side} is below {platform}'s minimum width")
        if len(background) != 3 or not all(0 <= c <= 255 for c in background):
            raise ValueError(f"background must be three 0-255 values, not {background!r}")
        if not MIN_QUALITY <= start_quality <= 100:
            raise ValueError(f"start_quality must be in {MIN_QUALITY}..100")
        return cls(spec, cap, side, background, _SUBSAMPLING[chroma], start_quality)


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
    """Convert encoded image `data` to a JPEG the platform accepts, or raise ImageRejected.

    `max_bytes` and `max_side` can only tighten the platform's limits (without a platform:
    8 MiB and 4096 px). `chroma="444"` keeps full colour resolution, for small coloured text;
    photos do not need it. `background` shows through transparent pixels.
    """
    limits = _Limits.build(platform, max_bytes, max_side, background, chroma, start_quality)
    im = open_image(data, max_pixels=max_pixels, max_input_bytes=max_input_bytes)
    try:
        return _convert(im, limits, [], may_draft=True)
    finally:
        im.close()


def image_to_platform_jpeg(
    image: Image.Image,
    *,
    platform: Platform | None,
    background: RGB = (255, 255, 255),
    max_bytes: int | None = None,
    max_side: int | None = None,
    chroma: Chroma = "420",
    start_quality: int = START_QUALITY,
) -> JpegResult:
    """The same pipeline for an image already in memory (the renderer's output), which saves
    encoding it to a file first. `image` is not modified."""
    limits = _Limits.build(platform, max_bytes, max_side, background, chroma, start_quality)
    w, h = image.size
    if w < 1 or h < 1:
        raise ImageRejected(RejectReason.DIMENSIONS, f"the image is {w}x{h} pixels")
    return _convert(image, limits, [], may_draft=False)


def _convert(
    im: Image.Image, limits: _Limits, changes: list[str], *, may_draft: bool
) -> JpegResult:
    spec = limits.spec
    icc = im.info.get("icc_profile") or None
    if is_animated(im):
        changes.append("used the first of several frames")
    # JPEG keeps EXIF in a header segment, so its orientation is known before decoding, which
    # the reduced-scale decode below needs. Other formats may keep EXIF after the pixel data
    # (PNG's eXIf), and getexif() would decode the pixels on the side, swallowing any error.
    draftable = may_draft and im.format in ("JPEG", "MPO")
    if not draftable:
        load_pixels(im)
    orientation = orientation_of(im)

    w, h = im.size
    swapped = orientation in (5, 6, 7, 8)
    ow, oh = (h, w) if swapped else (w, h)
    box = aspect_crop(ow, oh, spec, limits.side)
    cw, ch = box[2] - box[0], box[3] - box[1]
    out_w, out_h = output_size(cw, ch, spec, limits.side)
    if (round(cw), round(ch)) != (ow, oh):
        changes.append(f"cropped {ow}x{oh} to {ratio_label(cw / ch)}")

    # JPEG can decode at 1/2, 1/4 or 1/8 scale inside the IDCT: far less work, and the scaled
    # IDCT is a proper low-pass, so the final resampling still sees clean data.
    factor = 1.0
    if draftable and out_w < cw and out_h < ch:
        need = (math.ceil(ow * out_w / cw), math.ceil(oh * out_h / ch))
        drafted = im.draft(im.mode, (need[1], need[0]) if swapped else need)
        if drafted is not None:
            factor = w / drafted[1][2]
    if draftable:
        load_pixels(im)
    if "exif" in im.info or "xmp" in im.info or "XML:com.adobe.xmp" in im.info:
        changes.append("removed EXIF/XMP metadata")
    work = to_eight_bit(im, changes)
    if orientation in ORIENTATION:
        method, words = ORIENTATION[orientation]
        work = work.transpose(method)
        changes.append(f"{words} per EXIF orientation {orientation}")
    icc = icc if icc is not None and icc_fits(icc, work.mode, changes) else None
    # Without a profile the alpha can go first: compositing is cheaper than resampling a fourth,
    # premultiplied channel. With one, colours must reach sRGB before meeting the (sRGB)
    # background, and converting is cheaper after the resize, so the alpha waits.
    if icc is None and work.mode in ("RGBA", "LA"):
        work = flatten(work, work, limits.background, changes)
    elif icc is None and work.mode == "CMYK":  # naive CMYK->RGB is not linear: before resampling
        work = to_srgb(work, None, changes)

    scaled_box = (box[0] / factor, box[1] / factor, box[2] / factor, box[3] / factor)
    full = scaled_box == (0.0, 0.0, float(work.width), float(work.height))
    if not (full and (out_w, out_h) == work.size):
        work = work.resize(
            (out_w, out_h),
            resample_filter((scaled_box[2] - scaled_box[0]) / out_w),
            box=scaled_box,
            reducing_gap=_REDUCING_GAP,
        )
        verb = "upscaled" if out_w > cw else "resized"
        if (out_w, out_h) != (round(cw), round(ch)):
            changes.append(f"{verb} {round(cw)}x{round(ch)} to {out_w}x{out_h}")
    if work.mode in ("I", "F"):  # resampled at full precision, reduced to 8 bits afterwards
        work = to_l(work, sixteen_bit=im.mode.startswith("I;16"))

    alpha: Image.Image | None = None
    if work.mode in ("RGBA", "LA"):
        alpha = work.getchannel("A")
        work = work.convert("RGB" if work.mode == "RGBA" else "L")
    work = to_srgb(work, icc, changes)
    if alpha is not None:
        work = flatten(work, alpha, limits.background, changes)

    data, quality, work = _fit(work, limits, changes)
    return JpegResult(
        data=data,
        width=work.width,
        height=work.height,
        quality=quality,
        changes=tuple(changes),
        crop_box=box,
        source_size=(ow, oh),
    )


def _encode(img: Image.Image, quality: int, subsampling: int) -> bytes:
    buf = io.BytesIO()
    # comment="": Pillow's JPEG writer would otherwise copy a COM marker from img.info.
    # EXIF, XMP and ICC are written only when passed, so none are.
    img.save(
        buf,
        "JPEG",
        quality=quality,
        optimize=True,
        progressive=True,
        subsampling=subsampling,
        comment="",
    )
    return buf.getvalue()


def _fit(img: Image.Image, limits: _Limits, changes: list[str]) -> tuple[bytes, int, Image.Image]:
    """Highest quality in [MIN_QUALITY, start] whose file fits `cap`; when even MIN_QUALITY is
    too big, shrink the picture by the square root of the overshoot and search again. One encode
    in the common case: a 1440 px photo at quality 92 is a few hundred kB."""
    cap, start, subsampling, spec = (
        limits.cap,
        limits.start_quality,
        limits.subsampling,
        limits.spec,
    )
    min_w = spec.min_width if spec else 1
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
        new_w, new_h = clamp_aspect(max(1, new_w), new_h, spec)
        if new_w < min_w or max(new_w, new_h) < 16:
            break
        img = img.resize((new_w, new_h), resample_filter(1 / factor), reducing_gap=_REDUCING_GAP)
        changes.append(f"downscaled to {new_w}x{new_h} to stay under {cap} bytes")
    raise ImageRejected(
        RejectReason.CANNOT_FIT, f"no JPEG of this image fits in {cap} bytes at a usable size"
    )
