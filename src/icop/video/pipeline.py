"""The video pipeline's steps as plain functions: planning (the agents and the timeline),
stills, one segment, the review, the edit. The Temporal workflow (``workflows.py``) runs them
as activities; ``make_video`` runs them in one process (the benchmark, and tests)."""

from __future__ import annotations

import asyncio
import io
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID

from PIL import Image

from icop.agents.schemas.video import (
    CaptionStyle,
    DirectorNotes,
    PlannedScene,
    ScenePurpose,
    Shot,
    Transition,
    VideoReview,
)
from icop.embeddings.base import Embedder
from icop.images.presets import Preset
from icop.images.providers.base import GenerationRequest, ImageProvider, ImageProviderError
from icop.images.render import BrandKit
from icop.llm.smart_router import SmartRouter
from icop.video import agents
from icop.video.cards import Layer, brand_mark, caption_layer, end_layer, title_layer
from icop.video.compose import EditSpec, assemble
from icop.video.media import probe
from icop.video.providers.base import RenderedSegment, SegmentRequest, VideoProvider
from icop.video.review import (
    FrameStats,
    layout_problems,
    on_topic,
    prompt_failures,
    review_segment,
    review_whole,
    sample_frames,
)
from icop.video.timing import Timeline, plan_timeline

MAX_ATTEMPTS = 3
KEYFRAME_S = 2.0  # the final encode's keyframe interval (icop.video.media: gop = 2 s)


@dataclass(frozen=True)
class VideoFormat:
    width: int = 1080
    height: int = 1920
    fps: int = 30
    platform: str = "instagram"
    max_seconds: int = 90


@dataclass
class VideoPlan:
    title: str
    scenes: list[PlannedScene]
    shots: list[Shot]
    notes: DirectorNotes
    timeline: Timeline
    calls: list[agents.AgentCall] = field(default_factory=list)


def _timeline(
    scenes: Sequence[PlannedScene], shots: Sequence[Shot], video: VideoFormat, target_seconds: int
) -> Timeline:
    return plan_timeline(
        [scene.narration for scene in scenes],
        [scene.duration_s for scene in scenes],
        max_total_s=max_total(video, target_seconds),
        cuts=[shot.transition is Transition.CUT for shot in shots],
    )


def max_total(video: VideoFormat, target_seconds: int) -> float:
    """The timeline's limit: the platform's, and a quarter over the asked length at most."""
    return min(float(video.max_seconds), target_seconds * 1.25)


async def plan_video(
    router: SmartRouter | None,
    *,
    title: str,
    text: str,
    language: str,
    brand: BrandKit,
    target_seconds: int,
    video: VideoFormat,
    embedder: Embedder | None = None,
    tenant_id: UUID | None = None,
) -> VideoPlan:
    """ScenePlanner → Storyboard (the scenes in parallel) → VideoDirector → the timeline, with
    each shot's prompt held to the prompt criteria before anything is rendered."""
    plan, planned = await agents.plan_scenes(
        router,
        title=title,
        text=text,
        language=language,
        target_seconds=target_seconds,
        tenant_id=tenant_id,
    )
    scenes = plan.scenes
    subject = title if agents._ascii(title) else "the article's subject"
    boards = await asyncio.gather(
        *(
            agents.storyboard(
                router,
                scene,
                index=i,
                title=title,
                brand=brand.name,
                english_subject=subject,
                tenant_id=tenant_id,
            )
            for i, scene in enumerate(scenes)
        )
    )
    shots: list[Shot] = []
    for index, (shot, _call) in enumerate(boards):
        similarity = await on_topic(
            embedder,
            shot.visual_prompt,
            f"{scenes[index].on_screen_text}. {scenes[index].narration}",
        )
        broken = prompt_failures(shot.visual_prompt) or (
            similarity is not None and similarity < 0.15
        )
        shots.append(
            shot.model_copy(
                update={
                    "visual_prompt": agents.fallback_shot(
                        scenes[index], index, subject
                    ).visual_prompt
                }
            )
            if broken
            else shot
        )
    notes, directed = await agents.direct(
        router,
        scenes,
        title=title,
        platform=video.platform,
        max_seconds=video.max_seconds,
        tenant_id=tenant_id,
    )
    ordered_scenes = [scenes[i] for i in notes.order]
    ordered_shots = [shots[i] for i in notes.order]
    timeline = _timeline(ordered_scenes, ordered_shots, video, target_seconds)
    # The timeline drops trailing scenes that do not fit, and the call to action is last: a
    # teaser that sends no one to the article is worth less than its last point, so the
    # points before it go instead (the demo's video ended mid-point).
    while (
        len(timeline.scenes) < len(ordered_scenes)
        and len(ordered_scenes) > 2
        and ordered_scenes[-1].purpose is ScenePurpose.CALL_TO_ACTION
    ):
        del ordered_scenes[-2], ordered_shots[-2]
        timeline = _timeline(ordered_scenes, ordered_shots, video, target_seconds)
    kept = len(timeline.scenes)  # trailing scenes may not fit the limit
    return VideoPlan(
        title=notes.title or title,
        scenes=ordered_scenes[:kept],
        shots=ordered_shots[:kept],
        notes=notes,
        timeline=timeline,
        calls=[planned, *(call for _shot, call in boards), directed],
    )


