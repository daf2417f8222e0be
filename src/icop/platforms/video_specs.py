"""What each platform accepts for a video post, in one table (the video twin of ``images.py``).

Sources (read 2026-12; limits change, so keep them here and nowhere else):
- Instagram Reels: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/
  reference/ig-user/media#reel-specifications (MOV or MP4, moov atom at the front, no edit
  lists; H.264 or HEVC, progressive, closed GOP, 4:2:0; AAC ≤ 48 kHz, mono or stereo;
  23-60 FPS; at most 1920 columns; aspect 0.01:1 to 10:1 accepted, 9:16 recommended to avoid
  cropping or blank space; 3 s to 15 min; ≤ 300 MB; VBR ≤ 25 Mbps).
- Threads: https://developers.facebook.com/docs/threads/overview#video-specifications (the same
  container and codec rules; 23-60 FPS; ≤ 1920 columns; aspect 0.01:1 to 10:1, 9:16
  recommended; ≤ 300 s; ≤ 1 GB).
- Facebook Page video: https://developers.facebook.com/docs/video-api/guides/publishing and
  https://www.facebook.com/business/help/1197310377458037 (MP4/MOV with H.264 and AAC; aspect
  9:16 to 16:9; a video sent by ``file_url`` (non-resumable) may be at most 1 GB and 20 minutes).
- X: https://developer.twitter.com/en/docs/twitter-api/v1/media/upload-media/uploading-media/
  media-best-practices, which the v2 media upload guide
  (https://docs.x.com/x-api/media/quickstart/media-upload-chunked) still points to (MP4; H.264
  High profile, AAC LC; ≤ 512 MB; 0.5 s to 140 s; at most 1280x1024 — 720x1280 recommended for
  portrait, so 1280 is the long side; aspect 1:3 to 3:1; ≤ 60 FPS; mono or stereo).

Instagram and Threads accept almost any aspect, but their players are 9:16: anything else is
cropped or shown with bars in the Reels tab, so our auto-fix targets 9:16 for both (the
issue's requirement, and the platforms' own recommendation). Sizes are decimal megabytes, the
safe reading of "MB".
"""

from __future__ import annotations

from dataclasses import dataclass

from icop.platforms import Platform

MB = 1_000_000


@dataclass(frozen=True, slots=True)
class VideoSpec:
    """Aspect ratios are width / height; ``target_aspect`` is what the auto-fix produces when
    the source falls outside [min_aspect, max_aspect]."""

    containers: frozenset[str]
    video_codecs: frozenset[str]
    audio_codecs: frozenset[str]
    min_aspect: float
    max_aspect: float
    target_aspect: float | None
    max_width: int
    max_height: int
    min_fps: float
    max_fps: float
    min_duration_s: float
    max_duration_s: float
    max_bytes: int
    max_video_bitrate: int
    # X states its size limit as "1280x1024" and recommends 720x1280 for portrait: the limit is
    # on the long and the short side, whichever way the video is turned.
    sides_any_orientation: bool = False

    def bounds(self, width: int, height: int) -> tuple[int, int]:
        """The largest width and height allowed for a video of this orientation."""
        if self.sides_any_orientation and height > width:
            return self.max_height, self.max_width
        return self.max_width, self.max_height


_META_CODECS = frozenset({"h264", "hevc"})
_MP4_MOV = frozenset({"mp4", "mov"})
_AAC = frozenset({"aac"})
NINE_SIXTEEN = 9 / 16

