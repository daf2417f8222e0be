"""The plan as a JSON document between the workflow's steps."""

from __future__ import annotations

from pydantic import BaseModel

from icop.agents.schemas.video import DirectorNotes, PlannedScene, Shot, Transition
from icop.video.pipeline import VideoPlan
from icop.video.timing import plan_timeline


class PlanDocument(BaseModel):
    title: str
    scenes: list[PlannedScene]
    shots: list[Shot]
    notes: DirectorNotes
    max_total_s: float


def dump(plan: VideoPlan, max_total_s: float) -> str:
    return PlanDocument(
        title=plan.title,
        scenes=plan.scenes,
        shots=plan.shots,
        notes=plan.notes,
        max_total_s=max_total_s,
    ).model_dump_json()


def load(document: str) -> VideoPlan:
    parsed = PlanDocument.model_validate_json(document)
    timeline = plan_timeline(
        [scene.narration for scene in parsed.scenes],
        [scene.duration_s for scene in parsed.scenes],
        max_total_s=parsed.max_total_s,
        cuts=[shot.transition is Transition.CUT for shot in parsed.shots],
    )
    return VideoPlan(
        title=parsed.title,
        scenes=parsed.scenes,
        shots=parsed.shots,
        notes=parsed.notes,
        timeline=timeline,
    )
