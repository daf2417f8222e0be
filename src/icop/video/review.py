"""The Reviewer: each rendered segment checked against its shot, and the whole video against
the platform's limits; the segments to regenerate named with the reason.

- **Prompt criteria** (``PROMPT_CRITERIA``, docs/video.md) are checked before a provider is
  paid: a prompt that fails is replaced with the scene's deterministic prompt.
- **Frames**: a few frames sampled from each segment (decoded small by FFmpeg's scaler) are
  measured: a blank frame (no contrast), a frozen segment where the shot asked for motion, a
  segment far shorter than its window.
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
from icop.video.media import VideoProbe, decode

SAMPLE_SIZE = (72, 128)
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


@dataclass(frozen=True, slots=True)
class FrameStats:
    frames: int
    blank: int
    motion: float

    def summary(self) -> str:
        return f"{self.frames} frames; {self.blank} blank samples; motion {self.motion:.2f}"


def sample_frames(data: bytes, samples: int = 4) -> FrameStats:
    """Every frame decoded small (cheap: FFmpeg scales while converting), a few measured."""
    small = [frame for frame in decode(data, width=SAMPLE_SIZE[0], height=SAMPLE_SIZE[1])]
    if not small:
        return FrameStats(0, 0, 0.0)
    picks = [small[round(i * (len(small) - 1) / max(1, samples - 1))] for i in range(samples)]
    luma = [frame.astype(np.float32).mean(axis=2) for frame in picks]
    blank = sum(1 for plane in luma if float(plane.std()) < BLANK_STD)
    motion = float(np.mean([np.abs(a - b).mean() for a, b in itertools.pairwise(luma)]))
    return FrameStats(len(small), blank, motion)


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


def review_whole(
    verdicts: Sequence[SegmentVerdict], probe: VideoProbe | None, platforms: Sequence[str]
) -> VideoReview:
    notes: list[str] = []
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
