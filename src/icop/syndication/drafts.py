"""An article's social copy as a draft for one platform, and a validation result as the post
parts, changes and warnings a post keeps: shared by scheduling and by the article-link
follower, so a post relinked later reads exactly as one scheduled with that link."""

from __future__ import annotations

from typing import Any

from icop.models import GeneratedArticle, PostMedia, PostPart
from icop.platforms.validation import DraftPost, MediaItem, Platform, ValidationResult


def article_draft(
    article: GeneratedArticle, platform: Platform, link_url: str | None
) -> tuple[DraftPost | None, list[PostMedia]]:
    """The article's copy for ``platform`` with ``link_url`` as its link (None: no copy)."""
    copy = article.social.get(platform.value)
    if copy is None or not copy.text:
        return None, []
    media = tuple(
        MediaItem(image.format, image.width, image.height, image.size_bytes, ref=image.url)
        for image in article.images
    )
    draft = DraftPost(text=copy.text, link_url=link_url, media=media, carousel=len(media) > 1)
    return draft, [PostMedia(url=image.url, alt=image.alt) for image in article.images]


def copy_link(article: GeneratedArticle, platform: Platform) -> str | None:
    """The link the social copywriter was given for the article (a link field), if any."""
    copy = article.social.get(platform.value)
    return copy.link_url if copy is not None else None


def parts(result: ValidationResult, media: list[PostMedia]) -> list[PostPart]:
    return [
        PostPart(
            text=post.text,
            length=post.length,
            media=[media[i] for i in post.media],
            link_url=post.link_url,
            topic_tag=post.topic_tag,
            reply_to=post.reply_to,
            reply_to_previous=post.reply_to_previous,
        )
        for post in result.posts
    ]


def changes(result: ValidationResult) -> list[dict[str, Any]]:
    return [{"code": c.code.value, "message": c.message} for c in result.changes]


def warnings(result: ValidationResult) -> list[dict[str, Any]]:
    return (
        [
            {"code": w.code.value, "message": w.message, "suggestion": w.suggestion}
            for w in result.warnings
        ]
        + [
            {"code": "image_conversion", "message": action.detail, "suggestion": None}
            for action in result.image_actions
        ]
        + [
            {"code": "video_conversion", "message": action.detail, "suggestion": None}
            for action in result.video_actions
        ]
    )
