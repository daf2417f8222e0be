"""SSIM (Wang et al. 2004) on luma, for measuring what a conversion cost in quality.

Used by the tests and the benchmark to hold the JPEG pipeline to "looks like the source", and
small enough to own rather than pull in scikit-image (~60 MB with its dependencies) for one
function. Gaussian window, sigma 1.5, 11 taps, K1 = 0.01, K2 = 0.03, as in the paper; only the
"valid" region is scored, so no padding convention leaks into the number.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from PIL import Image

FloatArray = npt.NDArray[np.float64]

_C1 = (0.01 * 255) ** 2
_C2 = (0.03 * 255) ** 2


def _kernel(sigma: float = 1.5, taps: int = 11) -> FloatArray:
    x = np.arange(taps, dtype=np.float64) - (taps - 1) / 2
    k = np.exp(-(x**2) / (2 * sigma**2))
    return np.asarray(k / k.sum(), dtype=np.float64)


_KERNEL = _kernel()


def luma(image: Image.Image) -> FloatArray:
    """BT.601 luma of an RGB rendering of `image`, as float64 in 0..255."""
    rgb = np.asarray(image.convert("RGB"), dtype=np.float64)
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


def _blur(a: FloatArray) -> FloatArray:
    """Separable Gaussian, valid region: a sum of shifted slices per axis (vectorised, no
    Python loop over pixels)."""
    n = len(_KERNEL)
    rows = a.shape[0] - n + 1
    cols = a.shape[1] - n + 1
    tmp = sum(_KERNEL[i] * a[i : i + rows, :] for i in range(n))
    out = sum(_KERNEL[i] * tmp[:, i : i + cols] for i in range(n))
    return np.asarray(out, dtype=np.float64)


def ssim(a: Image.Image, b: Image.Image) -> float:
    """Mean SSIM of two same-sized images' luma: 1.0 for identical, ~0.95+ for a good JPEG."""
    if a.size != b.size:
        raise ValueError(f"sizes differ: {a.size} vs {b.size}")
    x, y = luma(a), luma(b)
    if min(x.shape) < len(_KERNEL):  # too small for the window: fall back to one global window
        return _ssim_map(x, y, lambda v: np.full((1, 1), v.mean())).item()
    return float(_ssim_map(x, y, _blur).mean())


def _ssim_map(x: FloatArray, y: FloatArray, f: Callable[[FloatArray], FloatArray]) -> FloatArray:
    mx, my = f(x), f(y)
    sxx = f(x * x) - mx * mx
    syy = f(y * y) - my * my
    sxy = f(x * y) - mx * my
    num = (2 * mx * my + _C1) * (2 * sxy + _C2)
    den = (mx * mx + my * my + _C1) * (sxx + syy + _C2)
    return np.asarray(num / den, dtype=np.float64)
