"""Social copy that fits: the copywriter's draft through the platform's own validator
(icop.platforms.validation), the same stage that runs right before publishing, so the copy an
article carries is the copy that can be sent."""

from __future__ import annotations

import re
from collections.abc import Sequence

from icop.agents.gate.support import terms
from icop.agents.schemas import ImageAsset, SocialCopyDraft, SocialPost
from icop.platforms.validation import (
    PLATFORM_RULES,
    DraftPost,
    MediaItem,
    Platform,
    ValidationOptions,
    validate,
)

_HASHTAG = re.compile(r"#\w+")
# One post per platform here: threads are a publishing-time choice the user makes.
_OPTIONS = ValidationOptions(allow_thread=False)


def media_of(images: Sequence[ImageAsset]) -> tuple[MediaItem, ...]:
    return tuple(
        MediaItem(
            format=image.format,
            width=image.width,
            height=image.height,
            size_bytes=image.size_bytes,
            ref=image.url,
        )
        for image in images
    )


DEFAULT_MAX_HASHTAGS = 3
"""Where a platform sets no number (X, Facebook), more than three tags read as spam and, on X,
eat the characters the post needs."""


def readable_text(text: str, title: str, summary: str) -> tuple[str, list[str]]:
    """The post's text, or the article's summary when the text says nothing beyond the title
    (a small model answers with the title and a row of hashtags)."""
    words = terms(_HASHTAG.sub(" ", text))
    if words and not words <= terms(title):
        return text, []
    return _of_article(title, summary), [
        "The post said nothing beyond the title; the article's summary is used."
    ]


def _of_article(title: str, summary: str) -> str:
    return f"{title}: {summary}" if summary else title


def from_article(title: str, summary: str, hashtags: Sequence[str]) -> SocialCopyDraft:
    """A post written by code from the article's title and summary: what goes out when the
    copywriter model could not answer (a small model's JSON that loops until it is cut off)."""
    return SocialCopyDraft(text=_of_article(title, summary), hashtags=list(hashtags))


def fit_post(
    draft: SocialCopyDraft,
    platform: Platform,
    *,
    url: str | None,
    images: Sequence[ImageAsset],
    title: str = "",
    summary: str = "",
    provider: str | None = None,
    model: str | None = None,
    notes: Sequence[str] = (),
) -> SocialPost:
    rules = PLATFORM_RULES[platform]
    text, readable = readable_text(draft.text, title, summary)
    notes = [*notes, *readable]
    tags = list(draft.hashtags)[: rules.max_hashtags or DEFAULT_MAX_HASHTAGS]
    result = validate(
        DraftPost(
            text=text,
            hashtags=tuple(tags),
            link_url=url,
            media=media_of(images),
            carousel=len(images) > 1,
        ),
        platform,
        _OPTIONS,
    )
    problems = [f"{issue.code.value}: {issue.message}"[:300] for issue in result.errors]
    problems += [f"{issue.code.value}: {issue.message}"[:300] for issue in result.warnings]
    post = result.posts[0] if result.posts else None
    return SocialPost(
        platform=platform,
        text=post.text if post else "",
        hashtags=[tag for tag in tags if tag not in result.dropped_hashtags],
        length=post.length if post else 0,
        limit=rules.text_limit,
        ok=result.ok and post is not None,
        link_url=post.link_url if post else None,
        changes=[*notes, *(change.message[:300] for change in result.changes)][:20],
        problems=problems[:20],
        provider=provider,
        model=model,
    )
