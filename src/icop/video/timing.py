"""The edit's timeline: when each scene starts and ends, where its transition lies, and when
its caption shows.

Rules (issue 18, VideoDirector):

1. A scene lasts at least as long as its narration takes to say (words at a speaking rate, or
   characters for scripts written without spaces) plus a breath, and at least its proposed
   duration.
2. Transitions land on narration boundaries: the cut between scene *i* and *i+1* is placed
   exactly where narration *i* ends and narration *i+1* begins, and a cross-fade is centred on
   that cut (half before, half after), so no line is spoken across a dissolve's middle.
3. The total fits the platform's limit: when the scenes ask for more, every scene is shortened
   in proportion, never below its narration's need; if even that does not fit, trailing scenes
   are dropped (a video that keeps its hook beats one the platform refuses).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WORDS_PER_SECOND = 2.6  # a calm narration pace (≈ 155 words a minute)
CHARS_PER_SECOND = 7.0  # Korean, Japanese, Chinese: syllables or characters a second
BREATH_S = 0.4
MIN_SCENE_S = 2.0


@dataclass(frozen=True, slots=True)
class SceneTiming:
    index: int
    start_s: float
    end_s: float
    narration_start_s: float
    narration_end_s: float
    transition_in_s: float
    """Length of the dissolve into this scene (0 for the first scene or a cut)."""

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True, slots=True)
class Timeline:
    scenes: tuple[SceneTiming, ...]
    transition_s: float

    @property
    def total_s(self) -> float:
        return self.scenes[-1].end_s if self.scenes else 0.0

    def boundaries(self) -> list[float]:
        """The cut points between scenes: where each transition is centred."""
        return [scene.start_s for scene in self.scenes[1:]]

    def render_window(self, index: int) -> tuple[float, float]:
        """The span a segment must cover, dissolves included: half of each neighbouring
        transition on either side of its cut."""
        scene = self.scenes[index]
        before = scene.transition_in_s / 2
        after = self.scenes[index + 1].transition_in_s / 2 if index + 1 < len(self.scenes) else 0
        return (scene.start_s - before, scene.end_s + after)


def narration_seconds(line: str) -> float:
    """How long ``line`` takes to say aloud."""
    text = line.strip()
    if not text:
        return 0.0
    wide = sum(1 for char in text if ord(char) >= 0x1100 and char.isalpha())
    if wide > len(text) / 3:
        return len(text.replace(" ", "")) / CHARS_PER_SECOND
    return len(text.split()) / WORDS_PER_SECOND


def plan_timeline(
    narrations: Sequence[str],
    proposed_s: Sequence[float],
    *,
    max_total_s: float,
    transition_s: float = 0.5,
    cuts: Sequence[bool] | None = None,
) -> Timeline:
    """The timeline for scenes in playing order. ``cuts[i]`` true means a hard cut into scene
    ``i`` instead of a dissolve."""
    if len(narrations) != len(proposed_s):
        raise ValueError("one proposed duration per narration line")
    if not narrations:
        raise ValueError("a video needs at least one scene")
    needs = [max(MIN_SCENE_S, narration_seconds(line) + BREATH_S) for line in narrations]
    wants = [max(need, float(proposed)) for need, proposed in zip(needs, proposed_s, strict=True)]
    while sum(needs) > max_total_s and len(needs) > 1:
        needs.pop()
        wants.pop()
    lengths = _fit(wants, needs, max_total_s)
    scenes: list[SceneTiming] = []
    start = 0.0
    for index, (length, need) in enumerate(zip(lengths, needs, strict=True)):
        hard_cut = index == 0 or (cuts is not None and cuts[index])
        # The dissolve's first half may not cover the end of the previous scene's narration.
        slack = 0.0 if index == 0 else lengths[index - 1] - needs[index - 1] + BREATH_S / 2
        fade = 0.0 if hard_cut else min(transition_s, 2 * slack)
        end = round(start + length, 3)
        scenes.append(
            SceneTiming(
                index=index,
                start_s=round(start, 3),
                end_s=end,
                narration_start_s=round(start, 3),
                narration_end_s=round(start + need - BREATH_S / 2, 3),
                transition_in_s=round(max(fade, 0.0), 3),
            )
        )
        start = end
    return Timeline(scenes=tuple(scenes), transition_s=transition_s)


def _fit(wants: list[float], needs: list[float], limit: float) -> list[float]:
    """``wants`` shortened in proportion to fit ``limit``, never below ``needs``."""
    if sum(wants) <= limit:
        return wants
    if sum(needs) >= limit:  # one scene whose narration alone is too long: cut to fit
        return needs if sum(needs) <= limit else [limit]
    slack = [want - need for want, need in zip(wants, needs, strict=True)]
    share = (limit - sum(needs)) / sum(slack)
    return [need + extra * share for need, extra in zip(needs, slack, strict=True)]
