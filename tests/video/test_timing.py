"""The video agents' schemas and the edit's timeline: transitions land on narration
boundaries, the total fits the platform's limit, the director's notes are checked."""

from __future__ import annotations

import itertools

import pytest
from pydantic import ValidationError

from icop.agents.schemas.video import (
    DirectorNotes,
    PlannedScene,
    ScenePlan,
    ScenePurpose,
    Shot,
)
from icop.llm.structured import unbounded_paths
from icop.video.agents import checked_notes, fallback_scenes, fallback_shot, finished_plan
from icop.video.review import prompt_failures
from icop.video.timing import BREATH_S, narration_seconds, plan_timeline

LINES = [
    "Compost feeds your garden for free.",
    "Balance green scraps with brown leaves, two parts brown to one part green.",
    "Keep the pile as damp as a wrung-out sponge and turn it every week.",
    "Read the full article.",
]


def test_schemas_are_bounded_and_fit_overlong_answers() -> None:
    for model in (ScenePlan, Shot, DirectorNotes):
        assert unbounded_paths(model.model_json_schema()) == []
    scene = PlannedScene(
        purpose=ScenePurpose.POINT, duration_s=4, on_screen_text="word " * 40, narration="x " * 200
    )
    assert len(scene.on_screen_text) < 80 and len(scene.narration) < 220
    with pytest.raises(ValidationError):
        PlannedScene(purpose="teaser", duration_s=4, on_screen_text="a", narration="b")
    with pytest.raises(ValidationError):
        ScenePlan(scenes=[])


def test_transitions_are_centred_on_narration_boundaries() -> None:
    timeline = plan_timeline(LINES, [3, 5, 5, 3], max_total_s=60, transition_s=0.6)
    scenes = timeline.scenes
    for before, after in itertools.pairwise(scenes):
        # the cut is where one line ends and the next begins
        assert after.start_s == before.end_s == after.narration_start_s
        # the dissolve is centred on the cut and never covers the previous line's speech
        assert after.start_s - after.transition_in_s / 2 >= before.narration_end_s - 1e-6
        start, _end = timeline.render_window(after.index)
        assert start == pytest.approx(after.start_s - after.transition_in_s / 2)
    assert scenes[0].transition_in_s == 0
    for scene, line in zip(scenes, LINES, strict=True):
        assert scene.duration_s >= narration_seconds(line) + BREATH_S - 1e-6


def test_total_fits_the_limit_by_shortening_then_dropping_trailing_scenes() -> None:
    squeezed = plan_timeline(LINES, [10, 10, 10, 10], max_total_s=20)
    assert squeezed.total_s <= 20 + 1e-6 and len(squeezed.scenes) == 4
    tight = plan_timeline(LINES, [3, 3, 3, 3], max_total_s=9)
    assert tight.total_s <= 9 + 1e-6 and len(tight.scenes) < 4
    korean = narration_seconds("퇴비는 정원을 위한 무료 비료입니다")
    assert 2 < korean < 5


def test_director_notes_keep_hook_first_and_call_to_action_last() -> None:
    plan = fallback_scenes("Composting", "\n".join(LINES * 3), "en", 30)
    scenes = plan.scenes
    assert scenes[0].purpose is ScenePurpose.HOOK
    assert scenes[-1].purpose is ScenePurpose.CALL_TO_ACTION
    bad = DirectorNotes(order=list(reversed(range(len(scenes)))), title="T")
    assert checked_notes(bad, scenes, "Composting").order == list(range(len(scenes)))
    good = [0, *reversed(range(1, len(scenes) - 1)), len(scenes) - 1]
    assert checked_notes(DirectorNotes(order=good), scenes, "C").order == good


def test_prompt_criteria() -> None:
    assert prompt_failures("A compost heap in a sunny garden, steam rising, no text") == []
    assert "no_text_in_frame" in prompt_failures("A poster with the caption 'compost now' on it")
    assert "english" in prompt_failures("햇살 가득한 정원의 퇴비 더미, 김이 피어오르는 장면")
    assert "length" in prompt_failures("compost")
    shot = fallback_shot(
        fallback_scenes("퇴비", "퇴비 만들기는 쉽습니다. " * 4, "ko", 20).scenes[1],
        1,
        "home composting",
    )
    assert prompt_failures(shot.visual_prompt) == []


def test_a_models_plan_loses_its_citation_marks_and_ends_on_a_call_to_action() -> None:
    """The bundled model's plan for the demo's composting article: "[1]" on screen and no
    call to action (the video ended mid-point)."""
    answer = ScenePlan(
        scenes=[
            PlannedScene(
                purpose=ScenePurpose.HOOK,
                duration_s=3,
                on_screen_text="Organic Matter and Composting",
                narration="Organic Matter and Composting",
            ),
            PlannedScene(
                purpose=ScenePurpose.POINT,
                duration_s=8,
                on_screen_text="These materials keep oxygen flowing [1].",
                narration="These materials break down organic matter and keep oxygen flowing [1].",
            ),
            PlannedScene(
                purpose=ScenePurpose.POINT,
                duration_s=8,
                on_screen_text="Cover your bin with a lid [2, 3]",
                narration="Cover your **bin** with a lid and a few air holes [2].",
            ),
        ]
    )
    plan = finished_plan(answer, "en", max_scenes=3)
    assert [scene.purpose for scene in plan.scenes] == [
        ScenePurpose.HOOK,
        ScenePurpose.POINT,
        ScenePurpose.CALL_TO_ACTION,
    ]
    assert plan.scenes[1].on_screen_text == "These materials keep oxygen flowing."
    assert plan.scenes[1].narration.endswith("keep oxygen flowing.")
    assert plan.scenes[-1].on_screen_text == "Read the full article"
    four = finished_plan(answer, "en", max_scenes=6)
    assert four.scenes[2].on_screen_text == "Cover your bin with a lid"
    assert four.scenes[2].narration == "Cover your bin with a lid and a few air holes."
    assert len(four.scenes) == 4 and four.scenes[-1].purpose == ScenePurpose.CALL_TO_ACTION
    # A plan that already ends on its call to action keeps it and gets no second one.
    assert finished_plan(four, "en", max_scenes=6) == four


async def test_a_plan_too_long_for_its_limit_drops_points_and_keeps_its_call_to_action() -> None:
    """The timeline drops what does not fit from the end, where the call to action is: the
    demo's video ended mid-point. Points before it go instead."""
    from icop.images.render import BrandKit
    from icop.video.pipeline import VideoFormat, max_total, plan_video

    long_point = " ".join(["Compost needs air, water and a balance of greens and browns"] * 3)
    text = "\n\n".join(f"{long_point}, step {n}." for n in range(6))
    plan = await plan_video(
        None,
        title="Composting",
        text=text,
        language="en",
        brand=BrandKit(),
        target_seconds=20,
        video=VideoFormat(),
    )
    purposes = [scene.purpose for scene in plan.scenes]
    assert purposes[0] is ScenePurpose.HOOK and purposes[-1] is ScenePurpose.CALL_TO_ACTION
    assert ScenePurpose.POINT in purposes  # something is still said between them
    assert len(plan.shots) == len(plan.scenes) == len(plan.timeline.scenes)
    assert plan.timeline.scenes[-1].end_s <= max_total(VideoFormat(), 20)
