"""Ken Burns motion: a still animated by a slow zoom or pan, one NumPy frame at a time.

Each frame is a crop box moving across the still (prepared once at a little above the output
size): a NumPy view, no copy, which the encoder's scaler resizes to the output size in the
pass that converts it to YUV (``icop.video.media.encode``). Nothing is computed per pixel in
Python, and no frame is resampled twice. Boxes are whole pixels; at this zoom a box changes by
about a pixel a frame, below what the eye reads as a step. Motion eases in and out
(smoothstep) so a cut into or out of a scene does not start with a jolt."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from PIL import Image

from icop.agents.schemas.video import CameraMotion

ZOOM = 1.12  # how far a push-in travels: enough to feel, too little to blur the still
SAFE_CROP = 0.08
"""The most of a still's width (or height) that any box leaves out on one side: whatever a
still holds inside its central 84 % is on screen in every frame. Words are never in the still
(the edit draws them, ``icop.video.cards``); this keeps a picture's subject whole."""


def _ease(t: float) -> float:
    return t * t * (3.0 - 2.0 * t)


def _box(
    motion: CameraMotion, t: float, src: tuple[int, int], out: tuple[int, int]
) -> tuple[float, float, float, float]:
    """The crop box (left, top, right, bottom) in the source at progress ``t`` (0..1)."""
    src_w, src_h = src
    full_w, full_h = src_w / ZOOM, src_h / ZOOM  # the box at the motion's widest
    slack_x, slack_y = src_w - full_w, src_h - full_h
    if motion in (CameraMotion.PUSH_IN, CameraMotion.PULL_OUT, CameraMotion.STATIC):
        zoom = {CameraMotion.PUSH_IN: t, CameraMotion.PULL_OUT: 1.0 - t}.get(motion, 0.5)
        scale = 1.0 + (ZOOM - 1.0) * zoom
        w, h = src_w / scale, src_h / scale
        left, top = (src_w - w) / 2, (src_h - h) / 2
        return (left, top, left + w, top + h)
    x, y = slack_x / 2, slack_y / 2
    # A pan travels only between the two positions that crop at most SAFE_CROP on either side.
    lo_x, hi_x = _travel(slack_x, src_w)
    lo_y, hi_y = _travel(slack_y, src_h)
    if motion is CameraMotion.PAN_LEFT:
        x = hi_x + (lo_x - hi_x) * t
    elif motion is CameraMotion.PAN_RIGHT:
        x = lo_x + (hi_x - lo_x) * t
    elif motion is CameraMotion.TILT_UP:
        y = hi_y + (lo_y - hi_y) * t
    elif motion is CameraMotion.TILT_DOWN:
        y = lo_y + (hi_y - lo_y) * t
    return (x, y, x + full_w, y + full_h)


def _travel(slack: float, size: float) -> tuple[float, float]:
    """The box's offsets at either end of a pan: as far as the safe crop allows."""
    limit = SAFE_CROP * size
    lo, hi = max(0.0, slack - limit), min(slack, limit)
    if lo > hi:  # a zoom deeper than the safe crop allows: stay centred
        return slack / 2, slack / 2
    return lo, hi


def ken_burns(
    still: Image.Image,
    *,
    size: tuple[int, int],
    frames: int,
    motion: CameraMotion = CameraMotion.PUSH_IN,
) -> Iterator[np.ndarray]:
    """``frames`` RGB crops of ``still`` (already in the video's aspect), each in the aspect of
    ``size``, moving over it; the encoder scales them to ``size``."""
    width, height = size
    source = still.convert("RGB").resize(
        (round(width * ZOOM), round(height * ZOOM)), Image.Resampling.LANCZOS
    )
    pixels = np.asarray(source)
    last = max(1, frames - 1)
    for number in range(frames):
        left, top, right, _bottom = _box(motion, _ease(number / last), source.size, size)
        # Keep the box's aspect exact so the scaler never stretches.
        box_w = min(round(right - left), pixels.shape[1], int(pixels.shape[0] * width / height))
        box_h = min(round(box_w * height / width), pixels.shape[0])
        x, y = round(left), round(top)
        x = min(max(0, x), pixels.shape[1] - box_w)
        y = min(max(0, y), pixels.shape[0] - box_h)
        yield pixels[y : y + box_h, x : x + box_w]
