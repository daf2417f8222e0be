"""The JPEG pipeline on a corpus of every mode and format we accept."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import cache

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageOps

from icop.images import ImageRejected, Platform, RejectReason, to_platform_jpeg
from icop.images.jpeg import image_to_platform_jpeg
from icop.images.similarity import ssim

from .corpus import (
    assert_platform_jpeg,
    chroma_sampling,
    encode,
    gray_profile,
    noise,
    photo,
    png16_rgb,
    reference,
    srgb_profile,
    swapped_primaries_profile,
)

PHOTO = photo(800, 600, seed=1)


def _grey() -> Image.Image:
    """PHOTO's luma with 0 and 255 present, so scaling by the sample range is the identity."""
    grey = np.asarray(PHOTO.convert("L")).copy()
    grey[0, 0], grey[0, 1] = 0, 255
    return Image.fromarray(grey)


GREY = _grey()


def _rgba() -> Image.Image:
    im = PHOTO.convert("RGBA")
    im.putalpha(Image.linear_gradient("L").resize(im.size).rotate(90))
    return im


def _animated_gif() -> bytes:
    frames = [Image.new("RGB", (300, 200), c) for c in ((220, 20, 20), (20, 20, 220))]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)


@cache
def _palette(colours: int) -> Image.Image:
    return PHOTO.quantize(colours, method=Image.Quantize.FASTOCTREE)


@cache
def _case(name: str) -> tuple[bytes, Image.Image | None]:
    data, source = CORPUS[name]()
    if source is DECODED:
        source = Image.open(io.BytesIO(data)).convert("RGB")
    return data, source


def _mpo() -> bytes:
    return encode(PHOTO, "MPO", save_all=True, append_images=[PHOTO.rotate(180)])


DECODED = Image.new("1", (1, 1))  # marker: the reference is the input as Pillow decodes it

# name -> (bytes, the input as it should look, for similarity; None where not comparable).
# Built lazily and once (see _case): every platform reuses the same bytes.
CORPUS: dict[str, Callable[[], tuple[bytes, Image.Image | None]]] = {
    "jpeg": lambda: (encode(PHOTO, "JPEG", quality=95), DECODED),
    "jpeg-progressive": lambda: (encode(PHOTO, "JPEG", progressive=True), DECODED),
    "jpeg-gray": lambda: (encode(PHOTO.convert("L"), "JPEG"), DECODED),
    "jpeg-cmyk": lambda: (encode(PHOTO.convert("CMYK"), "JPEG", quality=95), DECODED),
    "mpo": lambda: (_mpo(), DECODED),
    "png-rgb": lambda: (encode(PHOTO, "PNG"), PHOTO),
    "png-rgba": lambda: (encode(_rgba(), "PNG"), None),
    "png-la": lambda: (encode(_rgba().convert("LA"), "PNG"), None),
    "png-l": lambda: (encode(PHOTO.convert("L"), "PNG"), PHOTO.convert("L")),
    "png-1": lambda: (encode(PHOTO.convert("1"), "PNG"), None),
    "png-p": lambda: (encode(_palette(256), "PNG"), _palette(256)),
    "png-p-transparency": lambda: (encode(_palette(64), "PNG", transparency=0), None),
    "png-16-gray": lambda: (
        encode(Image.fromarray(np.asarray(PHOTO.convert("L"), np.uint16) * 257), "PNG"),
        PHOTO.convert("L"),
    ),
    "png-16-rgb": lambda: (png16_rgb(np.asarray(PHOTO, np.uint16) * 257), PHOTO),
    "tiff-i32": lambda: (
        encode(Image.fromarray(np.asarray(GREY, np.int32) * 1000), "TIFF"),
        GREY,
    ),
    "tiff-f": lambda: (
        encode(Image.fromarray(np.asarray(GREY, np.float32) / 255), "TIFF"),
        GREY,
    ),
    "tiff-cmyk": lambda: (encode(PHOTO.convert("CMYK"), "TIFF"), PHOTO),
    "webp": lambda: (encode(PHOTO, "WEBP", quality=95), DECODED),
    "webp-rgba": lambda: (encode(_rgba(), "WEBP", lossless=True), None),
    "gif-animated": lambda: (_animated_gif(), None),
    "bmp": lambda: (encode(PHOTO, "BMP"), PHOTO),
    "avif": lambda: (encode(PHOTO.resize((300, 225)), "AVIF", quality=90), None),
}