VIDEO_SPECS: dict[Platform, VideoSpec] = {
    Platform.INSTAGRAM: VideoSpec(
        containers=_MP4_MOV,
        video_codecs=_META_CODECS,
        audio_codecs=_AAC,
        # 9:16 within half a percent: a 1080x1920 render, or 1088x1920 from a macroblock grid.
        min_aspect=NINE_SIXTEEN * 0.99,
        max_aspect=NINE_SIXTEEN * 1.01,
        target_aspect=NINE_SIXTEEN,
        max_width=1920,
        max_height=3600,
        min_fps=23,
        max_fps=60,
        min_duration_s=3,
        max_duration_s=15 * 60,
        max_bytes=300 * MB,
        max_video_bitrate=25_000_000,
    ),
    Platform.THREADS: VideoSpec(
        containers=_MP4_MOV,
        video_codecs=_META_CODECS,
        audio_codecs=_AAC,
        min_aspect=NINE_SIXTEEN * 0.99,
        max_aspect=NINE_SIXTEEN * 1.01,
        target_aspect=NINE_SIXTEEN,
        max_width=1920,
        max_height=3600,
        min_fps=23,
        max_fps=60,
        min_duration_s=0.1,
        max_duration_s=300,
        max_bytes=1000 * MB,
        max_video_bitrate=25_000_000,
    ),
    Platform.FACEBOOK: VideoSpec(
        containers=_MP4_MOV,
        video_codecs=frozenset({"h264"}),
        audio_codecs=_AAC,
        min_aspect=9 / 16,
        max_aspect=16 / 9,
        target_aspect=None,  # crop into the range's nearer end
        max_width=1920,
        max_height=1920,
        min_fps=1,
        max_fps=60,
        min_duration_s=1,
        max_duration_s=20 * 60,
        max_bytes=1000 * MB,
        max_video_bitrate=25_000_000,
    ),
    Platform.X: VideoSpec(
        containers=frozenset({"mp4"}),
        video_codecs=frozenset({"h264"}),
        audio_codecs=_AAC,
        min_aspect=1 / 3,
        max_aspect=3.0,
        target_aspect=None,
        max_width=1280,
        max_height=1024,
        min_fps=1,
        max_fps=60,
        min_duration_s=0.5,
        max_duration_s=140,
        max_bytes=512 * MB,
        max_video_bitrate=25_000_000,
        sides_any_orientation=True,
    ),
}


@dataclass(frozen=True, slots=True)
class VideoProblem:
    """One broken rule. ``fixable``: the auto-fix (``icop.platforms.video.prepare_for``) can
    repair it; a video that is too short cannot be (nothing to add without inventing)."""

    code: str  # "container", "video_codec", "audio_codec", "aspect_ratio", "size", "fps",
    # "too_long", "too_short", "file_size"
    message: str
    fixable: bool = True


def video_problems(
    platform: Platform,
    *,
    container: str,
    width: int,
    height: int,
    size_bytes: int,
    video_codec: str | None = None,
    audio_codec: str | None = None,
    fps: float | None = None,
    duration_s: float | None = None,
) -> list[VideoProblem]:
    """Every rule of ``platform`` a video breaks; what is not known (None) is not checked —
    the publisher probes the file itself before uploading."""
    spec = VIDEO_SPECS[platform]
    found: list[VideoProblem] = []
    fmt = container.strip().lower().removeprefix("video/").removeprefix(".")
    fmt = {"quicktime": "mov", "m4v": "mp4"}.get(fmt, fmt)
    if fmt not in spec.containers:
        found.append(VideoProblem("container", f"container {fmt.upper()} is not accepted"))
    if video_codec is not None and video_codec not in spec.video_codecs:
        names = " or ".join(sorted(codec.upper() for codec in spec.video_codecs))
        found.append(
            VideoProblem("video_codec", f"video codec {video_codec} is not accepted ({names})")
        )
    if audio_codec is not None and audio_codec not in spec.audio_codecs:
        found.append(VideoProblem("audio_codec", f"audio codec {audio_codec} is not AAC"))
    aspect = width / height if height else 0.0
    if not spec.min_aspect <= aspect <= spec.max_aspect:
        wanted = (
            "9:16"
            if spec.target_aspect is not None
            else f"{spec.min_aspect:.2f}:1 to {spec.max_aspect:.2f}:1"
        )
        found.append(
            VideoProblem("aspect_ratio", f"aspect ratio {aspect:.2f}:1 is outside {wanted}")
        )
    max_width, max_height = spec.bounds(width, height)
    if width > max_width or height > max_height:
        found.append(
            VideoProblem("size", f"{width}x{height} px is larger than {max_width}x{max_height}")
        )
    if fps is not None and not spec.min_fps <= fps <= spec.max_fps:
        found.append(
            VideoProblem("fps", f"{fps:g} FPS is outside {spec.min_fps:g}-{spec.max_fps:g} FPS")
        )
    if duration_s is not None and duration_s > spec.max_duration_s:
        found.append(
            VideoProblem(
                "too_long",
                f"{duration_s:.1f} s is longer than {spec.max_duration_s:g} s (it will be trimmed)",
            )
        )
    if duration_s is not None and duration_s < spec.min_duration_s:
        found.append(
            VideoProblem(
                "too_short",
                f"{duration_s:.1f} s is shorter than the {spec.min_duration_s:g} s minimum",
                fixable=False,
            )
        )
    if size_bytes > spec.max_bytes:
        found.append(
            VideoProblem(
                "file_size",
                f"{size_bytes / 1e6:.1f} MB is over the {spec.max_bytes / 1e6:g} MB limit",
            )
        )
    return found
