"""Probe a video and make it fit a platform: the video twin of the JPEG pipeline.

``probe`` reads what a file is (container, codecs, size, rate, length); ``problems`` says, in
words a user can read, which of a platform's rules (``video_specs``) it breaks; ``prepare_for``
fixes all of them in one pass — H.264/AAC in an MP4 with the moov atom in front, centre-crop
(or pad, when cropping would lose too much) into the aspect range, scale into the size limits,
resample the frame rate into the allowed range, trim to the duration limit, and a bitrate that
fits the byte cap — and returns the bytes, their facts, the changes and a JPEG cover frame.

Everything runs in-process through PyAV (FFmpeg with libx264 and AAC inside the wheel; ADR
0034): no system ffmpeg. Encoding is CPU work: callers run it in a thread.
"""

from __future__ import annotations

import io
import math
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av
import numpy as np
from PIL import Image

from icop.errors import ICOPError
from icop.platforms import Platform
from icop.platforms.video_specs import VIDEO_SPECS, VideoSpec, video_problems

__all__ = [
    "PreparedVideo",
    "VideoFacts",
    "VideoRejected",
    "fits",
    "prepare_for",
    "probe",
    "problems",
]

# What we write: fixed so every platform gets the same well-trodden profile.
_OUT_FPS = 30
_AUDIO_RATE = 48_000
_AUDIO_BITRATE = 128_000
# Cropping keeps the picture's centre; below this share of the frame we pad instead.
_MIN_CROP_KEEP = 0.75
_COVER_AT_S = 1.0
_RENDER_LONG_SIDE = 1920


class VideoRejected(ICOPError):
    """The file is not a video we can read, or it cannot be made to fit."""

    status = 422
    code = "video_rejected"


@dataclass(frozen=True, slots=True)
class VideoFacts:
    container: str  # "mp4", "mov", "webm", "matroska", …
    video_codec: str  # FFmpeg's codec name: "h264", "hevc", "vp9", …
    audio_codec: str | None
    width: int
    height: int
    fps: float
    duration_s: float
    bytes: int
    bitrate: int  # bits per second, the whole file

    @property
    def aspect(self) -> float:
        return self.width / self.height if self.height else 0.0


@dataclass(frozen=True, slots=True)
class PreparedVideo:
    data: bytes
    facts: VideoFacts
    changes: tuple[str, ...]
    cover_jpeg: bytes


def _container_name(fmt: Any, data_head: bytes) -> str:
    names = set(str(fmt.name).split(","))
    if "mp4" in names or "mov" in names:
        # One demuxer reads both; the ftyp brand tells them apart.
        return "mov" if data_head[8:12] == b"qt  " else "mp4"
    if "matroska" in names or "webm" in names:
        return "webm" if "webm" in names else "matroska"
    return sorted(names)[0]


def probe(data: bytes) -> VideoFacts:
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            video = next((s for s in container.streams.video), None)
            if video is None:
                raise VideoRejected("the file has no video stream")
            audio = next((s for s in container.streams.audio), None)
            rate = video.average_rate or video.guessed_rate or video.base_rate
            fps = float(rate) if rate else 0.0
            if container.duration is not None:
                duration = container.duration / av.time_base
            elif video.duration is not None and video.time_base is not None:
                duration = float(video.duration * video.time_base)
            else:
                duration = 0.0
            return VideoFacts(
                container=_container_name(container.format, data[:16]),
                video_codec=video.codec_context.name,
                audio_codec=audio.codec_context.name if audio is not None else None,
                width=video.codec_context.width,
                height=video.codec_context.height,
                fps=round(fps, 3),
                duration_s=round(duration, 3),
                bytes=len(data),
                bitrate=int(container.bit_rate or (len(data) * 8 / duration if duration else 0)),
            )
    except av.FFmpegError as error:
        raise VideoRejected(f"not a readable video: {error}") from None


def problems(facts: VideoFacts, platform: Platform) -> list[str]:
    """Every rule of ``platform`` this video breaks, one sentence each (empty: it fits)."""
    return [
        problem.message
        for problem in video_problems(
            platform,
            container=facts.container,
            width=facts.width,
            height=facts.height,
            size_bytes=facts.bytes,
            video_codec=facts.video_codec,
            audio_codec=facts.audio_codec,
            fps=facts.fps,
            duration_s=facts.duration_s,
        )
    ]


def fits(facts: VideoFacts, platform: Platform) -> bool:
    return not problems(facts, platform)


# --- the fix --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Geometry:
    """Output ``width`` x ``height``. ``crop``: the part of the source kept (x, y, w, h).
    ``content``: the size the (cropped) picture is scaled to; smaller than the output when the
    picture is padded (centred on black bars)."""

    crop: tuple[int, int, int, int] | None
    content: tuple[int, int]
    width: int
    height: int

    @property
    def padded(self) -> bool:
        return self.content != (self.width, self.height)