@pytest.mark.parametrize("name", sorted(CORPUS))
@pytest.mark.parametrize("platform", [Platform.INSTAGRAM, Platform.X, None])
def test_every_format_and_mode_becomes_a_platform_jpeg(
    name: str, platform: Platform | None
) -> None:
    data, source = _case(name)
    result = to_platform_jpeg(data, platform=platform)
    out = assert_platform_jpeg(result, platform)
    if source is not None:  # 4:3 fits every platform uncropped: the picture must survive
        assert result.crop_box == (0.0, 0.0, *map(float, source.size))
        assert ssim(reference(source, result), out) >= 0.95


def test_alpha_is_flattened_on_the_brand_background() -> None:
    im = Image.new("RGBA", (400, 400), (255, 0, 0, 0))  # transparent red: must not show
    im.paste((0, 200, 0, 255), (200, 0, 400, 400))
    result = to_platform_jpeg(encode(im, "PNG"), platform=None, background=(10, 20, 200))
    out = assert_platform_jpeg(result, None)
    assert _near(out.getpixel((100, 200)), (10, 20, 200))
    assert _near(out.getpixel((300, 200)), (0, 200, 0))
    assert "flattened alpha on #0a14c8" in result.changes


@pytest.mark.parametrize("mode", ["LA", "P"])
def test_grey_and_palette_transparency_are_flattened(mode: str) -> None:
    im = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    im.paste((255, 255, 255, 255), (100, 0, 200, 100))
    src = im.convert("LA") if mode == "LA" else im.convert("RGB").quantize(2)
    params = {} if mode == "LA" else {"transparency": src.getpixel((10, 10))}
    result = to_platform_jpeg(encode(src, "PNG", **params), platform=None, background=(250, 0, 0))
    out = assert_platform_jpeg(result, None)
    assert _near(out.getpixel((50, 50)), (250, 0, 0))
    assert _near(out.getpixel((150, 50)), (255, 255, 255))


def test_opaque_alpha_is_dropped_without_flattening() -> None:
    result = to_platform_jpeg(encode(PHOTO.convert("RGBA"), "PNG"), platform=None)
    assert not any("flattened" in c for c in result.changes)


def test_sixteen_bit_samples_are_scaled_not_clipped() -> None:
    """convert("L") would clip 16-bit mid-grey (32896) to white."""
    grey = Image.fromarray(np.full((64, 64), 128 * 257, np.uint16))
    out = assert_platform_jpeg(to_platform_jpeg(encode(grey, "PNG"), platform=None), None)
    assert abs(out.getpixel((32, 32))[0] - 128) <= 2


def test_first_frame_of_an_animation() -> None:
    result = to_platform_jpeg(_animated_gif(), platform=None)
    out = assert_platform_jpeg(result, None)
    assert _near(out.getpixel((150, 100)), (220, 20, 20), tolerance=12)
    assert "used the first of several frames" in result.changes


def test_cmyk_jpeg_comes_out_in_rgb_with_the_same_colours() -> None:
    colour = (200, 60, 40)
    data = encode(Image.new("RGB", (300, 200), colour).convert("CMYK"), "JPEG", quality=95)
    result = to_platform_jpeg(data, platform=None)
    out = assert_platform_jpeg(result, None)
    assert _near(out.getpixel((150, 100)), colour, tolerance=8)
    assert any("CMYK" in c for c in result.changes)


def test_cielab_tiff_is_converted_to_srgb() -> None:
    """Pillow's convert() cannot leave LAB; LittleCMS can. L*=50 neutral is sRGB 119 grey."""
    lab = Image.new("LAB", (64, 64), (128, 128, 128))
    result = to_platform_jpeg(encode(lab, "TIFF"), platform=None)
    out = assert_platform_jpeg(result, None)
    assert _near(out.getpixel((32, 32)), (119, 119, 119), tolerance=3)
    assert "converted CIELAB to sRGB" in result.changes


