"""The Reviewer: each rendered segment checked against its shot, and the whole video against
the platform's limits; the segments to regenerate named with the reason.

- **Prompt criteria** (``PROMPT_CRITERIA``, docs/video.md) are checked before a provider is
  paid: a prompt that fails is replaced with the scene's deterministic prompt.
- **Frames**: a few frames sampled from each segment (decoded small by FFmpeg's scaler) are
  measured: a blank frame (no contrast), a frozen segment where the shot asked for motion, a
  segment far shorter than its window, and *lettering in the picture*: the edit draws every
  word (``icop.video.cards``), so a segment whose frames carry text would put the caption on
  top of other words and let the motion crop them.
- **Layout of the edit**: frames of the finished video are checked for lettering cut by the
  frame's edges (``cut_at_edges``).
- **Relevance**: the shot's prompt against its scene's narration and caption with the bundled
  embedding model (cosine), when both are English; a cross-language pair is not compared
  (MiniLM is English-only).
- **The whole**: duration, frame size and codecs against the platform's documented limits
  (``PLATFORM_LIMITS``; videopub's validator in ``icop.platforms`` is the authority at
  publishing time).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from icop.agents.schemas.video import (
    PROMPT_CRITERIA,
    CameraMotion,
    SegmentVerdict,
    Shot,
    VideoReview,
)
from icop.embeddings.base import Embedder, cosine
from icop.video.media import VideoProbe, frames_at, frames_numbered
from icop.video.media import probe as probe_file

SAMPLE_SIZE = (270, 480)  # a quarter of 1080x1920: a caption's stroke is still 3-4 pixels
BLANK_STD = 3.0  # luminance standard deviation below which a frame is a flat colour
FROZEN_DIFF = 0.4  # mean absolute change (0-255) below which a moving shot did not move
ON_TOPIC_FLOOR = 0.15
_TEXT_WORDS = re.compile(r"\b(text|lettering|letters|caption|captions|logo|words|title)\b", re.I)
_NEGATION = re.compile(r"\b(no|without|never|free of)\b[^,.;]{0,40}$", re.I)
_STOP = {"a", "an", "the", "of", "and", "or", "with", "in", "on", "at", "to", "for", "shot"}


@dataclass(frozen=True, slots=True)
class PlatformLimits:
    """Video limits from each platform's documentation (Instagram Reels via the Content
    Publishing API, Facebook Page videos, Threads, X media upload), for the Reviewer's check
    of the whole; the publishing validator owns the full rule set."""

    min_s: float
    max_s: float
    max_bytes: int
    aspect: tuple[float, float]
    """Allowed width/height range."""
    max_fps: float = 60.0


PLATFORM_LIMITS: dict[str, PlatformLimits] = {
    "instagram": PlatformLimits(3.0, 900.0, 300 * 2**20, (0.01, 10.0)),
    "facebook": PlatformLimits(1.0, 14_400.0, 1024 * 2**20, (9 / 16, 16 / 9)),
    "threads": PlatformLimits(0.0, 300.0, 1024 * 2**20, (0.01, 10.0)),
    "x": PlatformLimits(0.5, 140.0, 512 * 2**20, (1 / 3, 3.0)),
}


def prompt_failures(prompt: str) -> list[str]:
    """The prompt criteria ``prompt`` fails (without ``on_topic``, which needs the scene)."""
    failed: list[str] = []
    letters = [char for char in prompt if char.isalpha()]
    if letters and sum(char.isascii() for char in letters) / len(letters) < 0.9:
        failed.append("english")
    words = [w for w in re.findall(r"[A-Za-z]+", prompt.lower()) if w not in _STOP]
    if len(words) < 4:
        failed.append("concrete_subject")
    for match in _TEXT_WORDS.finditer(prompt):
        if not _NEGATION.search(prompt[: match.start()]):
            failed.append("no_text_in_frame")
            break
    if not 40 <= len(prompt) <= 400:
        failed.append("length")
    return failed


def describe(failures: Sequence[str]) -> list[str]:
    return [f"{name}: {PROMPT_CRITERIA[name]}" for name in failures]


async def on_topic(embedder: Embedder | None, prompt: str, scene_text: str) -> float | None:
    """Cosine between the prompt and its scene's words, or None when not comparable."""
    letters = [c for c in scene_text if c.isalpha()]
    english = bool(letters) and sum(c.isascii() for c in letters) / len(letters) >= 0.9
    if embedder is None or not english:
        return None
    first, second = await embedder.embed([prompt, scene_text])
    return cosine(first, second)


