"""The edit: rendered segments assembled on the timeline, with dissolves centred on the
narration boundaries, the captions in the brand kit, and one H.264/AAC encode.

Segments are streamed (decoded frame by frame, at most two at a time during a dissolve), so a
30-second 1080x1920 edit never holds more than a few frames in memory. A segment shorter than
its window holds its last frame (a Veo clip is 4, 6 or 8 seconds whatever the scene asked);
a longer one is cut."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from icop.agents.schemas.video import Transition
from icop.video.cards import Layer
from icop.video.media import decode, encode
from icop.video.timing import Timeline

FADE_S = 0.2


@dataclass(frozen=True, slots=True)
class EditSpec:
    width: int
    height: int
    fps: int
    timeline: Timeline
    transitions: tuple[Transition, ...]
    """The transition into each scene (the first one's is ignored)."""
    captions: tuple[Layer, ...]
    """What each scene carries on top of its picture: its caption, the title, the end card."""
    audio: np.ndarray | None = None


class _SegmentReader:
    """One segment's frames at the edit's size, pulled by the edit's clock."""

    def __init__(self, data: bytes, spec: EditSpec) -> None:
        self._frames = decode(data, width=spec.width, height=spec.height)
        self._index = -1
        self._last: np.ndarray | None = None

    def frame(self, index: int) -> np.ndarray:
        while self._index < index:
            following = next(self._frames, None)
            if following is None:
                break
            self._last = following
            self._index += 1
        if self._last is None:
            raise ValueError("the segment has no frames")
        return self._last

    def close(self) -> None:
        self._frames.close()  # type: ignore[attr-defined]


def frames(segments: Sequence[bytes], spec: EditSpec) -> Iterator[np.ndarray]:
    timeline = spec.timeline
    if len(segments) != len(timeline.scenes):
        raise ValueError("one rendered segment per scene")
    total = round(timeline.total_s * spec.fps)
    windows = [timeline.render_window(i) for i in range(len(timeline.scenes))]
    readers: dict[int, _SegmentReader] = {}
    try:
        for number in range(total):
            t = (number + 0.5) / spec.fps
            weights = _weights(t, spec)
            frame: np.ndarray | None = None
            for index, weight in weights:
                if index not in readers:
                    readers[index] = _SegmentReader(segments[index], spec)
                local = max(0, int((t - windows[index][0]) * spec.fps))
                picture = readers[index].frame(local)
                if weight >= 0.999:
                    frame = picture.copy()
                elif frame is None:
                    frame = picture.astype(np.float32) * weight
                else:
                    frame = frame + picture.astype(np.float32) * weight
            for index in list(readers):  # a segment whose window has passed is closed
                if windows[index][1] < t:
                    readers.pop(index).close()
            assert frame is not None
            if frame.dtype != np.uint8:
                frame = np.clip(frame, 0, 255).astype(np.uint8)
            yield _caption(frame, t, spec)
    finally:
        for reader in readers.values():
            reader.close()


def _weights(t: float, spec: EditSpec) -> list[tuple[int, float]]:
    """The segments visible at ``t`` and how much of each (summing to at most 1)."""
    scenes = spec.timeline.scenes
    current = next((s.index for s in scenes if s.start_s <= t < s.end_s), scenes[-1].index)
    # A dissolve into the next scene that has begun, or one into this scene not yet over.
    for index in (current + 1, current):
        if index == 0 or index >= len(scenes):
            continue
        fade = scenes[index].transition_in_s
        if fade <= 0:
            continue
        begin = scenes[index].start_s - fade / 2
        if begin <= t < begin + fade:
            progress = (t - begin) / fade
            if spec.transitions[index] is Transition.FADE_BLACK:
                out, into = max(0.0, 1 - 2 * progress), max(0.0, 2 * progress - 1)
            else:
                out, into = 1 - progress, progress
            return [(i, w) for i, w in ((index - 1, out), (index, into)) if w > 0]
    return [(current, 1.0)]


def _caption(frame: np.ndarray, t: float, spec: EditSpec) -> np.ndarray:
    """The scene's text, faded in and out over a fifth of a second where it meets another
    scene; the video's first frame (its cover) already shows the title, and its last the end
    card, in full."""
    scenes = spec.timeline.scenes
    for scene in scenes:
        layer = spec.captions[scene.index]
        if not layer or not (scene.start_s <= t < scene.end_s):
            continue
        after_start = t - scene.start_s if scene.index > 0 else FADE_S
        before_end = scene.end_s - t if scene.index < len(scenes) - 1 else FADE_S
        strength = min(1.0, min(after_start, before_end) / FADE_S)
        for overlay in layer:
            frame = overlay.apply(frame, strength)
        return frame
    return frame


def assemble(segments: Sequence[bytes], spec: EditSpec) -> bytes:
    """The finished video: H.264 high profile, yuv420p, AAC (silent unless ``spec.audio``)."""
    return encode(
        frames(segments, spec),
        width=spec.width,
        height=spec.height,
        fps=spec.fps,
        audio=spec.audio,
    )