def test_exif_orientation_6_is_applied_and_removed() -> None:
    """Stored landscape with a red block top-left; orientation 6 means "rotate 90° clockwise to
    display", so the output is portrait with the block top-right, and carries no EXIF (a viewer
    must not rotate it a second time)."""
    stored = Image.new("RGB", (300, 200), (255, 255, 255))
    stored.paste((255, 0, 0), (0, 0, 60, 40))
    exif = stored.getexif()
    exif[0x0112] = 6
    result = to_platform_jpeg(encode(stored, "JPEG", quality=95, exif=exif), platform=None)
    out = assert_platform_jpeg(result, None)
    assert out.size == (200, 300)
    assert _near(out.getpixel((200 - 15, 15)), (255, 0, 0), tolerance=30)
    assert _near(out.getpixel((15, 15)), (255, 255, 255), tolerance=30)
    assert "rotated 90° clockwise per EXIF orientation 6" in result.changes
    assert "removed EXIF/XMP metadata" in result.changes


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_matches_pillows_exif_transpose(orientation: int) -> None:
    stored = Image.new("RGB", (240, 160), (255, 255, 255))
    for box, colour in [((0, 0, 120, 80), (255, 0, 0)), ((120, 0, 240, 80), (0, 160, 0))]:
        stored.paste(colour, box)
    stored.paste((0, 0, 255), (0, 80, 120, 160))
    exif = stored.getexif()
    exif[0x0112] = orientation
    data = encode(stored, "PNG", exif=exif)
    with Image.open(io.BytesIO(data)) as source:
        expected = ImageOps.exif_transpose(source)
    # Instagram also crops (240x160 is inside its range; 160x240 is not): compare like for like.
    result = to_platform_jpeg(data, platform=Platform.INSTAGRAM)
    out = assert_platform_jpeg(result, Platform.INSTAGRAM)
    assert ssim(reference(expected, result), out) >= 0.95


def test_a_profile_with_other_primaries_is_converted_to_srgb() -> None:
    red = Image.new("RGB", (200, 100), (220, 30, 30))
    data = encode(red, "PNG", icc_profile=swapped_primaries_profile())
    result = to_platform_jpeg(data, platform=None)
    r, _, b = assert_platform_jpeg(result, None).getpixel((100, 50))
    assert b > 150 > r, "the profile's 'red' is sRGB blue"
    assert any(c.startswith("converted ICC profile") for c in result.changes)


def test_an_srgb_profile_is_recognised_and_dropped_without_a_colour_pass() -> None:
    data = encode(PHOTO, "PNG", icc_profile=srgb_profile())
    result = to_platform_jpeg(data, platform=None)
    out = assert_platform_jpeg(result, None)
    assert any("equivalent to sRGB" in c for c in result.changes)
    assert ssim(reference(PHOTO, result), out) >= 0.95


@pytest.mark.parametrize(
    ("profile", "note"),
    [
        (gray_profile(), "ignored an ICC profile that does not fit a RGB image"),
        (bytes(16) + b"RGB " + bytes(200), "ignored an unreadable ICC profile"),
    ],
)
def test_unusable_profiles_are_ignored(profile: bytes, note: str) -> None:
    result = to_platform_jpeg(encode(PHOTO, "PNG", icc_profile=profile), platform=None)
    assert_platform_jpeg(result, None)
    assert note in result.changes


def test_all_metadata_is_removed() -> None:
    exif = PHOTO.getexif()
    exif[0x010F] = "Camera maker"
    exif[0x8825] = {1: "N", 2: (59.0, 19.0, 0.0)}  # GPS
    data = encode(
        PHOTO,
        "JPEG",
        exif=exif,
        xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'></x:xmpmeta>",
        comment=b"secret",
        icc_profile=srgb_profile(),
    )
    result = to_platform_jpeg(data, platform=Platform.FACEBOOK)
    assert_platform_jpeg(result, Platform.FACEBOOK)  # checks markers, EXIF, ICC, XMP, COM
    assert b"secret" not in result.data
    assert b"Camera maker" not in result.data


def test_a_malformed_exif_block_does_not_cost_the_image() -> None:
    data = encode(PHOTO, "JPEG")
    app1 = b"\xff\xe1" + (2 + 6 + 40).to_bytes(2, "big") + b"Exif\x00\x00" + b"\xff" * 40
    result = to_platform_jpeg(data[:2] + app1 + data[2:], platform=None)
    assert_platform_jpeg(result, None)


