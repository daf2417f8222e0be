"""Validation and auto-fix for social posts (issue #7, item 3): the last stage before anything is
sent to Facebook Pages, Instagram, Threads or X.

    result = validate(DraftPost(text=..., hashtags=(...), media=(...)), Platform.X)
    if result.ok:
        ...apply result.image_actions, then publish result.posts in order...

Pure: no I/O, no database, no clock, deterministic. The limits it enforces are in rules.py, each
with its source.
"""

from icop.platforms.validation.model import (
    Change,
    ChangeCode,
    DraftPost,
    ImageAction,
    ImageProblem,
    Issue,
    IssueCode,
    MediaItem,
    MediaKind,
    Platform,
    PreparedPost,
    ValidationOptions,
    ValidationResult,
    VideoAction,
)
from icop.platforms.validation.rules import PLATFORM_RULES, PlatformRules
from icop.platforms.validation.twitter_text import weighted_length
from icop.platforms.validation.validator import validate

__all__ = [
    "PLATFORM_RULES",
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
    "PlatformRules",
    "PreparedPost",
    "ValidationOptions",
    "ValidationResult",
    "VideoAction",
    "validate",
    "weighted_length",
]