def _even(value: float) -> int:
    return max(2, int(value) // 2 * 2)


def _geometry(width: int, height: int, spec: VideoSpec) -> _Geometry:
    aspect = width / height
    wanted: float | None = None
    if not spec.min_aspect <= aspect <= spec.max_aspect:
        wanted = spec.target_aspect or min(max(aspect, spec.min_aspect), spec.max_aspect)
    crop = None
    kept_w, kept_h = width, height  # the picture shown
    frame_w, frame_h = width, height  # the frame it is shown in (larger when padded)
    if wanted is not None:
        if aspect > wanted:  # too wide: keep the centre columns
            keep_w, keep_h = round(height * wanted), height
        else:  # too tall
            keep_w, keep_h = width, round(width / wanted)
        if keep_w * keep_h >= _MIN_CROP_KEEP * width * height:
            crop = ((width - keep_w) // 2, (height - keep_h) // 2, keep_w, keep_h)
            kept_w, kept_h = frame_w, frame_h = keep_w, keep_h
        elif aspect < wanted:  # cropping would lose too much: bars instead
            frame_w = round(height * wanted)
        else:
            frame_h = round(width / wanted)
    max_width, max_height = spec.bounds(frame_w, frame_h)
    # Padding a wide video to 9:16 makes a tall frame (1920x3413 from 1080p): never render
    # a longer side than 1080x1920's, the platforms' recommended size.
    scale = min(
        1.0, max_width / frame_w, max_height / frame_h, _RENDER_LONG_SIDE / max(frame_w, frame_h)
    )
    out_w, out_h = _even(frame_w * scale), _even(frame_h * scale)
    content = (min(out_w, _even(kept_w * scale)), min(out_h, _even(kept_h * scale)))
    if (frame_w, frame_h) == (kept_w, kept_h):
        content = (out_w, out_h)
    return _Geometry(crop, content, out_w, out_h)


def _frames(container: Any, stream: Any) -> Iterator[tuple[float, Any]]:
    for frame in container.decode(stream):
        if frame.time is not None:
            yield float(frame.time), frame


class _Framer:
    """Source frame → output frame: crop (numpy slice), scale (FFmpeg's swscale), pad onto a
    black canvas of the output size (reused between frames), as YUV 4:2:0."""

    def __init__(self, geometry: _Geometry) -> None:
        self.geometry = geometry
        self.canvas = (
            np.zeros((geometry.height, geometry.width, 3), dtype=np.uint8)
            if geometry.padded
            else None
        )

    def __call__(self, frame: Any) -> Any:
        geometry = self.geometry
        if geometry.crop is not None:
            x, y, w, h = geometry.crop
            picture = frame.to_ndarray(format="rgb24")[y : y + h, x : x + w]
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(picture), format="rgb24")
        if self.canvas is None:
            return frame.reformat(width=geometry.width, height=geometry.height, format="yuv420p")
        content_w, content_h = geometry.content
        small = frame.reformat(width=content_w, height=content_h, format="rgb24").to_ndarray()
        top = (geometry.height - content_h) // 2
        left = (geometry.width - content_w) // 2
        self.canvas[top : top + content_h, left : left + content_w] = small
        return av.VideoFrame.from_ndarray(self.canvas, format="rgb24").reformat(format="yuv420p")


def _target_fps(facts: VideoFacts, spec: VideoSpec) -> int:
    if spec.min_fps <= facts.fps <= spec.max_fps and float(facts.fps).is_integer():
        return int(facts.fps)
    return _OUT_FPS


def _video_bitrate(duration_s: float, spec: VideoSpec, pixels: int) -> int:
    # ~0.1 bit per pixel per frame is plenty for social video; the byte cap (90 %, for the
    # container and the audio) and the platform's bitrate ceiling bound it.
    wanted = int(pixels * _OUT_FPS * 0.1)
    budget = int(spec.max_bytes * 8 * 0.9 / max(duration_s, 0.1)) - _AUDIO_BITRATE
    return max(100_000, min(wanted, budget, spec.max_video_bitrate))


def prepare_for(platform: Platform, data: bytes) -> PreparedVideo:
    """Re-encode ``data`` so that it meets every rule of ``platform`` (see the module doc).

    A video shorter than the platform's minimum cannot be fixed without inventing content:
    ``VideoRejected``, like an unreadable file."""
    spec = VIDEO_SPECS[platform]
    facts = probe(data)
    if facts.duration_s < spec.min_duration_s:
        raise VideoRejected(
            f"{facts.duration_s:.1f} s is shorter than the {spec.min_duration_s:g} s "
            f"{platform.value} needs; a longer video is needed"
        )
    changes = _describe(facts, spec, platform)
    geometry = _geometry(facts.width, facts.height, spec)
    fps = _target_fps(facts, spec)
    duration = min(facts.duration_s, spec.max_duration_s)
    bitrate = _video_bitrate(duration, spec, geometry.width * geometry.height)
    out_path = _encode(data, geometry, fps, duration, bitrate)
    try:
        with open(out_path, "rb") as handle:
            encoded = handle.read()
    finally:
        os.unlink(out_path)
    result = probe(encoded)
    left = problems(result, platform)
    if left:
        raise VideoRejected(f"the video could not be made to fit {platform.value}: {left[0]}")
    return PreparedVideo(encoded, result, tuple(changes), cover_frame(encoded))


def _describe(facts: VideoFacts, spec: VideoSpec, platform: Platform) -> list[str]:
    changes = ["re-encoded as H.264/AAC in MP4"]
    if not spec.min_aspect <= facts.aspect <= spec.max_aspect:
        changes.append(f"reframed from {facts.aspect:.2f}:1 for {platform.value}")
    max_width, max_height = spec.bounds(facts.width, facts.height)
    if facts.width > max_width or facts.height > max_height:
        changes.append(f"scaled down from {facts.width}x{facts.height}")
    if not spec.min_fps <= facts.fps <= spec.max_fps:
        changes.append(f"frame rate changed from {facts.fps:g} to {_OUT_FPS} FPS")
    if facts.duration_s > spec.max_duration_s:
        changes.append(f"trimmed from {facts.duration_s:.1f} s to {spec.max_duration_s:g} s")
    return changes


def _encode(data: bytes, geometry: _Geometry, fps: int, duration: float, bitrate: int) -> str:
    """Decode, reframe, resample and encode to a temporary MP4 (a real file: ``faststart``
    moves the moov atom to the front in a second pass, which needs a seekable file)."""
    handle, out_path = tempfile.mkstemp(suffix=".mp4", prefix="icop-video-")
    os.close(handle)
    with (
        av.open(io.BytesIO(data), mode="r") as source,
        av.open(out_path, mode="w", format="mp4", options={"movflags": "+faststart"}) as target,
    ):
        in_video = source.streams.video[0]
        in_audio = source.streams.audio[0] if source.streams.audio else None
        out_video = target.add_stream("libx264", rate=fps)
        out_video.width, out_video.height = geometry.width, geometry.height
        out_video.pix_fmt = "yuv420p"
        out_video.bit_rate = bitrate
        out_video.codec_context.gop_size = fps * 2
        out_video.codec_context.options = {"preset": "veryfast", "profile": "high"}
        out_audio = None
        if in_audio is not None:
            out_audio = target.add_stream("aac", rate=_AUDIO_RATE)
            out_audio.layout = "stereo"
            out_audio.bit_rate = _AUDIO_BITRATE
        _encode_video(source, in_video, out_video, target, geometry, fps, duration)
        if in_audio is not None and out_audio is not None:
            source.seek(0)
            _encode_audio(source, in_audio, out_audio, target, duration)
    return out_path


def _encode_video(
    source: Any,
    in_video: Any,
    out_video: Any,
    target: Any,
    geometry: _Geometry,
    fps: int,
    duration: float,
) -> None:
    """Constant frame rate by time: output frame i shows the last source frame at or before
    i / fps (frames are repeated or dropped), up to ``duration``."""
    total = math.floor(duration * fps + 1e-6)
    index = 0
    last: Any = None
    framer = _Framer(geometry)
    for at, frame in _frames(source, in_video):
        while index < total and index / fps < at:
            if last is not None:
                _emit(last, index, fps, out_video, target)
            index += 1
        if index >= total:
            break
        last = framer(frame)
    while last is not None and index < total:
        _emit(last, index, fps, out_video, target)
        index += 1
    for packet in out_video.encode(None):
        target.mux(packet)


def _emit(frame: Any, index: int, fps: int, stream: Any, target: Any) -> None:
    frame.pts = index
    frame.time_base = Fraction(1, fps)
    for packet in stream.encode(frame):
        target.mux(packet)


def _encode_audio(source: Any, in_audio: Any, out_audio: Any, target: Any, duration: float) -> None:
    resampler = av.AudioResampler(format="fltp", layout="stereo", rate=_AUDIO_RATE, frame_size=1024)
    limit = int(duration * _AUDIO_RATE)
    written = 0
    for frame in source.decode(in_audio):
        for chunk in resampler.resample(frame):
            if written >= limit:
                break
            chunk.pts = written
            written += chunk.samples
            for packet in out_audio.encode(chunk):
                target.mux(packet)
    for packet in out_audio.encode(None):
        target.mux(packet)


def cover_frame(data: bytes, at_s: float = _COVER_AT_S) -> bytes:
    """A JPEG of the frame at ``at_s`` (or the middle of a shorter video): the cover a
    platform shows before playback."""
    facts = probe(data)
    wanted = min(at_s, facts.duration_s / 2)
    with av.open(io.BytesIO(data), mode="r") as container:
        chosen = None
        for at, frame in _frames(container, container.streams.video[0]):
            chosen = frame
            if at >= wanted:
                break
        if chosen is None:
            raise VideoRejected("the video has no frames")
        image = Image.fromarray(chosen.to_ndarray(format="rgb24"))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)
    return out.getvalue()
