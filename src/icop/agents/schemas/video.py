"""The video agents' schemas (issue 18): ScenePlanner → Storyboard → VideoDirector → Reviewer.

Durations and timing are the code's (``icop.video.timing``): a model proposes how long a scene
should be, the timeline puts every transition on a narration boundary and fits the total to
the platform's limit. Prompts are English and follow the prompt criteria below, which the
reviewer enforces (``icop.video.review``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from icop.agents.schemas.common import InputModel, Language, OutputModel, first, fit


class ScenePurpose(StrEnum):
    HOOK = "hook"
    POINT = "point"
    PROOF = "proof"
    CALL_TO_ACTION = "call_to_action"


class CameraMotion(StrEnum):
    PUSH_IN = "push_in"
    PULL_OUT = "pull_out"
    PAN_LEFT = "pan_left"
    PAN_RIGHT = "pan_right"
    TILT_UP = "tilt_up"
    TILT_DOWN = "tilt_down"
    STATIC = "static"


class Transition(StrEnum):
    CROSSFADE = "crossfade"
    CUT = "cut"
    FADE_BLACK = "fade_black"


class CaptionStyle(StrEnum):
    LOWER_THIRD = "lower_third"
    CENTRE = "centre"
    NONE = "none"


class MusicBed(StrEnum):
    NONE = "none"
    SOFT_PAD = "soft_pad"


# The prompt quality criteria (docs/video.md): what a shot's visual prompt must be before a
# provider is paid for it. The reviewer checks each one and names the failed ones.
PROMPT_CRITERIA: dict[str, str] = {
    "english": "written in English (video models follow English best)",
    "concrete_subject": "names a concrete, visible subject (at least four content words)",
    "no_text_in_frame": "asks for no lettering, logos or captions in the picture (the edit "
    "draws text in the brand kit; generated lettering is garbled)",
    "length": "between 40 and 400 characters: enough to direct, short enough to be followed",
    "on_topic": "close enough in meaning to its scene's narration and on-screen text "
    "(bundled embedding model, cosine ≥ the configured floor)",
}


class ScenePlannerInput(InputModel):
    """The article or brief to turn into a short vertical video."""

    title: str = Field(max_length=200)
    text: str = Field(max_length=6000, description="the article body or the brief")
    language: Language
    target_seconds: int = Field(ge=5, le=90, description="the video's intended length")
    max_scenes: int = Field(ge=2, le=8)


class PlannedScene(OutputModel):
    """One scene: why it is there, how long it wants, what it shows and says."""

    purpose: ScenePurpose
    duration_s: float = Field(ge=2.0, le=15.0, description="proposed length in seconds")
    on_screen_text: Annotated[str, fit(80)] = Field(
        max_length=80, description="the caption, in the article's language"
    )
    narration: Annotated[str, fit(220)] = Field(
        max_length=220, description="one spoken sentence, in the article's language"
    )


class ScenePlan(OutputModel):
    """The scenes in running order, hook first and call to action last."""

    scenes: Annotated[list[PlannedScene], first(8)] = Field(min_length=1, max_length=8)


class StoryboardInput(InputModel):
    """One scene to shoot, with the video's title for continuity."""

    title: str = Field(max_length=200)
    scene: str = Field(max_length=600, description="purpose, on-screen text and narration")
    brand: str = Field(max_length=200, description="the brand's name and colours, in words")


class Shot(OutputModel):
    """How one scene is filmed."""

    description: Annotated[str, fit(300)] = Field(max_length=300)
    visual_prompt: Annotated[str, fit(400)] = Field(
        max_length=400, description="English prompt for the video or image model"
    )
    camera_motion: CameraMotion = CameraMotion.PUSH_IN
    transition: Transition = Transition.CROSSFADE


class DirectorInput(InputModel):
    """The storyboarded scenes, one line each, and where the video will run."""

    scenes: str = Field(max_length=4000, description="index | purpose | on-screen text")
    platform: str = Field(max_length=40)
    max_seconds: int = Field(ge=5, le=600)


class DirectorNotes(OutputModel):
    """The edit's choices the model makes; the timing is computed (icop.video.timing)."""

    order: Annotated[list[Annotated[int, Field(ge=0, le=7)]], first(8)] = Field(
        default_factory=list, max_length=8, description="scene indexes in playing order"
    )
    title: Annotated[str, fit(80)] = Field(default="", max_length=80)
    caption_style: CaptionStyle = CaptionStyle.LOWER_THIRD
    music: MusicBed = MusicBed.NONE


class SegmentVerdict(OutputModel):
    """Whether one segment is kept, and why not."""

    index: int = Field(ge=0, le=7)
    ok: bool
    reasons: Annotated[list[Annotated[str, Field(max_length=200)]], first(6)] = Field(
        default_factory=list, max_length=6
    )


class VideoReview(OutputModel):
    """The reviewer's answer for the whole video: the segments to regenerate, and whether the
    total fits the platform."""

    segments: Annotated[list[SegmentVerdict], first(8)] = Field(default_factory=list, max_length=8)
    regenerate: Annotated[list[Annotated[int, Field(ge=0, le=7)]], first(8)] = Field(
        default_factory=list, max_length=8
    )
    within_limits: bool = True
    notes: Annotated[list[Annotated[str, Field(max_length=200)]], first(6)] = Field(
        default_factory=list, max_length=6
    )
