"""Tiny MP4s made in-process with PyAV, for the video rules and the upload tests: a few
kilobytes each, so a module can make its clips once in well under a second."""

from __future__ import annotations

import io
from fractions import Fraction
from typing import Any

import av
import numpy as np


def make_clip(
    width: int,
    height: int,
    seconds: float,
    *,
    fps: int = 30,
    codec: str = "libx264",
    audio: bool = True,
) -> bytes:
    """A moving test picture (a square that changes colour), with a quiet tone when ``audio``."""
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        video: Any = container.add_stream(codec, rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        sound: Any = container.add_stream("aac", rate=44_100) if audio else None
        if sound is not None:
            sound.layout = "mono"
        for index in range(round(seconds * fps)):
            picture = np.zeros((height, width, 3), np.uint8)
            picture[:, :, 0] = index * 8 % 255
            picture[height // 4 : height // 2, width // 4 : width // 2, 1] = 200
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, fps)
            for packet in video.encode(frame):
                container.mux(packet)
        for packet in video.encode(None):
            container.mux(packet)
        if sound is not None:
            total, at = round(seconds * 44_100), 0
            while at < total:
                samples = np.sin(np.arange(at, at + 1024) / 20).astype(np.float32) * 0.2
                chunk = av.AudioFrame.from_ndarray(
                    samples.reshape(1, -1), format="fltp", layout="mono"
                )
                chunk.sample_rate, chunk.pts = 44_100, at
                for packet in sound.encode(chunk):
                    container.mux(packet)
                at += 1024
            for packet in sound.encode(None):
                container.mux(packet)
    return out.getvalue()
