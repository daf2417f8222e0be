"""The video agents' model calls: ScenePlanner, Storyboard and VideoDirector, each one routed
call (``SmartRouter``, task kinds ``video.*`` in ``routing.yaml``) with a deterministic answer
when no model gives a usable one, as the article graph's nodes do: a small local model that
fails structured output costs the video its polish, never the video.

The Reviewer is ``icop.video.review`` (measurements and the bundled embedding model)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

from pydantic import BaseModel

from icop.agents.schemas.common import shorten
from icop.agents.schemas.video import (
    CameraMotion,
    CaptionStyle,
    DirectorInput,
    DirectorNotes,
    MusicBed,
    PlannedScene,
    ScenePlan,
    ScenePlannerInput,
    ScenePurpose,
    Shot,
    StoryboardInput,
    Transition,
)
from icop.llm.errors import RoutingError
from icop.llm.smart_router import SmartRouter
from icop.llm.tasks import TaskKind

logger = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)

PLANNER_SYSTEM = (
    "You are a short-form video producer. Turn the article into scenes for a vertical video: "
    "a hook first, one scene per key point, a call to action last. Each scene has one short "
    "spoken sentence (narration) and a caption of a few words (on_screen_text), both in the "
    "article's language, and a proposed duration in seconds. Answer in JSON."
)
STORYBOARD_SYSTEM = (
    "You are a storyboard artist. For the scene, write a one-sentence shot description and an "
    "English visual prompt for a video model: a concrete visible subject, setting, light and "
    "mood, 40 to 300 characters, and never any text, letters or logos in the picture. Pick a "
    "slow camera motion and the transition into the shot. Answer in JSON."
)
DIRECTOR_SYSTEM = (
    "You are a video editor. Given the scenes, choose their playing order (hook first, call to "
    "action last), a short title for the opening card, the caption style and whether a soft "
    "music bed fits. Answer in JSON."
)

_SENTENCE = re.compile("(?<=[.!?\u3002\uff01\uff1f])\\s+")  # Latin and CJK full stops
# Citation marks go whole, with the space before them ("flowing [1]." → "flowing."): a caption
# is not an article, and the bundled model copies them into its scenes.
_CITATION = re.compile(r"\s*\[\d+(?:\s*[,\u2013-]\s*\d+)*\]")
_MARKUP = re.compile(r"[#*_>`\[\]()]")
CALLS_TO_ACTION = {
    "en": "Read the full article",
    "ko": "전체 기사를 읽어 보세요",
    "ja": "記事の全文をお読みください",
}
MOTIONS = (
    CameraMotion.PUSH_IN,
    CameraMotion.PAN_RIGHT,
    CameraMotion.PULL_OUT,
    CameraMotion.PAN_LEFT,
    CameraMotion.TILT_UP,
)


@dataclass(frozen=True, slots=True)
class AgentCall:
    """One agent's answer and whether it came from the model or the deterministic fallback."""

    agent: str
    provider: str | None
    model: str | None
    cost_usd: float
    fallback: bool


async def _ask(
    router: SmartRouter | None,
    task: TaskKind,
    system: str,
    inputs: BaseModel,
    output: type[T],
    tenant_id: UUID | None,
) -> tuple[T | None, AgentCall]:
    if router is None:
        return None, AgentCall(task.value, None, None, 0.0, True)
    try:
        call = await router.complete(
            task,
            system=system,
            inputs=inputs.model_dump(),
            output=output,
            tenant_id=tenant_id,
            seed=0,
        )
    except RoutingError as error:
        logger.info("%s: no usable model answer (%s); deterministic plan", task.value, error)
        return None, AgentCall(task.value, None, None, 0.0, True)
    return call.value, AgentCall(
        task.value, call.provider, call.model, float(call.cost_usd), call.value is None
    )


