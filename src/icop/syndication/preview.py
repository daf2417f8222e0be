"""A post checked without saving anything: the composer shows the validator's findings, the
fixed text and each platform's own count while the author types (``POST /posts/validate``).
The same pure validator runs at scheduling, so a draft that previews clean schedules clean
(unless the account posts the same text in between)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from icop.errors import ValidationFailed
from icop.platforms.validation import (
    PLATFORM_RULES,
    DraftPost,
    Issue,
    MediaItem,
    ValidationOptions,
    validate,
)
from icop.platforms.validation.lengths import LengthRule, measure_for
from icop.syndication.repository import AccountRepository, PostRepository
from icop.syndication.schemas import (
    ChangeOut,
    ImageActionOut,
    IssueOut,
    PostPreview,
    PostValidateRequest,
    PreparedPostOut,
    VideoActionOut,
)
from icop.syndication.service import DUPLICATE_LOOKBACK

UNITS = {
    LengthRule.X_WEIGHTED: "weighted characters (URLs 23, emoji 2)",
    LengthRule.THREADS: "characters (emoji count as their UTF-8 bytes)",
    LengthRule.UTF16: "characters (UTF-16 code units)",
}


def _issue(issue: Issue) -> IssueOut:
    return IssueOut(
        code=issue.code.value,
        message=issue.message,
        suggestion=issue.suggestion,
        media_index=issue.media_index,
    )


async def _recent_texts(session: AsyncSession, body: PostValidateRequest) -> tuple[str, ...]:
    if body.account_id is None:
        return ()
    account = await AccountRepository(session).must_get(
        body.account_id, detail=f"social account {body.account_id} not found"
    )
    if account.platform != body.platform.value:
        raise ValidationFailed(
            f"the account is a {account.platform} account, not {body.platform.value}"
        )
    since = datetime.now(UTC) - DUPLICATE_LOOKBACK
    return tuple(await PostRepository(session).recent_texts(account.id, since))


async def preview(session: AsyncSession, body: PostValidateRequest) -> PostPreview:
    rules = PLATFORM_RULES[body.platform]
    media = tuple(
        MediaItem(
            m.format,
            m.width,
            m.height,
            m.size_bytes,
            kind=m.kind,
            animated=m.animated,
            duration_s=m.duration_s,
            fps=m.fps,
            video_codec=m.video_codec,
            audio_codec=m.audio_codec,
        )
        for m in body.media
    )
    result = validate(
        DraftPost(
            text=body.text,
            hashtags=tuple(body.hashtags),
            mentions=tuple(body.mentions),
            link_url=body.link_url,
            media=media,
            carousel=len(media) > 1,
        ),
        body.platform,
        ValidationOptions(
            allow_thread=body.allow_thread,
            url_as_reply=body.url_as_reply,
            recent_texts=await _recent_texts(session, body),
            duplicate_variation=body.duplicate_variation,
        ),
    )
    return PostPreview(
        platform=body.platform,
        ok=result.ok,
        limit=rules.text_limit,
        unit=UNITS[rules.length_rule],
        length=measure_for(rules.length_rule)(body.text),
        fixed_text=result.posts[0].text if result.posts else "",
        posts=[
            PreparedPostOut(
                text=post.text,
                length=post.length,
                media=list(post.media),
                link_url=post.link_url,
                topic_tag=post.topic_tag,
                reply_to_previous=post.reply_to_previous,
            )
            for post in result.posts
        ],
        changes=[ChangeOut(code=c.code.value, message=c.message) for c in result.changes],
        warnings=[_issue(w) for w in result.warnings],
        errors=[_issue(e) for e in result.errors],
        image_actions=[
            ImageActionOut(
                media_index=a.media_index,
                problems=[p.value for p in a.problems],
                target_format=a.target_format,
                max_bytes=a.max_bytes,
                min_aspect=a.min_aspect,
                max_aspect=a.max_aspect,
                detail=a.detail,
            )
            for a in result.image_actions
        ],
        video_actions=[
            VideoActionOut(media_index=a.media_index, problems=list(a.problems), detail=a.detail)
            for a in result.video_actions
        ],
        estimated_cost_usd=result.estimated_cost_usd,
        dropped_hashtags=list(result.dropped_hashtags),
    )
