"""Encoding, decoding and probing MP4s with PyAV, whose wheel ships FFmpeg (libx264, AAC): no
system ffmpeg is assumed anywhere (ADR 0033).

Frames are NumPy arrays (height x width x 3, uint8 RGB) end to end; nothing here touches a
pixel in Python."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.audio.stream import AudioStream
from av.video.stream import VideoStream

from icop.errors import ICOPError

AUDIO_RATE = 48_000
AUDIO_LAYOUT = "stereo"
AUDIO_BITRATE = 128_000
# superfast: measured on the shared 2-core machine, veryfast spent ~100 ms a 1080x1920 frame
# (3x slower than real time on its own) and superfast a third of that; our frames are smooth
# pans and flat brand colours, which x264 codes well at any preset, so the price is bytes
# (a few MB for 30 s), not visible quality.
FINAL_PRESET = "superfast"
FINAL_CRF = 22
# Segments are an intermediate (decoded once more by the edit): the fastest preset at a CRF
# high in quality, so the second generation loses nothing visible.
SEGMENT_PRESET = "ultrafast"
SEGMENT_CRF = 16

Frame = np.ndarray


class MediaError(ICOPError):
    status = 422
    code = "video_media_error"
    title = "The video file cannot be read"


@dataclass(frozen=True, slots=True)
class VideoProbe:
    """What a file holds, read from its container and streams."""

    container: str
    video_codec: str | None
    audio_codec: str | None
    width: int
    height: int
    fps: float
    duration_s: float
    frames: int
    pixel_format: str | None
    audio_rate: int | None
    size_bytes: int


def encode(
    frames: Iterable[Frame],
    *,
    width: int,
    height: int,
    fps: int,
    audio: np.ndarray | None = None,
    silent_audio: bool = True,
    preset: str = FINAL_PRESET,
    crf: int = FINAL_CRF,
    threads: int = 0,
) -> bytes:
    """An H.264 (yuv420p, faststart) MP4 of ``frames`` (any size: scaled to the output's),
    with an AAC track: ``audio`` (float32,
    channels x samples at 48 kHz) when given, else silence as long as the video when
    ``silent_audio``. Platforms that take video want an audio track, even a silent one."""
    # A file, not a buffer: faststart (the index before the media, which Instagram requires
    # and players need to start before the download ends) rewrites the file when it closes.
    with tempfile.TemporaryDirectory(prefix="icop-video-") as folder:
        path = Path(folder) / "out.mp4"
        _encode_to(path, frames, width, height, fps, audio, silent_audio, preset, crf, threads)
        return path.read_bytes()


def _encode_to(
    path: Path,
    frames: Iterable[Frame],
    width: int,
    height: int,
    fps: int,
    audio: np.ndarray | None,
    silent_audio: bool,
    preset: str,
    crf: int,
    threads: int,
) -> None:
    with av.open(str(path), mode="w", format="mp4", options={"movflags": "+faststart"}) as output:
        video = output.add_stream("libx264", rate=fps)
        assert isinstance(video, VideoStream)
        video.width, video.height = width, height
        video.pix_fmt = "yuv420p"
        video.options = {"preset": preset, "crf": str(crf), "profile": "high"}
        video.codec_context.thread_count = threads
        # Keyframes at least every two seconds: platforms' players seek on them.
        video.codec_context.gop_size = fps * 2
        sound: AudioStream | None = None
        if audio is not None or silent_audio:
            added = output.add_stream("aac", rate=AUDIO_RATE, layout=AUDIO_LAYOUT)
            assert isinstance(added, AudioStream)
            sound = added
            sound.bit_rate = AUDIO_BITRATE
        count = 0
        for frame in frames:
            if frame.ndim != 3 or frame.shape[2] != 3:
                raise MediaError(f"frame {count} is {frame.shape}, not RGB")
            picture = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")
            if frame.shape[:2] != (height, width):
                # A crop of another size (a Ken Burns box): FFmpeg's SIMD scaler resizes it in
                # the same pass that converts it to YUV, far faster than resampling in Pillow.
                picture = picture.reformat(
                    width=width, height=height, format="yuv420p", interpolation="BILINEAR"
                )
            picture.pts = count
            picture.time_base = Fraction(1, fps)
            output.mux(video.encode(picture))
            count += 1
        output.mux(video.encode(None))
        if sound is not None:
            samples = round(count / fps * AUDIO_RATE)
            track = audio if audio is not None else np.zeros((2, samples), np.float32)
            _encode_audio(output, sound, _fit(track, samples))


def _fit(track: np.ndarray, samples: int) -> np.ndarray:
    """``track`` cut or padded with silence to ``samples`` (the video's length)."""
    track = np.asarray(track, np.float32)
    if track.ndim == 1:
        track = np.stack([track, track])
    if track.shape[1] >= samples:
        return track[:, :samples]
    return np.pad(track, ((0, 0), (0, samples - track.shape[1])))


def _encode_audio(
    output: av.container.OutputContainer, sound: AudioStream, track: np.ndarray
) -> None:
    chunk = 1024  # AAC's frame size
    for start in range(0, track.shape[1], chunk):
        part = np.ascontiguousarray(track[:, start : start + chunk])
        frame = av.AudioFrame.from_ndarray(part, format="fltp", layout=AUDIO_LAYOUT)
        frame.sample_rate = AUDIO_RATE
        frame.pts = start
        frame.time_base = Fraction(1, AUDIO_RATE)
        output.mux(sound.encode(frame))
    output.mux(sound.encode(None))


def decode(data: bytes, *, width: int | None = None, height: int | None = None) -> Iterator[Frame]:
    """The video's frames as RGB arrays, scaled to ``width`` x ``height`` when given (by
    FFmpeg's scaler, not by us)."""
    try:
        with av.open(io.BytesIO(data), mode="r") as source:
            for frame in source.decode(video=0):
                yield frame.to_ndarray(format="rgb24", width=width, height=height)
    except av.FFmpegError as error:
        raise MediaError(f"the video cannot be decoded: {error}") from None


def frames_numbered(
    data: bytes, numbers: set[int], *, width: int | None = None, height: int | None = None
) -> list[Frame]:
    """The frames whose index is in ``numbers``, in order; the others are decoded (H.264 needs
    them) but never converted or scaled."""
    found: list[Frame] = []
    try:
        with av.open(io.BytesIO(data), mode="r") as source:
            for number, frame in enumerate(source.decode(video=0)):
                if number in numbers:
                    found.append(frame.to_ndarray(format="rgb24", width=width, height=height))
    except av.FFmpegError as error:
        raise MediaError(f"the video cannot be decoded: {error}") from None
    return found


def frames_at(
    data: bytes, times: Sequence[float], *, width: int | None = None, height: int | None = None
) -> list[Frame]:
    """The frames showing at each of ``times`` (seconds), by seeking to the keyframe before
    each and decoding forward: a few frames of a long video without decoding all of it."""
    found: list[Frame] = []
    try:
        with av.open(io.BytesIO(data), mode="r") as source:
            stream = source.streams.video[0]
            base = stream.time_base
            assert base is not None
            for at in times:
                source.seek(int(at / base), stream=stream, backward=True)
                last: Frame | None = None
                for frame in source.decode(stream):
                    if frame.pts is not None and float(frame.pts * base) > at and last is not None:
                        break
                    last = frame.to_ndarray(format="rgb24", width=width, height=height)
                if last is not None:
                    found.append(last)
    except (av.FFmpegError, IndexError) as error:
        raise MediaError(f"the video cannot be decoded: {error}") from None
    return found


def probe(data: bytes) -> VideoProbe:
    """Container, codecs, size, frame rate, duration and frame count (counted by demuxing the
    packets, which is exact and cheap: nothing is decoded)."""
    try:
        with av.open(io.BytesIO(data), mode="r") as source:
            video = source.streams.video[0] if source.streams.video else None
            audio = source.streams.audio[0] if source.streams.audio else None
            frames = 0
            if video is not None:
                frames = sum(1 for packet in source.demux(video) if packet.size)
            fps = float(video.average_rate) if video is not None and video.average_rate else 0.0
            duration = (source.duration or 0) / av.time_base
            return VideoProbe(
                container=source.format.name,
                video_codec=video.codec_context.name if video is not None else None,
                audio_codec=audio.codec_context.name if audio is not None else None,
                width=video.codec_context.width if video is not None else 0,
                height=video.codec_context.height if video is not None else 0,
                fps=round(fps, 3),
                duration_s=round(duration, 3),
                frames=frames,
                pixel_format=video.codec_context.pix_fmt if video is not None else None,
                audio_rate=audio.codec_context.sample_rate if audio is not None else None,
                size_bytes=len(data),
            )
    except (av.FFmpegError, IndexError) as error:
        raise MediaError(f"the file is not a readable video: {error}") from None
