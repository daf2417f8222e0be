"""Social copy that fits: the copywriter's draft through the platform's own validator
(icop.platforms.validation), the same stage that runs right before publishing, so the copy an
article carries is the copy that can be sent."""

from __future__ import annotations

from collections.abc import Sequence

from icop.agents.schemas import ImageAsset, SocialCopyDraft, SocialPost
from icop.platforms.validation import (
    PLATFORM_RULES,
    DraftPost,
    MediaItem,
    Platform,
    ValidationOptions,
    validate,
)

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


def fit_post(
    draft: SocialCopyDraft,
    platform: Platform,
    *,
    url: str | None,
    images: Sequence[ImageAsset],
    provider: str | None = None,
    model: str | None = None,
) -> SocialPost:
    rules = PLATFORM_RULES[platform]
    result = validate(
        DraftPost(
            text=draft.text,
            hashtags=tuple(draft.hashtags),
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
        hashtags=[tag for tag in draft.hashtags if tag not in result.dropped_hashtags],
        length=post.length if post else 0,
        limit=rules.text_limit,
        ok=result.ok and post is not None,
        link_url=post.link_url if post else None,
        changes=[change.message[:300] for change in result.changes][:20],
        problems=problems[:20],
        provider=provider,
        model=model,
    )
