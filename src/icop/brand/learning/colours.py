"""A palette from images: dominant and accent colours clustered in OKLab, plus contrast pairs.

OKLab (Ottosson 2020) is perceptually uniform enough that Euclidean distance tracks how
different two colours look, which RGB distance does not (a dark blue and a black are close in
RGB and far to the eye). Each cluster is reported as its most frequent *actual* pixel colour,
not the mean: anti-aliased edges would otherwise pull a flat brand colour off its true value,
and the brand's colours are the ones it painted, not an average of them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from icop.brand.palette import RGB, contrast_ratio, hex_to_rgb, relative_luminance, rgb_to_hex

MAX_COLOURS = 6
ANALYSED_SIDE = 160  # pixels a side: plenty for a palette, bounded work for any upload
OPAQUE = 128  # alpha below this is background, not brand
# Clusters closer than this in OKLab look like one colour (a just-noticeable difference is
# ~0.02); merging them keeps anti-aliasing shades out of the palette.
MERGE_DISTANCE = 0.06
MIN_SHARE = 0.01  # a colour covering under 1% of the pixels is a detail, not the brand
MIN_PAIR_CONTRAST = 3.0  # WCAG AA for large text


@dataclass(frozen=True)
class PaletteColour:
    hex: str
    share: float
    """Fraction of the opaque pixels in this colour's cluster."""
    chroma: float
    """OKLab chroma: 0 for greys, ~0.3 for the most saturated sRGB colours."""


@dataclass(frozen=True)
class ContrastPair:
    foreground: str
    background: str
    ratio: float


def srgb_to_oklab(rgb: NDArray[np.float64]) -> NDArray[np.float64]:
    """(n, 3) sRGB 0-255 to (n, 3) OKLab."""
    c = rgb / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    lms = linear @ np.array(
        [
            [0.4122214708, 0.2119034982, 0.0883024619],
            [0.5363325363, 0.6806995451, 0.2817188376],
            [0.0514459929, 0.1073969566, 0.6299787005],
        ]
    )
    cube = np.cbrt(lms)
    lab: NDArray[np.float64] = cube @ np.array(
        [
            [0.2104542553, 1.9779984951, 0.0259040371],
            [0.7936177850, -2.4285922050, 0.7827717662],
            [-0.0040720468, 0.4505937099, -0.8086757660],
        ]
    )
    return lab


def opaque_pixels(data: bytes) -> NDArray[np.uint8]:
    """The image's opaque pixels as (n, 3) sRGB, from a downscaled copy (nearest neighbour,
    so no new in-between colours appear)."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        rgba = image.convert("RGBA")
    rgba.thumbnail((ANALYSED_SIDE, ANALYSED_SIDE), Image.Resampling.NEAREST)
    pixels = np.asarray(rgba, dtype=np.uint8).reshape(-1, 4)
    return pixels[pixels[:, 3] >= OPAQUE][:, :3]


def extract_palette(images: list[bytes], max_colours: int = MAX_COLOURS) -> list[PaletteColour]:
    """The images' palette, most-covering colour first. CPU-bound: callers use a thread."""
    pixels = np.concatenate(
        [opaque_pixels(data) for data in images] or [np.empty((0, 3), dtype=np.uint8)]
    )
    if len(pixels) == 0:
        return []
    colours, counts = np.unique(pixels.astype(np.uint8), axis=0, return_counts=True)
    lab = srgb_to_oklab(colours.astype(np.float64))
    labels = _cluster(lab, counts.astype(np.float64), max_colours)
    total = float(counts.sum())
    found: list[PaletteColour] = []
    for label in np.unique(labels):
        members = labels == label
        weight = float(counts[members].sum())
        if weight / total < MIN_SHARE:
            continue
        representative = colours[members][int(np.argmax(counts[members]))]
        a, b = lab[members][int(np.argmax(counts[members]))][1:]
        found.append(
            PaletteColour(
                hex=rgb_to_hex(_rgb(representative)),
                share=round(weight / total, 4),
                chroma=round(float(np.hypot(a, b)), 4),
            )
        )
    return sorted(found, key=lambda colour: (-colour.share, colour.hex))


def _cluster(lab: NDArray[np.float64], weights: NDArray[np.float64], k: int) -> NDArray[np.int64]:
    """Cluster labels of the distinct colours: k-means (weighted by pixel count) when there
    are more distinct colours than ``k``, then clusters that look alike are merged."""
    if len(lab) <= k:
        labels = np.arange(len(lab))
        centres = lab.copy()
    else:
        from sklearn.cluster import KMeans  # imported here: a second of start-up otherwise

        model = KMeans(n_clusters=k, n_init=4, random_state=0)
        labels = model.fit_predict(lab, sample_weight=weights)
        centres = model.cluster_centers_
    return _merge_close(labels, centres, weights)


def _merge_close(
    labels: NDArray[np.int64], centres: NDArray[np.float64], weights: NDArray[np.float64]
) -> NDArray[np.int64]:
    """Fold each cluster into a heavier one within ``MERGE_DISTANCE``, heaviest first."""
    ids = [int(i) for i in np.unique(labels)]
    mass = {i: float(weights[labels == i].sum()) for i in ids}
    target = {i: i for i in ids}
    kept: list[int] = []
    for i in sorted(ids, key=lambda i: -mass[i]):
        near = [j for j in kept if np.linalg.norm(centres[i] - centres[j]) < MERGE_DISTANCE]
        if near:
            target[i] = near[0]
        else:
            kept.append(i)
    return np.array([target[int(label)] for label in labels])


def _rgb(values: NDArray[np.uint8]) -> RGB:
    return (int(values[0]), int(values[1]), int(values[2]))


def contrast_pairs(palette: list[str], minimum: float = MIN_PAIR_CONTRAST) -> list[ContrastPair]:
    """Every pair of palette colours legible as large text (≥ ``minimum``), best first; the
    darker colour is the background (cards are dark by default)."""
    pairs: list[ContrastPair] = []
    for index, first in enumerate(palette):
        for second in palette[index + 1 :]:
            ratio = contrast_ratio(hex_to_rgb(first), hex_to_rgb(second))
            if ratio < minimum:
                continue
            darker, lighter = sorted(
                (first, second), key=lambda colour: relative_luminance(hex_to_rgb(colour))
            )
            pairs.append(ContrastPair(foreground=lighter, background=darker, ratio=round(ratio, 2)))
    return sorted(pairs, key=lambda pair: (-pair.ratio, pair.background, pair.foreground))