CARD_MODELS = frozenset({"pillow-card"})
"""Image models whose pictures are text cards (the local image renderer): their words would
sit under the captions and be cropped by the motion, so the video never animates them."""


class Look(StrEnum):
    """What the edit lays its words over."""

    BACKDROP = "backdrop"
    """Brand backdrops only (the local renderer with no picture model): the words are the
    scene, so captions are large and centred."""
    PICTURES = "pictures"
    """The image service's pictures animated in the scenes; the title and end card on
    backdrops; captions in the lower third."""
    GENERATED = "generated"
    """Every scene generated by a video model: the title and end card on a translucent
    panel over it."""


def pictures_from(images: ImageProvider | None) -> ImageProvider | None:
    """``images`` when it draws pictures, None when it draws text cards (or is absent)."""
    if images is None or getattr(images, "model", "") in CARD_MODELS:
        return None
    return images


def look_for(provider: VideoProvider, images: ImageProvider | None) -> Look:
    if not provider.needs_still:
        return Look.GENERATED
    return Look.PICTURES if pictures_from(images) is not None else Look.BACKDROP


async def still_for(
    index: int,
    plan: VideoPlan,
    images: ImageProvider | None,
    brand: BrandKit,
    video: VideoFormat,
    seed: int,
) -> bytes | None:
    """The picture a still-animating provider moves over: the image service's picture for a
    point or proof scene when it draws pictures; None otherwise (the opening, the call to
    action, no picture model, or the picture model failed): the provider then moves over a
    text-free brand backdrop and the edit draws the scene's words on top."""
    scene = plan.scenes[index]
    images = pictures_from(images)
    if images is None or scene.purpose in (ScenePurpose.HOOK, ScenePurpose.CALL_TO_ACTION):
        return None
    try:
        generated = await images.generate(
            GenerationRequest(
                prompt=plan.shots[index].visual_prompt,
                preset=Preset.PORTRAIT,
                seed=seed,
                brand=brand,
            )
        )
    except ImageProviderError:
        return None
    if generated.data is not None:
        return generated.data
    if generated.image is None:
        return None
    buffer = io.BytesIO()
    generated.image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def segment_request(
    index: int,
    plan: VideoPlan,
    video: VideoFormat,
    brand: BrandKit,
    still: bytes | None,
    seed: int,
) -> SegmentRequest:
    start, end = plan.timeline.render_window(index)
    shot = plan.shots[index]
    return SegmentRequest(
        prompt=shot.visual_prompt,
        duration_s=end - start,
        width=video.width,
        height=video.height,
        fps=video.fps,
        seed=seed,
        motion=shot.camera_motion,
        still=still,
        brand=brand,
    )


def scene_layer(
    index: int, plan: VideoPlan, brand: BrandKit, size: tuple[int, int], look: Look
) -> Layer:
    """The words the edit lays over scene ``index``: the title over the opening, the call to
    action and the brand over the close, the narration as the caption elsewhere."""
    scene = plan.scenes[index]
    if index == 0 and scene.purpose is ScenePurpose.HOOK:
        return title_layer(plan.title, brand, size, scrim=look is Look.GENERATED)
    if scene.purpose is ScenePurpose.CALL_TO_ACTION:
        return end_layer(scene.on_screen_text, brand, size)
    style = plan.notes.caption_style
    middle = [
        i
        for i, s in enumerate(plan.scenes)
        if s.purpose not in (ScenePurpose.HOOK, ScenePurpose.CALL_TO_ACTION)
    ]
    mark = brand_mark(
        brand, size, step=middle.index(index) if index in middle else None, steps=len(middle)
    )
    if look is Look.BACKDROP:
        # A backdrop says nothing by itself: its scene's words are always shown, large.
        return (*mark, *caption_layer(scene.narration, brand, size, centre=True))
    if style is CaptionStyle.NONE:
        return mark
    return (
        *mark,
        *caption_layer(scene.narration, brand, size, centre=style is CaptionStyle.CENTRE),
    )


