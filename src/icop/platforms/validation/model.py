"""The validation stage's vocabulary: what goes in (a platform-neutral draft), what comes out
(posts ready to send, what was changed, what is wrong).

Plain frozen dataclasses, not ORM or API models: this stage is a pure function, called by the
scheduler right before publishing and by the API to preview a post; both map these to their own
shapes. Codes are StrEnums so callers and the UI branch on them, never on message wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Literal

# One platform enum for the whole codebase: the image service already keys its table on it.
from icop.platforms import Platform

__all__ = [
    "Change",
    "ChangeCode",
    "DraftPost",
    "ImageAction",
    "ImageProblem",
    "Issue",
    "IssueCode",
    "MediaItem",
    "MediaKind",
    "Platform",
    "PreparedPost",
    "ValidationOptions",
    "ValidationResult",
    "VideoAction",
]


class MediaKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"


@dataclass(frozen=True, slots=True)
class MediaItem:
    """What we know about one attached file without opening it.

    `format` is the container as the image service detected it ("jpeg", "png", "webp", "gif",
    "heic", …; "jpg" and other spellings are accepted). `ref` is the caller's handle for the
    asset (an id or URL) and is passed through untouched."""

    format: str
    width: int
    height: int
    size_bytes: int
    kind: MediaKind = MediaKind.IMAGE
    animated: bool = False
    ref: str | None = None
    # Videos only, where known (a probe's VideoFacts): unknown facts are not checked here,
    # the publisher probes the file itself before uploading.
    duration_s: float | None = None
    fps: float | None = None
    video_codec: str | None = None
    audio_codec: str | None = None


@dataclass(frozen=True, slots=True)
class DraftPost:
    """A post as the author wrote it, for no platform in particular.

    Hashtags and mentions may be written inline in `text` and/or listed separately; listed ones
    that are not already inline are appended. `link_url` is the article link: each platform puts
    it where it works best (in the text, as Facebook's link preview, or in an X reply).
    `carousel` records that the author asked for a swipeable multi-item post, so that one item
    is reported instead of silently posted as a single image."""

    text: str = ""
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    link_url: str | None = None
    media: tuple[MediaItem, ...] = ()
    reply_to: str | None = None
    carousel: bool = False


@dataclass(frozen=True, slots=True)
class ValidationOptions:
    """Choices the caller makes per publish.

    allow_thread: an over-long X or Threads post becomes a reply chain instead of being shortened.
    url_as_reply: X only; the article link goes into a reply so the first post carries none.
    number_parts: "auto" numbers threads of three or more parts ("1/3"): a two-part thread reads
      as a post and its reply, and the numbers cost characters.
    recent_texts: the account's recent posts on this platform, for the duplicate rule.
    duplicate_variation: text the *user* approved for making a duplicate unique (e.g. "(update)").
      Without it a duplicate is an error: we never vary a post silently.
    near_duplicate_ratio: similarity (0..1, after normalising) from which a text is reported as a
      near duplicate."""

    allow_thread: bool = True
    url_as_reply: bool = False
    number_parts: Literal["auto", "always", "never"] = "auto"
    recent_texts: tuple[str, ...] = ()
    duplicate_variation: str | None = None
    near_duplicate_ratio: float = 0.9


class ChangeCode(StrEnum):
    INVALID_CHARACTERS_REMOVED = "invalid_characters_removed"
    SHORTENED = "shortened"
    SPLIT_INTO_THREAD = "split_into_thread"
    URL_MOVED_TO_REPLY = "url_moved_to_reply"
    LINK_MOVED_TO_TEXT = "link_moved_to_text"
    HASHTAGS_NORMALIZED = "hashtags_normalized"
    HASHTAGS_DEDUPLICATED = "hashtags_deduplicated"
    HASHTAGS_DROPPED = "hashtags_dropped"
    HASHTAGS_UNTAGGED = "hashtags_untagged"
    TOPIC_TAG_SET = "topic_tag_set"
    MENTIONS_DROPPED = "mentions_dropped"
    MENTIONS_UNTAGGED = "mentions_untagged"
    MEDIA_SPREAD_OVER_THREAD = "media_spread_over_thread"
    DUPLICATE_VARIATION_APPENDED = "duplicate_variation_appended"


@dataclass(frozen=True, slots=True)
class Change:
    """Something we changed, in words a user can read."""

    code: ChangeCode
    message: str


class IssueCode(StrEnum):
    # errors: the post cannot be sent as it is and we cannot fix it without the author
    EMPTY_POST = "empty_post"
    MEDIA_REQUIRED = "media_required"
    VIDEO_NOT_SUPPORTED = "video_not_supported"  # kept for stored results; no longer raised
    VIDEO_MUST_BE_ALONE = "video_must_be_alone"
    VIDEO_TOO_SHORT = "video_too_short"
    INVALID_MEDIA = "invalid_media"
    TOO_MANY_MEDIA = "too_many_media"
    CAROUSEL_TOO_FEW_ITEMS = "carousel_too_few_items"
    GIF_MUST_BE_ALONE = "gif_must_be_alone"
    TOO_MANY_LINKS = "too_many_links"
    TEXT_TOO_LONG = "text_too_long"
    REPLY_NOT_SUPPORTED = "reply_not_supported"
    DUPLICATE_TEXT = "duplicate_text"
    # warnings: it will be sent, but the user should know
    NEAR_DUPLICATE_TEXT = "near_duplicate_text"
    URL_PRICING = "url_pricing"
    INLINE_URL_KEPT = "inline_url_kept"
    LINK_NOT_CLICKABLE = "link_not_clickable"
    MENTIONS_NOT_LINKED = "mentions_not_linked"
    ANIMATION_LOST = "animation_lost"


@dataclass(frozen=True, slots=True)
class Issue:
    code: IssueCode
    message: str
    suggestion: str | None = None
    media_index: int | None = None


class ImageProblem(StrEnum):
    FORMAT = "format"
    FILE_SIZE = "file_size"
    ASPECT_RATIO = "aspect_ratio"


@dataclass(frozen=True, slots=True)
class ImageAction:
    """What the image service must do to one attached image before it is uploaded.

    The JPEG pipeline (icop.images.to_platform_jpeg with `platform`) does all of it in one pass:
    re-encode as JPEG, centre-crop into [min_aspect, max_aspect] (width / height), and fit under
    max_bytes. `problems` says which of those are actually needed, for the user's benefit."""

    media_index: int
    platform: Platform
    problems: tuple[ImageProblem, ...]
    target_format: str
    max_bytes: int
    min_aspect: float | None
    max_aspect: float | None
    detail: str


@dataclass(frozen=True, slots=True)
class VideoAction:
    """What the video pipeline (icop.platforms.video.prepare_for) must do to one attached video
    before it is uploaded: re-encode, reframe, rescale, resample, trim or shrink, in one pass.
    `problems` are the rule codes broken (icop.platforms.video_specs.VideoProblem.code)."""

    media_index: int
    platform: Platform
    problems: tuple[str, ...]
    detail: str


@dataclass(frozen=True, slots=True)
class PreparedPost:
    """One post exactly as it should be sent.

    `length` is measured the platform's way (for X, the weighted upper bound). `media` are
    indexes into DraftPost.media. `link_url` is set only where the platform takes the link as a
    separate field (Facebook's link preview); `topic_tag` only for Threads. In a thread, the
    first post answers `reply_to` (if any) and every later post answers the one before it."""

    text: str
    length: int
    media: tuple[int, ...] = ()
    link_url: str | None = None
    topic_tag: str | None = None
    reply_to: str | None = None
    reply_to_previous: bool = False


@dataclass(frozen=True, slots=True)
class ValidationResult:
    platform: Platform
    posts: tuple[PreparedPost, ...]
    changes: tuple[Change, ...] = ()
    warnings: tuple[Issue, ...] = ()
    errors: tuple[Issue, ...] = ()
    image_actions: tuple[ImageAction, ...] = ()
    video_actions: tuple[VideoAction, ...] = ()
    # X bills per post (pay-per-use); None for platforms that do not charge per post.
    estimated_cost_usd: Decimal | None = None
    dropped_hashtags: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when the posts can be sent (after the image and video actions are applied)."""
        return not self.errors
