"""Video rules per platform (icop.platforms.video_specs), the probe, the auto-fix
(prepare_for) and the validator's video plan, on tiny clips made once per module."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from icop.platforms import Platform
from icop.platforms.validation import DraftPost, IssueCode, MediaItem, MediaKind, validate
from icop.platforms.video import VideoRejected, fits, prepare_for, probe, problems

from .clips import make_clip


@pytest.fixture(scope="module")
def clips() -> dict[str, bytes]:
    return {
        # 9:16, 30 FPS, H.264/AAC: what the renderer makes; fits everywhere as it is.
        "vertical": make_clip(180, 320, 3.2),
        # 4:3 at 15 FPS: outside Reels' and Threads' 9:16 and their 23-60 FPS.
        "landscape_slow": make_clip(320, 240, 3.5, fps=15),
        # MPEG-4 Part 2 without sound, 142 s: X takes neither the codec nor the length.
        "long_mpeg4": make_clip(64, 36, 142, fps=5, codec="mpeg4", audio=False),
        "short": make_clip(180, 320, 1.0),
    }


def test_probe_reads_container_codecs_size_rate_and_length(clips: dict[str, bytes]) -> None:
    facts = probe(clips["vertical"])
    assert (facts.container, facts.video_codec, facts.audio_codec) == ("mp4", "h264", "aac")
    assert (facts.width, facts.height, facts.fps) == (180, 320, 30.0)
    assert facts.duration_s == pytest.approx(3.2, abs=0.1)
    assert facts.bytes == len(clips["vertical"]) and facts.bitrate > 0


def test_a_vertical_h264_clip_fits_all_four_platforms(clips: dict[str, bytes]) -> None:
    facts = probe(clips["vertical"])
    assert [p for p in Platform if fits(facts, p)] == list(Platform)


def test_each_broken_rule_is_named_in_words(clips: dict[str, bytes]) -> None:
    landscape = probe(clips["landscape_slow"])
    assert problems(landscape, Platform.INSTAGRAM) == [
        "aspect ratio 1.33:1 is outside 9:16",
        "15 FPS is outside 23-60 FPS",
    ]
    assert problems(landscape, Platform.FACEBOOK) == []  # 4:3 is inside 9:16…16:9
    long = probe(clips["long_mpeg4"])
    assert problems(long, Platform.X) == [
        "video codec mpeg4 is not accepted (H264)",
        "142.0 s is longer than 140 s (it will be trimmed)",
    ]


def test_prepare_for_reels_reframes_to_9_16_and_resamples_the_frame_rate(
    clips: dict[str, bytes],
) -> None:
    prepared = prepare_for(Platform.INSTAGRAM, clips["landscape_slow"])
    facts = prepared.facts
    assert fits(facts, Platform.INSTAGRAM)
    assert facts.aspect == pytest.approx(9 / 16, rel=0.01)
    assert (facts.fps, facts.video_codec, facts.audio_codec) == (30.0, "h264", "aac")
    assert facts.duration_s == pytest.approx(3.5, abs=0.15)
    assert prepared.changes == (
        "re-encoded as H.264/AAC in MP4",
        "reframed from 1.33:1 for instagram",
        "frame rate changed from 15 to 30 FPS",
    )
    # The moov atom is in front of the media data (the platforms' "faststart" requirement).
    assert prepared.data.index(b"moov") < prepared.data.index(b"mdat")
    with Image.open(io.BytesIO(prepared.cover_jpeg)) as cover:
        assert cover.format == "JPEG" and cover.size == (facts.width, facts.height)


def test_prepare_for_x_re_encodes_the_codec_and_trims_to_140_seconds(
    clips: dict[str, bytes],
) -> None:
    prepared = prepare_for(Platform.X, clips["long_mpeg4"])
    assert prepared.facts.video_codec == "h264"
    assert 139 <= prepared.facts.duration_s <= 140.05
    assert fits(prepared.facts, Platform.X)
    assert "trimmed from 142.0 s to 140 s" in prepared.changes


def test_too_short_for_reels_is_refused_not_padded(clips: dict[str, bytes]) -> None:
    with pytest.raises(VideoRejected, match="shorter than the 3 s"):
        prepare_for(Platform.INSTAGRAM, clips["short"])
    with pytest.raises(VideoRejected, match="not a readable video"):
        probe(b"\x00\x00\x00\x18ftypmp42 not really a video")


def video_item(**fields: object) -> MediaItem:
    base: dict[str, object] = {
        "format": "mp4",
        "width": 720,
        "height": 1280,
        "size_bytes": 8_000_000,
        "kind": MediaKind.VIDEO,
        "duration_s": 30.0,
        "fps": 30.0,
        "video_codec": "h264",
        "audio_codec": "aac",
    }
    return MediaItem(**{**base, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize("platform", list(Platform))
def test_a_platform_ready_video_validates_everywhere_without_actions(platform: Platform) -> None:
    result = validate(DraftPost(text="Watch this", media=(video_item(),)), platform)
    assert result.ok, result.errors
    assert result.video_actions == ()
    assert result.posts[0].media == (0,)


def test_fixable_problems_become_a_video_action_with_a_clear_detail() -> None:
    landscape = video_item(width=1920, height=1080, fps=15.0, video_codec="vp9", format="webm")
    result = validate(DraftPost(text="Watch", media=(landscape,)), Platform.INSTAGRAM)
    assert result.ok
    [action] = result.video_actions
    assert action.problems == ("container", "video_codec", "aspect_ratio", "fps")
    assert action.detail.startswith("Video 1 for Instagram: container WEBM is not accepted")
    assert action.detail.endswith("It will be converted before upload.")
    # X's 1280x1024 bound is on the long and short side: 1080x1920 is scaled, 720x1280 is not.
    full_hd = validate(DraftPost(text="Tall", media=(video_item(width=1080, height=1920),)), "x")
    assert [a.problems for a in full_hd.video_actions] == [("size",)]


def test_what_cannot_be_fixed_is_an_error() -> None:
    short = validate(
        DraftPost(text="Blink", media=(video_item(duration_s=1.0),)), Platform.INSTAGRAM
    )
    assert [e.code for e in short.errors] == [IssueCode.VIDEO_TOO_SHORT]
    assert "1.0 s is shorter than the 3 s minimum" in short.errors[0].message
    photo = MediaItem("jpeg", 1080, 1080, 100_000)
    mixed = validate(DraftPost(text="Both", media=(video_item(), photo)), Platform.X)
    assert [e.code for e in mixed.errors] == [IssueCode.VIDEO_MUST_BE_ALONE]
