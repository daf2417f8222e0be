"""Attached media against a platform's rules: what the image service must convert, what cannot
be posted at all, and how the images are grouped into posts.

Nothing is converted here. Each image that breaks a rule gets one ImageAction naming the
platform; the JPEG pipeline (icop.images.to_platform_jpeg) re-encodes, crops into the aspect
range and fits the byte cap in one pass, from the same table this module checks against.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from icop.platforms.validation.model import (
    DraftPost,
    ImageAction,
    ImageProblem,
    Issue,
    IssueCode,
    MediaItem,
    MediaKind,
    VideoAction,
)
from icop.platforms.validation.rules import MediaRules, PlatformRules
from icop.platforms.video_specs import video_problems

# Spellings callers use for the same container (file extensions, MIME subtypes).
_FORMAT_ALIASES: Final = {
    "jpg": "jpeg",
    "jpe": "jpeg",
    "jfif": "jpeg",
    "pjpeg": "jpeg",
    "mpo": "jpeg",  # many phones' JPEGs; Pillow reports them as MPO
    "tif": "tiff",
    "heif": "heic",
}


def normalize_format(value: str) -> str:
    fmt = value.strip().lower().removeprefix("image/").lstrip(".")
    return _FORMAT_ALIASES.get(fmt, fmt)


@dataclass(frozen=True, slots=True)
class MediaPlan:
    images: tuple[int, ...]  # indexes of the media (images or one video) posted, in order
    groups: tuple[tuple[int, ...], ...]  # how they split into posts (several only on X)
    actions: tuple[ImageAction, ...]
    errors: tuple[Issue, ...]
    warnings: tuple[Issue, ...]
    video_actions: tuple[VideoAction, ...] = ()


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _check_image(
    index: int, item: MediaItem, rules: PlatformRules, warnings: list[Issue]
) -> tuple[ImageAction | None, bool]:
    """The action this image needs (None if it can go as it is), and whether it stays an
    animated GIF."""
    media = rules.media
    spec = media.spec
    fmt = normalize_format(item.format)
    name = rules.display_name
    kept_gif = (
        fmt == "gif"
        and item.animated
        and media.keeps_animated_gif
        and "gif" in media.formats
        and item.size_bytes <= (media.gif_max_bytes or spec.max_bytes)
    )
    if kept_gif:
        return None, True  # an animated GIF is uploaded as a GIF: cropping or JPEG would kill it
    problems: list[ImageProblem] = []
    details: list[str] = []
    if fmt not in media.formats:
        problems.append(ImageProblem.FORMAT)
        details.append(f"{fmt.upper()} is not accepted, convert to JPEG")
    if item.size_bytes > spec.max_bytes:
        problems.append(ImageProblem.FILE_SIZE)
        details.append(f"{_mb(item.size_bytes)} is over the {_mb(spec.max_bytes)} limit")
    aspect = item.width / item.height
    bounded = spec.min_aspect > 0 or math.isfinite(spec.max_aspect)
    if not spec.min_aspect <= aspect <= spec.max_aspect:
        problems.append(ImageProblem.ASPECT_RATIO)
        details.append(
            f"aspect ratio {aspect:.2f}:1 is outside {spec.min_aspect:.2f}:1 to "
            f"{spec.max_aspect:.2f}:1, crop into that range"
        )
    if not problems:
        return None, False
    if item.animated:
        warnings.append(
            Issue(
                IssueCode.ANIMATION_LOST,
                f"Image {index + 1} is animated; {name} needs it converted to a still JPEG.",
                suggestion="Attach a still image, or a GIF within the platform's limits.",
                media_index=index,
            )
        )
    action = ImageAction(
        media_index=index,
        platform=rules.platform,
        problems=tuple(problems),
        target_format="jpeg",
        max_bytes=spec.max_bytes,
        min_aspect=spec.min_aspect if bounded else None,
        max_aspect=spec.max_aspect if bounded else None,
        detail=f"Image {index + 1} for {name}: " + "; ".join(details) + ".",
    )
    return action, False


def _group(images: list[int], gifs: set[int], media: MediaRules) -> list[tuple[int, ...]]:
    """X: up to four photos per post, and an animated GIF only on its own."""
    groups: list[tuple[int, ...]] = []
    current: list[int] = []
    for index in images:
        if index in gifs:
            if current:
                groups.append(tuple(current))
                current = []
            groups.append((index,))
            continue
        current.append(index)
        if len(current) == media.max_items:
            groups.append(tuple(current))
            current = []
    if current:
        groups.append(tuple(current))
    return groups


def _plan_video(draft: DraftPost, rules: PlatformRules) -> MediaPlan:
    """A video post: one video, nothing else beside it (an Instagram Reel, a Facebook Page
    video, a Threads video post and an X post each carry exactly one video)."""
    name = rules.display_name
    errors: list[Issue] = []
    actions: list[VideoAction] = []
    videos = [i for i, item in enumerate(draft.media) if item.kind is MediaKind.VIDEO]
    if len(draft.media) > 1:
        errors.append(
            Issue(
                IssueCode.VIDEO_MUST_BE_ALONE,
                f"A {name} video post carries one video and nothing else; this one has "
                f"{len(videos)} video(s) and {len(draft.media) - len(videos)} image(s).",
                suggestion="Post the video on its own, and the images in a separate post.",
                media_index=videos[1] if len(videos) > 1 else videos[0],
            )
        )
    index = videos[0]
    item = draft.media[index]
    if item.width <= 0 or item.height <= 0 or item.size_bytes <= 0:
        errors.append(
            Issue(
                IssueCode.INVALID_MEDIA,
                f"Video {index + 1} has no valid size ({item.width}x{item.height} px, "
                f"{item.size_bytes} bytes).",
                suggestion="Upload the video again so that it can be read.",
                media_index=index,
            )
        )
        return MediaPlan((), (), (), tuple(errors), ())
    found = video_problems(
        rules.platform,
        container=normalize_format(item.format),
        width=item.width,
        height=item.height,
        size_bytes=item.size_bytes,
        video_codec=item.video_codec,
        audio_codec=item.audio_codec,
        fps=item.fps,
        duration_s=item.duration_s,
    )
    for problem in found:
        if not problem.fixable:
            errors.append(
                Issue(
                    IssueCode.VIDEO_TOO_SHORT,
                    f"Video {index + 1} for {name}: {problem.message}.",
                    suggestion="Use a longer video.",
                    media_index=index,
                )
            )
    fixable = [problem for problem in found if problem.fixable]
    if fixable:
        actions.append(
            VideoAction(
                media_index=index,
                platform=rules.platform,
                problems=tuple(problem.code for problem in fixable),
                detail=f"Video {index + 1} for {name}: "
                + "; ".join(problem.message for problem in fixable)
                + ". It will be converted before upload.",
            )
        )
    return MediaPlan((index,), ((index,),), (), tuple(errors), (), video_actions=tuple(actions))


def plan_media(draft: DraftPost, rules: PlatformRules, *, allow_thread: bool) -> MediaPlan:
    if any(item.kind is MediaKind.VIDEO for item in draft.media):
        return _plan_video(draft, rules)
    media = rules.media
    errors: list[Issue] = []
    warnings: list[Issue] = []
    actions: list[ImageAction] = []
    images: list[int] = []
    gifs: set[int] = set()
    for index, item in enumerate(draft.media):
        if item.width <= 0 or item.height <= 0 or item.size_bytes <= 0:
            errors.append(
                Issue(
                    IssueCode.INVALID_MEDIA,
                    f"Image {index + 1} has no valid size ({item.width}x{item.height} px, "
                    f"{item.size_bytes} bytes).",
                    suggestion="Re-upload the image so the image service can read it.",
                    media_index=index,
                )
            )
            continue
        action, is_gif = _check_image(index, item, rules, warnings)
        if action is not None:
            actions.append(action)
        if is_gif:
            gifs.add(index)
        images.append(index)

    name = rules.display_name
    if media.requires_media and not images:
        errors.append(
            Issue(
                IssueCode.MEDIA_REQUIRED,
                f"{name} posts need at least one image.",
                suggestion="Attach an image (the image service can render a branded card).",
            )
        )
    if draft.carousel and media.min_carousel > 1 and 0 < len(images) < media.min_carousel:
        errors.append(
            Issue(
                IssueCode.CAROUSEL_TOO_FEW_ITEMS,
                f"A {name} carousel needs {media.min_carousel} to {media.max_items} items; "
                f"this one has {len(images)}.",
                suggestion="Add another image, or post it as a single image.",
            )
        )

    if not media.per_post_groups:
        groups = [tuple(images)] if images else []
        if len(images) > media.max_items:
            errors.append(
                Issue(
                    IssueCode.TOO_MANY_MEDIA,
                    f"{name} takes at most {media.max_items} images per post; this one has "
                    f"{len(images)}.",
                    suggestion=f"Choose the {media.max_items} images that matter most.",
                )
            )
    else:
        groups = _group(images, gifs, media)
        if len(groups) > 1 and not allow_thread:
            code = IssueCode.GIF_MUST_BE_ALONE if gifs else IssueCode.TOO_MANY_MEDIA
            errors.append(
                Issue(
                    code,
                    f"{name} takes up to {media.max_items} photos or one animated GIF per post; "
                    f"these {len(images)} items need {len(groups)} posts.",
                    suggestion="Allow a thread, or remove some images.",
                )
            )
    return MediaPlan(tuple(images), tuple(groups), tuple(actions), tuple(errors), tuple(warnings))
