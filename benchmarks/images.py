"""The JPEG pipeline against plain Pillow, side by side on the same mixed batch.

    .venv/bin/python -m benchmarks.images [--repeat N] [--platform instagram]

Inputs are generated (no files to ship): photograph-like pictures (smooth colour fields, edges,
texture and sensor-like noise, which compress like photos do, unlike pure noise), 2-12 MP, in the
modes and formats that reach us: EXIF-rotated JPEG, CMYK JPEG, RGBA PNG, 16-bit PNG, palette GIF
with transparency, WEBP, a panorama and a tall portrait that need cropping, a tagged JPEG.

"Plain Pillow" is `Image.open(b).convert("RGB").save(out, "JPEG", quality=90)`: the one-liner a
pipeline like ours replaces. Quality is SSIM on luma of each output against the source rendered
the way it should look (orientation applied, alpha on the background, 16-bit scaled, colours in
sRGB), cropped and resized to the output's geometry.

Timings are the best of --repeat runs per input, ours and plain interleaved so both see the same
machine state. Both are single-threaded, so CPU time is what wall time would be on an idle
machine; on a shared one (this workplace has 2 cores and other jobs) wall time mostly measures
the neighbours. RESULT uses CPU time; the table shows wall time too.

The last line is `RESULT jpeg_mp_per_s=… vs_plain_pillow=… max_bytes=… ssim_min=…`, where
vs_plain_pillow is our time divided by plain Pillow's (below 1.0: we are faster).
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageCms, ImageOps

from icop.images.jpeg import JpegResult, to_platform_jpeg
from icop.images.similarity import ssim
from icop.platforms import Platform
from icop.platforms.images import PLATFORM_SPECS

BACKGROUND = (255, 255, 255)


@dataclass
class Case:
    name: str
    data: bytes
    megapixels: float


def photo(w: int, h: int, seed: int) -> np.ndarray:
    """A photograph-like RGB array: a smooth random colour field (sky, walls), a few hard-edged
    shapes (objects), mid-frequency texture and fine noise."""
    rng = np.random.default_rng(seed)
    field = Image.fromarray(rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)).resize(
        (w, h), Image.Resampling.BICUBIC
    )
    img = np.asarray(field, dtype=np.float32)
    yy, xx = np.mgrid[0:h, 0:w]
    for _ in range(6):
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.05, 0.25) * min(w, h)
        inside = (xx - cx) ** 2 + (yy - cy) ** 2 < r * r
        img[inside] = img[inside] * 0.4 + rng.uniform(0, 255, 3).astype(np.float32) * 0.6
    texture = Image.fromarray(rng.integers(0, 256, (h // 8, w // 8), dtype=np.uint8)).resize(
        (w, h), Image.Resampling.BILINEAR
    )
    img += (np.asarray(texture, dtype=np.float32)[..., None] - 128) * 0.15
    img += rng.normal(0, 4, (h, w, 1)).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8)


def _encode(im: Image.Image, fmt: str, **params: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **params)
    return buf.getvalue()


def build_cases() -> list[Case]:
    cases: list[tuple[str, Image.Image, str, dict[str, object]]] = []
    rotated = Image.fromarray(photo(4000, 3000, 1))
    exif = rotated.getexif()
    exif[0x0112] = 6
    cases.append(("jpeg 12MP exif-6", rotated, "JPEG", {"quality": 95, "exif": exif}))
    cases.append(("jpeg 6MP", Image.fromarray(photo(3000, 2000, 2)), "JPEG", {"quality": 90}))
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    tagged = Image.fromarray(photo(3000, 2250, 3))
    cases.append(("jpeg 6.8MP icc", tagged, "JPEG", {"quality": 92, "icc_profile": srgb}))
    cases.append(("jpeg 4MP pano", Image.fromarray(photo(4000, 1000, 4)), "JPEG", {}))
    cases.append(("jpeg 6MP tall", Image.fromarray(photo(2000, 3000, 5)), "JPEG", {}))
    cmyk = Image.fromarray(photo(2000, 1500, 6)).convert("CMYK")
    cases.append(("jpeg 3MP cmyk", cmyk, "JPEG", {"quality": 92}))
    rgba = Image.fromarray(photo(2400, 2400, 7)).convert("RGBA")
    ramp = np.tile(np.linspace(0, 255, 2400, dtype=np.float32), (2400, 1)).astype(np.uint8)
    rgba.putalpha(Image.fromarray(ramp))
    cases.append(("png 5.8MP rgba", rgba, "PNG", {"compress_level": 1}))
    gray16 = (photo(3000, 2000, 8)[..., 1].astype(np.uint16) * 257).astype(np.uint16)
    cases.append(("png 6MP 16-bit", Image.fromarray(gray16), "PNG", {"compress_level": 1}))
    pal = Image.fromarray(photo(1920, 1080, 9)).quantize(64)
    cases.append(("gif 2MP palette+alpha", pal, "GIF", {"transparency": 0}))
    cases.append(("webp 3.7MP", Image.fromarray(photo(2560, 1440, 10)), "WEBP", {"quality": 90}))
    return [Case(n, _encode(im, f, **p), im.width * im.height / 1e6) for n, im, f, p in cases]


def reference(data: bytes) -> Image.Image:
    """The source as it should look, decoded at full size by a path independent of the
    pipeline's (no reduced-scale decoding, no shared helpers)."""
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        icc = im.info.get("icc_profile")
        im = ImageOps.exif_transpose(im)
        if im.mode.startswith("I"):
            im = im.convert("I").point(lambda v: v / 257).convert("L")
        if im.mode == "P":
            im = im.convert("RGBA")
        if icc and im.mode == "RGB":
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(im, src, ImageCms.createProfile("sRGB"))
            assert converted is not None
            im = converted
        if im.mode in ("RGBA", "LA"):
            flat = Image.new("RGB", im.size, BACKGROUND)
            flat.paste(im.convert("RGBA"), mask=im.getchannel("A"))
            return flat
        return im.convert("RGB")


