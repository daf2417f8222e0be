"""How closely the server renderer matches the editor's canvas (issue #14 §6: SSIM >= 0.9).

    .venv/bin/python -m benchmarks.editor_ssim [--out DIR]

Each test design (tests/designs/data/poster.json and tests/designs/data/fidelity/*.json: English
text in several families and alignments, Korean, shapes with strokes, rotation, opacity and a
group, picture layers with a crop) is drawn twice at 1:1:

- by ``icop.designs.render.render_png`` (Pillow), and
- by Fabric.js 6 in Debian's Chromium (benchmarks/editor_ssim_driver.mjs, web/'s Playwright and
  web/'s ``fabric`` package: what the editor page draws, a group's members moved to Fabric's
  centre origin as the page does), with every textbox set in the very
  font file Pillow uses (``render.text_font_path``, served to the page by ``@font-face``) and
  the same pictures.

SSIM is computed on the luma of the two by ``icop.images.similarity.ssim`` (Wang et al. 2004:
Gaussian window sigma 1.5, K1 0.01, K2 0.03, the window's valid region only), the one the JPEG
pipeline's tests use. Both renderings and a difference picture per design go to ``--out``.

Last line: RESULT render_ssim_min=… render_ssim_mean=… designs=N
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageChops, ImageDraw

from icop.designs.document import Design, Group, Textbox
from icop.designs.document import Image as ImageObject
from icop.designs.render import render_png, text_font_path
from icop.images.similarity import ssim

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "designs" / "data"
WEB = ROOT / "web"
DRIVER = Path(__file__).with_name("editor_ssim_driver.mjs")
FABRIC = WEB / "node_modules" / "fabric" / "dist" / "index.min.js"
TARGET = 0.9


def designs() -> dict[str, Design]:
    """The test designs by name: the poster the engine's tests share, then the fidelity set."""
    paths = [DATA / "poster.json", *sorted((DATA / "fidelity").glob("*.json"))]
    return {path.stem: Design.model_validate(json.loads(path.read_text("utf-8"))) for path in paths}


