"""Edge-case images, generated so the corpus costs no repository space and every byte of it is
explained here. Also the checks every pipeline output must pass."""

from __future__ import annotations

import io
import math
import struct
import zlib
from typing import Any

import numpy as np
from PIL import Image, ImageCms

from icop.images.jpeg import JpegResult
from icop.platforms import Platform
from icop.platforms.images import DEFAULT_MAX_BYTES, DEFAULT_MAX_SIDE, PLATFORM_SPECS


def photo(w: int, h: int, seed: int = 0) -> Image.Image:
    """Photograph-like RGB: smooth colour fields plus mild texture (compresses like a photo)."""
    rng = np.random.default_rng(seed)
    field = Image.fromarray(rng.integers(0, 256, (4, 5, 3), dtype=np.uint8))
    base = np.asarray(field.resize((w, h), Image.Resampling.BICUBIC), dtype=np.float32)
    base += rng.normal(0, 2, (h, w, 1)).astype(np.float32)
    return Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))


def noise(w: int, h: int, seed: int = 0) -> Image.Image:
    """Incompressible: the worst case for a byte cap."""
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8))


def encode(im: Image.Image, fmt: str, **params: Any) -> bytes:
    if fmt == "PNG":
        params.setdefault("compress_level", 1)  # the tests are about decoding, not file size
    buf = io.BytesIO()
    im.save(buf, fmt, **params)
    return buf.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_raw(w: int, h: int, bit_depth: int, colour_type: int, idat: bytes = b"") -> bytes:
    ihdr = struct.pack(">IIBBBBB", w, h, bit_depth, colour_type, 0, 0, 0)
    body = png_chunk(b"IHDR", ihdr)
    if idat:
        body += png_chunk(b"IDAT", idat)
    return PNG_SIGNATURE + body + png_chunk(b"IEND", b"")


def compressible_bomb(w: int, h: int) -> bytes:
    """A genuine, fully decodable 1-bit PNG of w*h black pixels. Zeros deflate ~1000:1, so a
    144-megapixel image is a few kB: the classic decompression bomb. Streamed row by row."""
    row = b"\x00" * (1 + math.ceil(w / 8))  # filter byte + packed bits
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(h)) + comp.flush()
    return png_raw(w, h, 1, 0, idat)


def png16_rgb(pixels: np.ndarray) -> bytes:
    """A 16-bit-per-channel RGB PNG (Pillow cannot write these)."""
    h, w, _ = pixels.shape
    raw = b"".join(b"\x00" + pixels[y].astype(">u2").tobytes() for y in range(h))
    return png_raw(w, h, 16, 2, zlib.compress(raw))


def swapped_primaries_profile() -> bytes:
    """An RGB ICC profile whose red and blue primaries are exchanged: the sRGB profile with its
    rXYZ and bXYZ tag entries swapped. Converting through it to sRGB must turn red into blue,
    so a test can see that the conversion happened (a real wide-gamut profile would shift
    colours by a few levels only)."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = struct.unpack(">I", data[128:132])[0]
    entries = {bytes(data[132 + 12 * i : 136 + 12 * i]): 132 + 12 * i for i in range(count)}
    r, b = entries[b"rXYZ"], entries[b"bXYZ"]
    data[r + 4 : r + 12], data[b + 4 : b + 12] = data[b + 4 : b + 12], data[r + 4 : r + 12]
    data[84:100] = bytes(16)  # the profile ID (an MD5) no longer matches: mark it absent
    return bytes(data)


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def gray_profile() -> bytes:
    """A grey profile (header colour space 'GRAY'), wrong for an RGB image."""
    data = bytearray(srgb_profile())
    data[16:20] = b"GRAY"
    return bytes(data)


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) of every segment before the first scan."""
    assert data[:2] == b"\xff\xd8", "not a JPEG (no SOI)"
    out: list[tuple[int, bytes]] = []
    i = 2
    while i < len(data):
        assert data[i] == 0xFF, f"bad marker at {i}"
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        out.append((marker, data[i + 4 : i + 2 + length]))
        if marker == 0xDA:  # SOS: entropy-coded data follows
            break
        i += 2 + length
    return out


# Allowed before the first scan: APP0 (JFIF), DQT, SOF2 (progressive Huffman), DHT, DRI, SOS.
ALLOWED_MARKERS = {0xE0, 0xDB, 0xC2, 0xC4, 0xDD, 0xDA}


def chroma_sampling(data: bytes) -> int:
    """The luma component's sampling factors byte: 0x22 for 4:2:0, 0x11 for 4:4:4."""
    sof = next(p for m, p in jpeg_segments(data) if m == 0xC2)
    return sof[7]


def assert_platform_jpeg(
    result: JpegResult, platform: Platform | None, *, cap: int | None = None
) -> Image.Image:
    """Everything a platform-ready JPEG must be; returns the decoded image."""
    data = result.data
    spec = PLATFORM_SPECS[platform] if platform else None
    limit = cap or (spec.max_bytes if spec else DEFAULT_MAX_BYTES)
    assert len(data) <= limit, f"{len(data)} bytes over the {limit} cap"

    segments = jpeg_segments(data)
    markers = {m for m, _ in segments}
    assert markers <= ALLOWED_MARKERS, f"unexpected markers {sorted(hex(m) for m in markers)}"
    sof = next(p for m, p in segments if m == 0xC2)  # progressive, Huffman-coded
    assert sof[0] == 8, "not 8-bit precision"
    assert sof[5] == 3, "not three components"

    img = Image.open(io.BytesIO(data))
    img.load()  # decodes completely
    assert img.format == "JPEG"
    assert img.mode == "RGB"
    assert img.info.get("progressive") or img.info.get("progression")
    assert not img.getexif(), "EXIF left in"
    for key in ("exif", "icc_profile", "xmp", "comment"):
        assert key not in img.info, f"{key} left in"
    assert img.size == (result.width, result.height)

    w, h = img.size
    max_side = spec.max_side if spec else DEFAULT_MAX_SIDE
    assert max(w, h) <= max_side
    if spec is not None:
        assert spec.min_aspect <= w / h <= spec.max_aspect, f"{w}x{h} outside the aspect range"
        assert w >= spec.min_width
        if spec.max_width is not None:
            assert w <= spec.max_width
    return img


def reference(source: Image.Image, result: JpegResult) -> Image.Image:
    """The source (already oriented, RGB) cropped and sized like the output, for SSIM."""
    return source.convert("RGB").resize(
        (result.width, result.height), Image.Resampling.LANCZOS, box=result.crop_box
    )
