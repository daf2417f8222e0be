"""Colour: every mode to 8-bit RGB in sRGB, alpha onto the brand background.

Platforms treat an untagged JPEG as sRGB and we ship no profile, so colours from wide-gamut
(Display P3, Adobe RGB), CMYK, grey or 16-bit sources are converted, never just relabelled.
"""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageChops, ImageCms

RGB = tuple[int, int, int]
_ICC_SPACE = {"RGB": b"RGB ", "L": b"GRAY", "CMYK": b"CMYK"}


def to_eight_bit(im: Image.Image, changes: list[str]) -> Image.Image:
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
        return im if mode in ("I", "F") else im.convert("I")
    return im.convert("RGB")  # YCbCr, HSV and anything rarer


def to_l(im: Image.Image, *, sixteen_bit: bool) -> Image.Image:
    """convert("L") clips wide samples instead of scaling them (65535 -> 255, but also
    1000 -> 255), so scale explicitly: 16-bit data by 1/257, anything else by its own range."""
    if sixteen_bit:
        lo, hi = 0.0, 65535.0
    else:
        lo, hi = (float(v) for v in extrema(im))
    span = (hi - lo) or 1.0
    scale, offset = 255.0 / span, -lo * 255.0 / span + 0.5
    return im.point(lambda v: v * scale + offset).convert("L")


def extrema(band: Image.Image) -> tuple[float, float]:
    lo, hi = band.getextrema()
    assert isinstance(lo, int | float)
    assert isinstance(hi, int | float)
    return lo, hi


def flatten(
    colour: Image.Image, mask: Image.Image, background: RGB, changes: list[str]
) -> Image.Image:
    """`colour` over the background through `mask` (an L mask, or an RGBA/LA image whose own
    alpha is used: pasting RGBA/LA onto RGB needs no conversion, which makes this the cheapest
    way Pillow offers to composite)."""
    alpha = mask if mask.mode == "L" else mask.getchannel("A")
    if _min_value(alpha) == 255:  # an alpha channel with nothing transparent in it
        return colour if colour.mode == "RGB" else colour.convert("RGB")
    flat = Image.new("RGB", colour.size, background)
    flat.paste(colour, (0, 0), mask)
    changes.append("flattened alpha on #{:02x}{:02x}{:02x}".format(*background))
    return flat


def icc_fits(icc: bytes, mode: str, changes: list[str]) -> bool:
    """A profile describes one colour space (bytes 16-20 of its header); applied to an image of
    another it would fail or, worse, succeed with nonsense."""
    base = {"RGBA": "RGB", "LA": "L", "I": "L", "F": "L"}.get(mode, mode)
    if icc[16:20] == _ICC_SPACE.get(base):
        return True
    changes.append(f"ignored an ICC profile that does not fit a {base} image")
    return False


def to_srgb(work: Image.Image, icc: bytes | None, changes: list[str]) -> Image.Image:
    """Return an RGB image in sRGB. Platforms assume untagged JPEGs are sRGB and we ship no
    profile, so colours from a wide-gamut or CMYK source must be converted, not relabelled."""
    if icc is not None:
        try:
            transform, name = _transform(icc, work.mode)
            converted = work if transform is None else ImageCms.applyTransform(work, transform)
        except (ImageCms.PyCMSError, OSError, ValueError):
            changes.append("ignored an unreadable ICC profile")
        else:
            assert converted is not None
            if transform is None:
                changes.append(f"dropped ICC profile '{name}' (equivalent to sRGB)")
            else:
                changes.append(f"converted ICC profile '{name}' to sRGB and dropped it")
            work = converted
    if work.mode == "CMYK":
        changes.append("converted CMYK to sRGB (no profile: naive conversion)")
    return work if work.mode == "RGB" else work.convert("RGB")


@lru_cache(maxsize=32)
def _transform(icc: bytes, mode: str) -> tuple[ImageCms.ImageCmsTransform | None, str]:
    """The profile's transform to sRGB, or None when it is sRGB in effect (most tagged web
    and phone images), which saves a per-pixel pass. Decided by converting a 16-level colour
    cube, not by the profile's name, which is free text. Cached: building costs milliseconds
    and a batch shares a handful of profiles. NOCACHE: LittleCMS's one-pixel cache is not
    safe when threads share a transform."""
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
    if mode == "RGB":
        cube = Image.frombytes("RGB", (64, 64), bytes(_CUBE))
        converted = ImageCms.applyTransform(cube, transform)
        assert converted is not None
        bands = ImageChops.difference(cube, converted).split()
        if max(extrema(band)[1] for band in bands) <= 1:
            return None, name
    return transform, name


# Every combination of 16 levels (0, 17, ... 255) per channel: 4096 RGB pixels.
_CUBE = [v * 17 for r in range(16) for g in range(16) for b in range(16) for v in (r, g, b)]


def _min_value(band: Image.Image) -> float:
    return extrema(band)[0]