def picture(src: str) -> Image.Image:
    """The made-up photograph behind an image object's ``src``: gradients, stripes and a disc,
    detailed enough that a misplaced or mis-scaled layer costs SSIM. Deterministic per src."""
    seed = sum(src.encode()) % 97
    width, height = 1200, 1400
    ys, xs = np.mgrid[0:height, 0:width]
    red = (xs * 255 // width + seed) % 256
    green = (ys * 255 // height + 2 * seed) % 256
    blue = ((xs + ys) // 8 % 2) * 120 + 60
    pixels = np.stack([red, green, blue], axis=-1).astype(np.uint8)
    image = Image.fromarray(pixels, "RGB")
    draw = ImageDraw.Draw(image)
    draw.ellipse((300 + seed, 300, 800 + seed, 800), fill=(240, 220, 40))
    draw.rectangle((100, 900, 500, 1000), fill=(20, 20, 90))
    return image


def web_font(data: bytes) -> bytes:
    """The same font without the tables Chromium's font sanitiser (OTS) refuses: a TrueType
    file's ``TSI*`` tables (the VTT hinting tool's sources; NanumGothic ships a zero-length
    ``TSI3``, which makes the browser reject the whole file) and empty ones. Outlines, metrics
    and kerning are untouched: the glyphs drawn are Pillow's."""
    flavour, count = struct.unpack(">IH", data[:6])
    if flavour not in (0x00010000, 0x4F54544F):  # TrueType, CFF; a collection is left as it is
        return data
    records = [struct.unpack(">4sIII", data[12 + 16 * i : 28 + 16 * i]) for i in range(count)]
    kept = [record for record in records if not record[0].startswith(b"TSI") and record[3] > 0]
    selector = len(kept).bit_length() - 1
    search_range = (1 << selector) * 16
    directory = struct.pack(
        ">IHHHH", flavour, len(kept), search_range, selector, len(kept) * 16 - search_range
    )
    body = b""
    start = 12 + 16 * len(kept)
    for tag, checksum, offset, length in kept:
        directory += struct.pack(">4sIII", tag, checksum, start + len(body), length)
        body += data[offset : offset + length] + b"\0" * (-length % 4)
    return directory + body


def browser_job(named: dict[str, Design], work: Path) -> dict[str, Any]:
    """The driver's job: each design's Fabric JSON with its textboxes' families replaced by an
    alias of the font file Pillow uses, and its pictures by the page's URLs of the same files."""
    fonts: dict[str, tuple[str, str]] = {}  # Pillow's file -> the page's family, file
    images: dict[str, str] = {}

    def textbox(item: Textbox, document: dict[str, Any]) -> None:
        path = text_font_path(item)
        if path is None:
            return  # Pillow's bundled font: the browser has nothing to match it with
        if path not in fonts:
            served = work / f"font{len(fonts)}{Path(path).suffix}"
            served.write_bytes(web_font(Path(path).read_bytes()))
            fonts[path] = (f"icopfont{len(fonts)}", str(served))
        document["fontFamily"] = fonts[path][0]

    def image(item: ImageObject, document: dict[str, Any]) -> None:
        if item.src not in images:
            target = work / f"image{len(images)}.png"
            picture(item.src).save(target)
            images[item.src] = str(target)
        document["src"] = f"/images/{list(images).index(item.src)}"

    jobs = []
    for name, design in named.items():
        document = design.fabric_json()
        for item, serialised in _pairs(design, document):
            if isinstance(item, Textbox):
                textbox(item, serialised)
            elif isinstance(item, ImageObject):
                image(item, serialised)
        for item in document["objects"]:  # ICOP: from the group's corner; Fabric 6: its centre
            for member in item.get("objects", []):
                member["left"] -= item["width"] / 2
                member["top"] -= item["height"] / 2
        jobs.append({"name": name, "document": document})
    return {
        "fabric": str(FABRIC),
        "fonts": [{"family": alias, "path": served} for alias, served in fonts.values()],
        "images": list(images.values()),
        "designs": jobs,
        "out": str(work),
    }


def _pairs(design: Design, document: dict[str, Any]) -> list[tuple[Any, dict[str, Any]]]:
    """Each object with its serialised form (groups' members too)."""
    found = []
    for item, serialised in zip(design.objects, document["objects"], strict=True):
        found.append((item, serialised))
        if isinstance(item, Group):
            found.extend(zip(item.objects, serialised["objects"], strict=True))
    return found


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("editor_ssim: Node.js is not installed; install Node.js 20+")
    if not FABRIC.is_file() or not (WEB / "node_modules/@playwright/test").is_dir():
        raise SystemExit("editor_ssim: web/node_modules lacks fabric or Playwright; run `make web`")
    return node


def measure(out: Path) -> dict[str, float]:
    """SSIM per design; writes NAME.server.png, NAME.browser.png and NAME.diff.png to ``out``."""
    named = designs()
    out.mkdir(parents=True, exist_ok=True)
    job = browser_job(named, out)
    job_file = out / "job.json"
    job_file.write_text(json.dumps(job), "utf-8")
    result = subprocess.run(  # noqa: S603 - our own script, our arguments
        [_node(), str(DRIVER), str(job_file)],
        env={**os.environ, "ICOP_WEB_DIR": str(WEB)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"editor_ssim: the browser half failed:\n{result.stderr[-4000:]}")
    scores: dict[str, float] = {}
    for name, design in named.items():
        (out / f"{name}.server.png").write_bytes(render_png(design, picture))
        server = Image.open(out / f"{name}.server.png").convert("RGB")
        browser = Image.open(out / f"{name}.browser.png").convert("RGB")
        ImageChops.difference(server, browser).save(out / f"{name}.diff.png")
        scores[name] = ssim(server, browser)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="where the pictures go")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="icop-editor-ssim-"))
    scores = measure(out)
    for name, score in scores.items():
        flag = "" if score >= TARGET else f"  (below {TARGET})"
        print(f"{name:<12} ssim={score:.4f}{flag}")
    print(f"pictures: {out}", file=sys.stderr)
    values = list(scores.values())
    print(
        f"RESULT render_ssim_min={min(values):.4f} "
        f"render_ssim_mean={sum(values) / len(values):.4f} designs={len(values)}"
    )


if __name__ == "__main__":
    main()
