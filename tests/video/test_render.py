"""The local renderer and the edit produce an MP4 that PyAV's FFmpeg (the same wheel that
encoded it) reports as H.264 + AAC at the expected size, duration and frame rate; the
pipeline regenerates a failed segment alone."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image

from icop.agents.schemas.video import CameraMotion, Shot, Transition
from icop.images.providers.local import LocalRendererProvider
from icop.images.render import BrandKit
from icop.video.cards import caption_layer
from icop.video.compose import EditSpec, assemble
from icop.video.media import probe
from icop.video.pipeline import VideoFormat, make_video
from icop.video.providers.base import RenderedSegment, SegmentRequest
from icop.video.providers.local import LocalVideoProvider, render_segment
from icop.video.review import layout_problems, sample_frames
from icop.video.timing import plan_timeline

SIZE = (144, 256)
FPS = 24


def still() -> bytes:
    buffer = io.BytesIO()
    Image.linear_gradient("L").convert("RGB").resize((200, 250)).save(buffer, "PNG")
    return buffer.getvalue()


def test_segments_and_edit_probe_as_h264_aac_at_size_duration_and_rate() -> None:
    timeline = plan_timeline(["One short line.", "Another short line here."], [2, 2], max_total_s=5)
    segments = [
        render_segment(
            SegmentRequest(
                prompt="gradient",
                duration_s=end - start,
                width=SIZE[0],
                height=SIZE[1],
                fps=FPS,
                seed=1,
                motion=motion,
                still=still(),
            )
        )
        for (start, end), motion in zip(
            (timeline.render_window(0), timeline.render_window(1)),
            (CameraMotion.PUSH_IN, CameraMotion.PAN_LEFT),
            strict=True,
        )
    ]
    assert sample_frames(segments[0]).motion > 0.4
    brand = BrandKit()
    data = assemble(
        segments,
        EditSpec(
            width=SIZE[0],
            height=SIZE[1],
            fps=FPS,
            timeline=timeline,
            transitions=(Transition.CUT, Transition.CROSSFADE),
            captions=((), caption_layer("Another short line here.", brand, SIZE)),
        ),
    )
    facts = probe(data)
    assert (facts.video_codec, facts.audio_codec) == ("h264", "aac")
    assert (facts.width, facts.height, facts.pixel_format) == (*SIZE, "yuv420p")
    assert facts.fps == FPS
    assert facts.frames == round(timeline.total_s * FPS)
    assert facts.duration_s == pytest.approx(timeline.total_s, abs=0.1)
    assert facts.audio_rate == 48_000
    # The caption sits inside the frame: the edit's layout check finds nothing cut.
    assert layout_problems(data, [0.0, timeline.total_s - 0.5]) == []


class FlakyOnce:
    """The local renderer, except that segment 1's first render is black (a provider's bad
    output the reviewer must catch)."""

    name, model, gpu, needs_still = "flaky", "flaky", False, True

    def __init__(self) -> None:
        self.inner = LocalVideoProvider()
        self.calls: list[int] = []

    def configured(self) -> bool:
        return True

    async def render(self, request: SegmentRequest, progress: object = None) -> RenderedSegment:
        self.calls.append(request.seed)
        first_of_segment_1 = request.seed % 1000 == 2 and request.seed // 1000 == 1
        if first_of_segment_1:
            black = io.BytesIO()
            Image.new("RGB", (9, 16)).save(black, "PNG")  # the frame's aspect: no fill
            request = replace(request, still=black.getvalue(), motion=CameraMotion.STATIC)
        return await self.inner.render(request)

    async def aclose(self) -> None:
        return None


async def test_a_failed_segment_is_regenerated_alone() -> None:
    provider = FlakyOnce()
    made = await make_video(
        None,
        provider,
        title="Home composting in a small garden",
        text="Composting turns kitchen scraps into soil that feeds your plants for free.\n"
        "Keep the pile as damp as a wrung-out sponge and turn it every week or two.",
        target_seconds=8,
        video=VideoFormat(width=SIZE[0], height=SIZE[1], fps=FPS),
        images=LocalRendererProvider(),
        seed=1,
    )
    assert made.attempts[1] == 2 and made.regenerated == 1
    assert made.attempts[0] == 1 and all(n == 1 for i, n in enumerate(made.attempts) if i != 1)
    assert len(provider.calls) == len(made.attempts) + 1
    assert made.review.regenerate == []
    assert probe(made.data).video_codec == "h264"
    assert isinstance(made.plan.shots[1], Shot)