# Lettering is told from pictures by how it is drawn, not by reading it: two tones far apart
# (ink on a flat ground) covering nearly all of a region, and rows of that region crossing
# between the two tones many times (a line of glyphs). Photographs and video-model frames have
# a continuum of tones and fail the first test; brand backdrops (soft glows, faint rings) fail
# the contrast.
LETTER_CONTRAST = 96.0  # luminance between the ink and the ground
TWO_TONE = 0.8  # of the region's pixels within a fifth of the contrast of one of the two tones
LETTER_CROSSINGS = 8  # ink/ground changes along a row of lettering (four strokes at least)
LETTERING_ROWS = 0.04  # of a frame's rows: a picture carrying text (a caption line is ~3 %)
EDGE_DEPTH = 0.06  # the band along each edge whose tones are measured
EDGE_RUNS = 3  # separate pieces of ink touching an edge: glyphs cut by it, not one shape


def _ink(region: np.ndarray) -> np.ndarray | None:
    """Where ``region`` (luminance) is ink, when it is two-toned with strong contrast."""
    low, high = np.percentile(region, (2, 98))
    contrast = float(high - low)
    if contrast < LETTER_CONTRAST:
        return None
    near = (np.abs(region - low) < contrast / 5) | (np.abs(region - high) < contrast / 5)
    if float(near.mean()) < TWO_TONE:
        return None
    bright: np.ndarray = np.asarray(region > (low + high) / 2)
    # The ink is the rarer of the two tones (light text on dark, or dark on light).
    return bright if float(bright.mean()) < 0.5 else np.logical_not(bright)


def lettering(luma: np.ndarray) -> float:
    """The share of a frame's rows that look like a line of lettering (0: none)."""
    ink = _ink(luma)
    if ink is None:
        return 0.0
    crossings = np.count_nonzero(np.diff(ink, axis=1), axis=1)
    return float(np.mean(crossings >= LETTER_CROSSINGS))


def cut_at_edges(luma: np.ndarray) -> list[str]:
    """The frame's edges that cut lettering: ink in the outermost pixels in several separate
    pieces (a headline running off the side crosses it once per line; a band or a shape that
    touches it, once)."""
    height, width = luma.shape
    depth_x, depth_y = max(3, round(width * EDGE_DEPTH)), max(3, round(height * EDGE_DEPTH))
    bands = {
        "left": luma[:, :depth_x].T,
        "right": luma[:, width - depth_x :][:, ::-1].T,
        "top": luma[:depth_y],
        "bottom": luma[height - depth_y :][::-1],
    }
    cut: list[str] = []
    for side, band in bands.items():
        # band: depth x length, row 0 the outermost line of pixels.
        ink = _ink(band)
        if ink is None:
            continue
        touching: np.ndarray = np.asarray(ink[:2].any(axis=0))
        runs = int(np.count_nonzero(np.diff(touching.astype(np.int8)) == 1)) + int(touching[0])
        if runs >= EDGE_RUNS:
            cut.append(side)
    return cut


def luminance(frame: np.ndarray) -> np.ndarray:
    return frame.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)


@dataclass(frozen=True, slots=True)
class FrameStats:
    frames: int
    blank: int
    motion: float
    lettered: int = 0
    """Sampled frames that carry lettering."""
    cut_edges: tuple[str, ...] = ()
    """Edges that cut lettering in any sampled frame."""

    def summary(self) -> str:
        return (
            f"{self.frames} frames; {self.blank} blank samples; motion {self.motion:.2f}; "
            f"{self.lettered} with lettering"
        )