def plain_pillow(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as im:
        buf = io.BytesIO()
        im.convert("RGB").save(buf, "JPEG", quality=90)
        return buf.getvalue()


@dataclass
class Timing:
    cpu: float = float("inf")
    wall: float = float("inf")

    def measure(self, fn: Callable[[], object]) -> None:
        cpu, wall = time.process_time(), time.perf_counter()
        fn()
        self.cpu = min(self.cpu, time.process_time() - cpu)
        self.wall = min(self.wall, time.perf_counter() - wall)


def score_ours(case: Case, result: JpegResult) -> float:
    ref = reference(case.data).resize(
        (result.width, result.height), Image.Resampling.LANCZOS, box=result.crop_box
    )
    with Image.open(io.BytesIO(result.data)) as out:
        return ssim(ref, out)


def score_plain(case: Case, data: bytes) -> tuple[float, bool]:
    """Plain Pillow ignores EXIF orientation: score it against the unrotated source, so the
    number measures its compression, and say separately that it came out sideways."""
    ref = reference(case.data)
    with Image.open(io.BytesIO(data)) as out:
        sideways = out.size != ref.size
        if sideways:
            ref = ref.transpose(Image.Transpose.ROTATE_90)  # undo orientation 6
        return ssim(ref, out), sideways


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--platform", default="instagram", choices=[p.value for p in Platform])
    args = parser.parse_args()
    platform = Platform(args.platform)
    cap = PLATFORM_SPECS[platform].max_bytes

    cases = build_cases()
    total_mp = sum(c.megapixels for c in cases)
    print(f"{len(cases)} inputs, {total_mp:.1f} MP, platform {platform}, cap {cap} bytes")
    print(
        f"{'input':24} {'ours ms':>8} {'plain ms':>8} {'(wall)':>13} {'ours B':>9} "
        f"{'plain B':>9} {'SSIM ours':>9} {'plain':>6}  output"
    )
    ours_cpu = plain_cpu = ours_wall = plain_wall = 0.0
    max_bytes, ssim_min = 0, 1.0
    for case in cases:
        result = to_platform_jpeg(case.data, platform=platform, background=BACKGROUND)
        plain = plain_pillow(case.data)
        ours_t, plain_t = Timing(), Timing()
        for _ in range(args.repeat):
            ours_t.measure(
                lambda c=case: to_platform_jpeg(c.data, platform=platform, background=BACKGROUND)
            )
            plain_t.measure(lambda c=case: plain_pillow(c.data))
        ours_cpu, plain_cpu = ours_cpu + ours_t.cpu, plain_cpu + plain_t.cpu
        ours_wall, plain_wall = ours_wall + ours_t.wall, plain_wall + plain_t.wall
        s_ours, (s_plain, sideways) = score_ours(case, result), score_plain(case, plain)
        max_bytes = max(max_bytes, len(result.data))
        ssim_min = min(ssim_min, s_ours)
        flag = " (plain: sideways)" if sideways else ""
        flag += "" if len(plain) <= cap else " (plain: over the cap)"
        print(
            f"{case.name:24} {ours_t.cpu * 1e3:8.0f} {plain_t.cpu * 1e3:8.0f} "
            f"{ours_t.wall * 1e3:6.0f}/{plain_t.wall * 1e3:<6.0f} {len(result.data):9d} "
            f"{len(plain):9d} {s_ours:9.4f} {s_plain:6.3f}  "
            f"{result.width}x{result.height} q{result.quality}{flag}"
        )
    print(
        f"{'total':24} {ours_cpu * 1e3:8.0f} {plain_cpu * 1e3:8.0f} "
        f"{ours_wall * 1e3:6.0f}/{plain_wall * 1e3:<6.0f}"
    )
    print(
        f"wall-clock: {total_mp / ours_wall:.1f} MP/s, "
        f"{ours_wall / plain_wall:.2f}x plain Pillow (noisy on a shared machine)"
    )
    print(
        f"RESULT jpeg_mp_per_s={total_mp / ours_cpu:.1f} "
        f"vs_plain_pillow={ours_cpu / plain_cpu:.2f} max_bytes={max_bytes} "
        f"ssim_min={ssim_min:.4f}"
    )


if __name__ == "__main__":
    main()