@pytest.mark.parametrize("size", [(10000, 10), (10, 10000), (1, 1), (1, 3000), (3000, 1)])
@pytest.mark.parametrize("platform", list(Platform))
def test_extreme_sizes_and_aspect_ratios(size: tuple[int, int], platform: Platform) -> None:
    data = encode(Image.new("RGB", size, (30, 120, 200)), "PNG")
    out = assert_platform_jpeg(to_platform_jpeg(data, platform=platform), platform)
    assert _near(out.getpixel((out.width // 2, out.height // 2)), (30, 120, 200))


def test_instagram_crops_to_its_range_and_says_so() -> None:
    wide = photo(1500, 500)
    result = to_platform_jpeg(encode(wide, "BMP"), platform=Platform.INSTAGRAM)
    out = assert_platform_jpeg(result, Platform.INSTAGRAM)
    assert (result.width, result.height) == (955, 500)
    assert result.crop_box == (272.5, 0.0, 1227.5, 500.0)  # the centre
    assert "cropped 1500x500 to 1.91:1" in result.changes
    assert ssim(reference(wide, result), out) >= 0.95
    tall = to_platform_jpeg(encode(photo(500, 1500), "BMP"), platform=Platform.INSTAGRAM)
    assert (tall.width, tall.height) == (500, 625)
    assert "cropped 500x1500 to 4:5" in tall.changes


def test_instagram_downscales_to_its_maximum_width() -> None:
    result = to_platform_jpeg(encode(photo(2000, 1500), "JPEG"), platform=Platform.INSTAGRAM)
    assert_platform_jpeg(result, Platform.INSTAGRAM)
    assert (result.width, result.height) == (1440, 1080)
    assert "resized 2000x1500 to 1440x1080" in result.changes


def test_tiny_images_are_upscaled_to_the_minimum_width() -> None:
    result = to_platform_jpeg(encode(Image.new("RGB", (1, 1), "red"), "PNG"), platform=None)
    assert (result.width, result.height) == (1, 1)
    ig = to_platform_jpeg(
        encode(Image.new("RGB", (1, 1), "red"), "PNG"), platform=Platform.INSTAGRAM
    )
    assert (ig.width, ig.height) == (320, 320)


def test_quality_is_lowered_to_fit_the_cap() -> None:
    data = encode(noise(1000, 1000), "PNG")
    result = to_platform_jpeg(data, platform=None, max_bytes=600_000)
    assert_platform_jpeg(result, None, cap=600_000)
    assert 70 <= result.quality < 92
    assert any(c.startswith("lowered JPEG quality") for c in result.changes)
    assert (result.width, result.height) == (1000, 1000)


def test_the_picture_is_shrunk_when_quality_alone_cannot_fit() -> None:
    data = encode(noise(1000, 800), "PNG")
    result = to_platform_jpeg(data, platform=Platform.INSTAGRAM, max_bytes=120_000)
    assert_platform_jpeg(result, Platform.INSTAGRAM, cap=120_000)
    assert result.width < 1000
    assert any(c.startswith("downscaled to") for c in result.changes)


def test_a_cap_nothing_can_meet_is_refused() -> None:
    data = encode(noise(400, 400), "PNG")
    with pytest.raises(ImageRejected) as info:
        to_platform_jpeg(data, platform=Platform.INSTAGRAM, max_bytes=2_000)
    assert info.value.reason is RejectReason.CANNOT_FIT


def test_facebook_keeps_the_long_side_within_2048() -> None:
    fb = to_platform_jpeg(encode(photo(1400, 2400), "JPEG"), platform=Platform.FACEBOOK)
    assert (fb.width, fb.height) == (1195, 2048)
    assert_platform_jpeg(fb, Platform.FACEBOOK)


def test_chroma_subsampling_follows_the_request() -> None:
    data = encode(PHOTO, "PNG")
    assert chroma_sampling(to_platform_jpeg(data, platform=None).data) == 0x22
    assert chroma_sampling(to_platform_jpeg(data, platform=None, chroma="444").data) == 0x11


def test_the_same_input_gives_the_same_bytes() -> None:
    data = encode(PHOTO, "JPEG")
    first = to_platform_jpeg(data, platform=Platform.THREADS)
    assert to_platform_jpeg(data, platform=Platform.THREADS).data == first.data


def test_in_memory_images_are_not_modified() -> None:
    im = _rgba()
    before = im.tobytes()
    result = image_to_platform_jpeg(im, platform=Platform.INSTAGRAM, background=(0, 0, 0))
    assert_platform_jpeg(result, Platform.INSTAGRAM)
    assert im.mode == "RGBA"
    assert im.tobytes() == before


def test_bad_arguments_are_programming_errors() -> None:
    data = encode(PHOTO, "PNG")
    with pytest.raises(ValueError, match="background"):
        to_platform_jpeg(data, platform=None, background=(0, 0, 300))
    with pytest.raises(ValueError, match="minimum width"):
        to_platform_jpeg(data, platform=Platform.INSTAGRAM, max_side=100)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    w=st.integers(1, 2500),
    h=st.integers(1, 2500),
    platform=st.sampled_from([*Platform, None]),
)
def test_any_geometry_lands_inside_the_platform_rules(
    w: int, h: int, platform: Platform | None
) -> None:
    data = encode(Image.new("RGB", (w, h), (90, 40, 160)), "PNG")
    assert_platform_jpeg(to_platform_jpeg(data, platform=platform), platform)


def _near(actual: object, expected: tuple[int, int, int], tolerance: int = 6) -> bool:
    assert isinstance(actual, tuple)
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))
