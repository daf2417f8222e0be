"""Hostile and broken input: each is refused with the right reason, quickly, and nothing else
escapes (no other exception type, no hang, no huge allocation)."""

from __future__ import annotations

import contextlib
import random
import struct
import time
import zlib
from typing import Any

import pytest
from PIL import Image

from icop.errors import ValidationFailed
from icop.images import ImageRejected, Platform, RejectReason, to_platform_jpeg

from .corpus import compressible_bomb, encode, photo, png_chunk, png_raw

PHOTO = photo(320, 240, seed=3)
pytestmark = pytest.mark.timeout(30)


def _reason(data: bytes, **kwargs: Any) -> RejectReason:
    with pytest.raises(ImageRejected) as info:
        to_platform_jpeg(data, platform=Platform.INSTAGRAM, **kwargs)
    return info.value.reason


def _truncated(fmt: str) -> bytes:
    data = encode(PHOTO, fmt)
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", RejectReason.EMPTY),
        (random.Random(1).randbytes(4096), RejectReason.NOT_AN_IMAGE),
        (b"<!doctype html><html><body>not an image</body></html>", RejectReason.NOT_AN_IMAGE),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", RejectReason.NOT_AN_IMAGE),
        (
            b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n%%EndComments\nshowpage\n",
            RejectReason.UNSUPPORTED_FORMAT,  # Pillow would run Ghostscript on it
        ),
        (_truncated("JPEG"), RejectReason.TRUNCATED),
        (_truncated("PNG"), RejectReason.TRUNCATED),
        (_truncated("GIF"), RejectReason.TRUNCATED),
        (_truncated("BMP"), RejectReason.TRUNCATED),
        (_truncated("TIFF"), RejectReason.TRUNCATED),
        (encode(PHOTO, "PNG")[:40], RejectReason.CORRUPT),  # too short to tell it from damage
        (png_raw(100, 100, 8, 2, b"\x78\x9c" + bytes(range(256)) * 4), RejectReason.CORRUPT),
        (png_raw(40_000, 8, 8, 2), RejectReason.DIMENSIONS),
        (png_raw(100_000, 100_000, 8, 2), RejectReason.DECOMPRESSION_BOMB),  # header only
    ],
    ids=[
        "empty",
        "random-bytes",
        "html",
        "pdf",
        "eps",
        "truncated-jpeg",
        "truncated-png",
        "truncated-gif",
        "truncated-bmp",
        "truncated-tiff",
        "truncated-png-header",
        "png-bad-deflate",
        "png-40000x8",
        "png-claims-10-gigapixels",
    ],
)
def test_refused_with_the_right_reason(data: bytes, reason: RejectReason) -> None:
    assert _reason(data) is reason


def test_truncated_webp_is_refused() -> None:
    assert _reason(_truncated("WEBP")) in (RejectReason.TRUNCATED, RejectReason.CORRUPT)


def test_a_real_decompression_bomb_is_refused_before_decoding() -> None:
    """A valid 12000x12000 PNG (144 MP, ~150 MB once decoded) that is about 20 kB of bytes."""
    bomb = compressible_bomb(12_000, 12_000)
    assert len(bomb) < 100_000
    started = time.perf_counter()
    assert _reason(bomb) is RejectReason.DECOMPRESSION_BOMB
    assert time.perf_counter() - started < 1.0  # refused from the header, nothing decoded


def test_the_pixel_limit_is_ours_to_set() -> None:
    data = encode(Image.new("RGB", (1200, 1000), "white"), "PNG")
    assert _reason(data, max_pixels=1_000_000) is RejectReason.DECOMPRESSION_BOMB
    to_platform_jpeg(data, platform=Platform.INSTAGRAM, max_pixels=1_200_000)


def test_pillows_own_bomb_warning_is_an_error_too() -> None:
    """90 MP is past Pillow's warning threshold (~89.5 MP) but under its error threshold; with
    our limit raised above it, Pillow's warning is what must refuse the image."""
    data = png_raw(10_000, 9_000, 8, 2)
    assert _reason(data, max_pixels=200_000_000) is RejectReason.DECOMPRESSION_BOMB


def test_a_byte_limit_on_the_input() -> None:
    data = encode(PHOTO, "PNG")
    assert _reason(data, max_input_bytes=len(data) - 1) is RejectReason.INPUT_TOO_LARGE


def test_an_unusable_byte_cap() -> None:
    assert _reason(encode(PHOTO, "PNG"), max_bytes=1_000) is RejectReason.CANNOT_FIT


def test_rejections_are_value_errors_and_422_problems() -> None:
    with pytest.raises(ImageRejected) as info:
        to_platform_jpeg(b"", platform=None)
    error = info.value
    assert isinstance(error, ValueError)
    assert isinstance(error, ValidationFailed)
    assert error.status == 422
    assert error.code == "image_rejected"
    assert error.extra == {"reason": "empty"}


def test_bad_crc_is_refused_not_crashed() -> None:
    good = encode(PHOTO, "PNG")
    ihdr_crc = 8 + 8 + 13  # signature, length+type, IHDR data
    bad = good[:ihdr_crc] + b"\x00\x00\x00\x00" + good[ihdr_crc + 4 :]
    assert _reason(bad) in (RejectReason.CORRUPT, RejectReason.NOT_AN_IMAGE)


def test_a_png_with_a_huge_text_chunk_is_handled() -> None:
    """Pillow caps text chunks (MAX_TEXT_CHUNK, 1 MB); a zTXt that inflates to 50 MB is
    refused instead of inflated."""
    good = encode(PHOTO, "PNG")
    ztxt = png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"A" * 50_000_000, 9))
    data = good[:33] + ztxt + good[33:]
    assert _reason(data) is RejectReason.CORRUPT


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP"])
def test_mutated_files_never_escape_as_other_errors(fmt: str) -> None:
    """A small fuzz: flip bytes all over a valid file. Each variant must convert or be refused
    with ImageRejected, and the whole batch must finish quickly (no hang, no runaway decode)."""
    original = encode(PHOTO.resize((96, 72)), fmt)
    rng = random.Random(fmt)
    started = time.perf_counter()
    for _ in range(40):
        mutated = bytearray(original)
        for _ in range(rng.randint(1, 8)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        with contextlib.suppress(ImageRejected):
            to_platform_jpeg(bytes(mutated), platform=Platform.THREADS)
    assert time.perf_counter() - started < 20


def test_header_sizes_are_checked_before_anything_is_allocated() -> None:
    header = struct.pack(">IIBBBBB", 30_000, 30_000, 16, 6, 0, 0, 0)  # 900 MP of RGBA64
    data = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IEND", b"")
    assert _reason(data) is RejectReason.DECOMPRESSION_BOMB