def measure(frames: Sequence[np.ndarray], total: int) -> FrameStats:
    """Stats of sampled RGB frames (``total``: the segment's frame count)."""
    if not frames:
        return FrameStats(total, 0, 0.0)
    luma = [luminance(frame) for frame in frames]
    blank = sum(1 for plane in luma if float(plane.std()) < BLANK_STD)
    # Motion on a 4x coarser grid: the same measure the thresholds were set on.
    coarse = [plane[: plane.shape[0] // 4 * 4, : plane.shape[1] // 4 * 4] for plane in luma]
    coarse = [p.reshape(p.shape[0] // 4, 4, p.shape[1] // 4, 4).mean(axis=(1, 3)) for p in coarse]
    motion = (
        float(np.mean([np.abs(a - b).mean() for a, b in itertools.pairwise(coarse)]))
        if len(coarse) > 1
        else 0.0
    )
    lettered = sum(1 for plane in luma if lettering(plane) >= LETTERING_ROWS)
    edges = sorted({side for plane in luma for side in cut_at_edges(plane)})
    return FrameStats(total, blank, motion, lettered, tuple(edges))


def sample_frames(data: bytes, samples: int = 4) -> FrameStats:
    """A few frames spread over the segment, decoded small (FFmpeg scales while converting),
    measured; the rest only counted."""
    total = probe_file(data).frames
    if total == 0:
        return FrameStats(0, 0, 0.0)
    picks = {round(i * (total - 1) / max(1, samples - 1)) for i in range(samples)}
    chosen = frames_numbered(data, picks, width=SAMPLE_SIZE[0], height=SAMPLE_SIZE[1])
    return measure(chosen, total)


def review_segment(
    index: int,
    shot: Shot,
    stats: FrameStats,
    *,
    expected_frames: int,
    similarity: float | None,
) -> SegmentVerdict:
    reasons: list[str] = []
    if stats.frames == 0:
        reasons.append("the segment has no frames")
    elif stats.frames < expected_frames * 0.5:
        reasons.append(f"too short: {stats.frames} of {expected_frames} frames")
    if stats.blank:
        reasons.append(f"{stats.blank} sampled frames are blank")
    if stats.lettered:
        reasons.append(
            f"{stats.lettered} sampled frames carry lettering: the edit draws the words, "
            "text in the picture would sit under the caption and be cropped by the motion"
        )
    if stats.cut_edges:
        reasons.append(f"lettering cut by the frame's {', '.join(stats.cut_edges)} edge")
    if (
        shot.camera_motion is not CameraMotion.STATIC
        and stats.frames
        and stats.motion < FROZEN_DIFF
    ):
        reasons.append(f"frozen: the shot asks for {shot.camera_motion.value}, frames do not move")
    failed = prompt_failures(shot.visual_prompt)
    if similarity is not None and similarity < ON_TOPIC_FLOOR:
        failed.append("on_topic")
    reasons.extend(describe(failed))
    return SegmentVerdict(index=index, ok=not reasons, reasons=reasons[:6])


def layout_problems(data: bytes, times: Sequence[float]) -> list[str]:
    """The finished edit's frames at ``times`` (seconds) checked for lettering cut by the
    frame's edges: the title, captions and end card must sit inside the text-safe area."""
    problems: list[str] = []
    for at, frame in zip(
        times, frames_at(data, times, width=SAMPLE_SIZE[0], height=SAMPLE_SIZE[1]), strict=False
    ):
        edges = cut_at_edges(luminance(frame))
        if edges:
            problems.append(f"frame at {at:.1f} s: lettering cut by the {', '.join(edges)} edge")
    return problems


def review_whole(
    verdicts: Sequence[SegmentVerdict],
    probe: VideoProbe | None,
    platforms: Sequence[str],
    layout: Sequence[str] = (),
) -> VideoReview:
    notes: list[str] = [problem[:200] for problem in layout]
    within = True
    if probe is not None:
        for name in platforms:
            problems = platform_problems(probe, name)
            if problems:
                within = False
                notes.append(f"{name}: {'; '.join(problems)}"[:200])
    return VideoReview(
        segments=list(verdicts),
        regenerate=[verdict.index for verdict in verdicts if not verdict.ok],
        within_limits=within,
        notes=notes[:6],
    )


def platform_problems(probe: VideoProbe, platform: str) -> list[str]:
    """Why ``probe`` breaks ``platform``'s documented limits (none: it is valid)."""
    limits = PLATFORM_LIMITS[platform]
    problems: list[str] = []
    if probe.video_codec != "h264":
        problems.append(f"video codec {probe.video_codec}, not H.264")
    if probe.audio_codec not in (None, "aac"):
        problems.append(f"audio codec {probe.audio_codec}, not AAC")
    if not limits.min_s <= probe.duration_s <= limits.max_s:
        problems.append(f"{probe.duration_s:.1f} s outside {limits.min_s:g}-{limits.max_s:g} s")
    if probe.size_bytes > limits.max_bytes:
        problems.append(f"{probe.size_bytes} bytes over {limits.max_bytes}")
    aspect = probe.width / probe.height if probe.height else 0.0
    if not limits.aspect[0] - 0.01 <= aspect <= limits.aspect[1] + 0.01:
        problems.append(f"aspect {aspect:.3f} outside the allowed range")
    if probe.fps > limits.max_fps or probe.fps < 23:
        problems.append(f"{probe.fps:g} fps outside 23-{limits.max_fps:g}")
    return problems


def valid_for(probe: VideoProbe) -> list[str]:
    return [name for name in PLATFORM_LIMITS if not platform_problems(probe, name)]