# -- ScenePlanner ------------------------------------------------------------------------------
async def plan_scenes(
    router: SmartRouter | None,
    *,
    title: str,
    text: str,
    language: str,
    target_seconds: int,
    max_scenes: int = 6,
    tenant_id: UUID | None = None,
) -> tuple[ScenePlan, AgentCall]:
    given = ScenePlannerInput(
        title=title[:200],
        text=text[:6000],
        language=language,
        target_seconds=target_seconds,
        max_scenes=max_scenes,
    )
    answer, call = await _ask(
        router, TaskKind.VIDEO_SCENES, PLANNER_SYSTEM, given, ScenePlan, tenant_id
    )
    if answer is not None and _usable_plan(answer):
        return finished_plan(answer, language, max_scenes), call
    plan = fallback_scenes(title, text, language, target_seconds, max_scenes)
    return plan, AgentCall(call.agent, call.provider, call.model, call.cost_usd, True)


def _usable_plan(plan: ScenePlan) -> bool:
    return len(plan.scenes) >= 2 and all(spoken(scene.narration) for scene in plan.scenes)


def spoken(text: str) -> str:
    """``text`` as a caption or a narration line: no citation marks, no Markdown."""
    return " ".join(_MARKUP.sub(" ", _CITATION.sub("", text)).split())


def finished_plan(plan: ScenePlan, language: str, max_scenes: int) -> ScenePlan:
    """A model's plan made fit to show: its texts spoken (``spoken``) and a call to action
    last, which the bundled model often leaves out — a teaser that ends mid-point sends no
    one to the article."""
    scenes = [
        scene.model_copy(
            update={
                "on_screen_text": spoken(scene.on_screen_text),
                "narration": spoken(scene.narration),
            }
        )
        for scene in plan.scenes
        if spoken(scene.narration)
    ]
    if not scenes or scenes[-1].purpose != ScenePurpose.CALL_TO_ACTION:
        cta = CALLS_TO_ACTION.get(language.split("-")[0].lower(), CALLS_TO_ACTION["en"])
        scenes = [
            *scenes[: max_scenes - 1],
            PlannedScene(
                purpose=ScenePurpose.CALL_TO_ACTION,
                duration_s=3.0,
                on_screen_text=cta,
                narration=cta,
            ),
        ]
    return ScenePlan(scenes=scenes[:max_scenes])


def sentences(text: str) -> list[str]:
    """The article's sentences in order, Markdown and citation marks removed."""
    found: list[str] = []
    for paragraph in text.split("\n"):
        if paragraph.lstrip().startswith("#"):  # a heading: a label, not a sentence
            continue
        line = spoken(paragraph)
        if len(line) < 20:  # headings, list stubs
            continue
        found.extend(part.strip() for part in _SENTENCE.split(line) if len(part.strip()) >= 20)
    return found