def edit_spec(
    plan: VideoPlan, video: VideoFormat, brand: BrandKit, look: Look = Look.BACKDROP
) -> EditSpec:
    size = (video.width, video.height)
    return EditSpec(
        width=video.width,
        height=video.height,
        fps=video.fps,
        timeline=plan.timeline,
        transitions=tuple(shot.transition for shot in plan.shots),
        captions=tuple(scene_layer(i, plan, brand, size, look) for i in range(len(plan.scenes))),
    )


def layout_check(plan: VideoPlan, data: bytes) -> list[str]:
    """The finished edit's layout, sampled in every scene (its words at full strength) and at
    the very first and last frames (the cover and the end card). Times inside a scene are
    moved to a keyframe (every ``KEYFRAME_S``) where one falls clear of the scene's fades, so
    each sample decodes a frame or two rather than a whole group of pictures."""
    times = [0.0]
    for scene in plan.timeline.scenes:
        first, last = scene.start_s + 0.4, scene.end_s - 0.4
        keyframe = math.ceil(first / KEYFRAME_S) * KEYFRAME_S
        times.append(keyframe if keyframe <= last else (scene.start_s + scene.end_s) / 2)
    times.append(max(0.0, plan.timeline.total_s - 0.1))
    return layout_problems(data, times)


def check_segment(index: int, plan: VideoPlan, video: VideoFormat, data: bytes):  # type: ignore[no-untyped-def]
    start, end = plan.timeline.render_window(index)
    stats: FrameStats = sample_frames(data)
    return review_segment(
        index,
        plan.shots[index],
        stats,
        expected_frames=round((end - start) * video.fps),
        similarity=None,
    )


@dataclass
class MadeVideo:
    data: bytes
    plan: VideoPlan
    review: VideoReview
    segments: list[RenderedSegment]
    attempts: list[int]
    render_s: float

    @property
    def regenerated(self) -> int:
        return sum(count - 1 for count in self.attempts)


async def make_video(
    router: SmartRouter | None,
    provider: VideoProvider,
    *,
    title: str,
    text: str,
    language: str = "en",
    brand: BrandKit | None = None,
    target_seconds: int = 30,
    video: VideoFormat | None = None,
    images: ImageProvider | None = None,
    embedder: Embedder | None = None,
    seed: int = 1,
) -> MadeVideo:
    """The whole pipeline in this process: each segment rendered concurrently, reviewed, and
    regenerated alone (new seed) up to ``MAX_ATTEMPTS``; then the edit."""
    brand = brand or BrandKit()
    video = video or VideoFormat()
    started = time.perf_counter()
    plan = await plan_video(
        router,
        title=title,
        text=text,
        language=language,
        brand=brand,
        target_seconds=target_seconds,
        video=video,
        embedder=embedder,
    )

    async def one(index: int) -> tuple[RenderedSegment, int]:
        still = (
            await still_for(index, plan, images, brand, video, seed + index)
            if provider.needs_still
            else None
        )
        for attempt in range(1, MAX_ATTEMPTS + 1):
            request = segment_request(
                index, plan, video, brand, still, seed + index + 1000 * attempt
            )
            rendered = await provider.render(request)
            verdict = await asyncio.to_thread(check_segment, index, plan, video, rendered.data)
            if verdict.ok or attempt == MAX_ATTEMPTS:
                return rendered, attempt
        raise AssertionError("unreachable")

    results = await asyncio.gather(*(one(i) for i in range(len(plan.scenes))))
    segments = [rendered for rendered, _ in results]
    data = await asyncio.to_thread(
        assemble,
        [segment.data for segment in segments],
        edit_spec(plan, video, brand, look_for(provider, images)),
    )
    verdicts = [
        await asyncio.to_thread(check_segment, i, plan, video, s.data)
        for i, s in enumerate(segments)
    ]
    review = review_whole(
        verdicts, probe(data), [video.platform], await asyncio.to_thread(layout_check, plan, data)
    )
    return MadeVideo(
        data=data,
        plan=plan,
        review=review,
        segments=segments,
        attempts=[attempts for _, attempts in results],
        render_s=time.perf_counter() - started,
    )


def picture_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as opened:
        return opened.size


__all__: Sequence[str] = ("MadeVideo", "VideoFormat", "VideoPlan", "make_video", "plan_video")