def fallback_scenes(
    title: str, text: str, language: str, target_seconds: int, max_scenes: int = 6
) -> ScenePlan:
    """Hook (the title), one point per leading sentence of the article's paragraphs, a call
    to action: what an editor cutting a teaser by hand does first."""
    points = sentences(text)
    room = max(1, min(max_scenes - 2, round(target_seconds / 5) - 2))
    picked = points[:: max(1, len(points) // room)][:room] if points else [title]
    share = max(2.0, (target_seconds - 6.0) / max(1, len(picked)))
    cta = CALLS_TO_ACTION.get(language.split("-")[0].lower(), CALLS_TO_ACTION["en"])
    scenes = [
        PlannedScene(
            purpose=ScenePurpose.HOOK, duration_s=3.0, on_screen_text=title, narration=title
        ),
        *(
            PlannedScene(
                purpose=ScenePurpose.POINT,
                duration_s=min(15.0, share),
                on_screen_text=shorten(point, 79),
                narration=shorten(point, 219),
            )
            for point in picked
        ),
        PlannedScene(
            purpose=ScenePurpose.CALL_TO_ACTION, duration_s=3.0, on_screen_text=cta, narration=cta
        ),
    ]
    return ScenePlan(scenes=scenes)


# -- Storyboard --------------------------------------------------------------------------------
def scene_line(scene: PlannedScene) -> str:
    return f"{scene.purpose.value} | {scene.on_screen_text} | {scene.narration}"[:600]


async def storyboard(
    router: SmartRouter | None,
    scene: PlannedScene,
    *,
    index: int,
    title: str,
    brand: str,
    english_subject: str,
    tenant_id: UUID | None = None,
) -> tuple[Shot, AgentCall]:
    given = StoryboardInput(title=title[:200], scene=scene_line(scene), brand=brand[:200])
    answer, call = await _ask(
        router, TaskKind.VIDEO_STORYBOARD, STORYBOARD_SYSTEM, given, Shot, tenant_id
    )
    if answer is not None and answer.visual_prompt.strip():
        return answer, call
    return fallback_shot(scene, index, english_subject), AgentCall(
        call.agent, call.provider, call.model, call.cost_usd, True
    )


def fallback_shot(scene: PlannedScene, index: int, english_subject: str) -> Shot:
    """A shot from the scene's own words when they are English, else from the video's English
    subject; motions alternate so consecutive shots do not all push in."""
    subject = scene.narration if _ascii(scene.narration) else english_subject
    prompt = (
        f"A cinematic vertical shot illustrating {shorten(subject, 220)}; natural light, "
        "shallow depth of field, calm mood, no text or lettering"
    )
    return Shot(
        description=shorten(f"{scene.purpose.value}: {scene.on_screen_text}", 299),
        visual_prompt=shorten(prompt, 399),
        camera_motion=MOTIONS[index % len(MOTIONS)],
        transition=Transition.CUT if index == 0 else Transition.CROSSFADE,
    )


def _ascii(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return bool(letters) and sum(char.isascii() for char in letters) / len(letters) >= 0.9


# -- VideoDirector -----------------------------------------------------------------------------
async def direct(
    router: SmartRouter | None,
    scenes: Sequence[PlannedScene],
    *,
    title: str,
    platform: str,
    max_seconds: int,
    tenant_id: UUID | None = None,
) -> tuple[DirectorNotes, AgentCall]:
    listing = "\n".join(
        f"{i} | {scene.purpose.value} | {scene.on_screen_text}" for i, scene in enumerate(scenes)
    )
    given = DirectorInput(scenes=listing[:4000], platform=platform, max_seconds=max_seconds)
    answer, call = await _ask(
        router, TaskKind.VIDEO_DIRECT, DIRECTOR_SYSTEM, given, DirectorNotes, tenant_id
    )
    notes = checked_notes(answer, scenes, title)
    fell_back = answer is None or notes.order != answer.order
    return notes, AgentCall(call.agent, call.provider, call.model, call.cost_usd, fell_back)


def checked_notes(
    answer: DirectorNotes | None, scenes: Sequence[PlannedScene], title: str
) -> DirectorNotes:
    """The director's notes kept only where they are a valid edit: the order must play every
    scene once, hook first and call to action last; anything else plays the planned order."""
    planned = list(range(len(scenes)))
    if answer is None:
        return DirectorNotes(order=planned, title=shorten(title, 79))
    order = answer.order
    valid = (
        sorted(order) == planned
        and scenes[order[0]].purpose is ScenePurpose.HOOK
        and (
            scenes[order[-1]].purpose is ScenePurpose.CALL_TO_ACTION
            or all(s.purpose is not ScenePurpose.CALL_TO_ACTION for s in scenes)
        )
    )
    return DirectorNotes(
        order=order if valid else planned,
        title=answer.title.strip() or shorten(title, 79),
        caption_style=answer.caption_style,
        music=answer.music if answer.music in (MusicBed.NONE, MusicBed.SOFT_PAD) else MusicBed.NONE,
    )


__all__ = [
    "AgentCall",
    "CaptionStyle",
    "checked_notes",
    "direct",
    "fallback_scenes",
    "fallback_shot",
    "plan_scenes",
    "storyboard",
]
