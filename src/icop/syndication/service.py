"""Posts: schedule (validate, count against the plan, start one workflow per post), read the
calendar and a post with every attempt, and steer it (cancel, reschedule, publish now, retry).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from icop.articles.repository import ArticleRepository
from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.config import Settings
from icop.db.keyset import Cursor
from icop.errors import Conflict, ServiceUnavailable, ValidationFailed
from icop.models import (
    AccountStatus,
    AttemptOutcome,
    GeneratedArticle,
    Post,
    PostMedia,
    PostPart,
    PostStatus,
    SocialAccount,
)
from icop.platforms.validation import (
    DraftPost,
    MediaItem,
    Platform,
    ValidationOptions,
    ValidationResult,
    validate,
)
from icop.quotas import service as quotas
from icop.quotas.plans import Metric
from icop.syndication import article_links, drafts
from icop.syndication.exceptions import PostStateConflict
from icop.syndication.repository import AccountRepository, LedgerRepository, PostRepository
from icop.syndication.runtime import SyndicationRuntime
from icop.syndication.scheduler import PostScheduler
from icop.syndication.schemas import AttemptOut, PostCreate, PostOut
from icop.syndication.workflows import workflow_id

DUPLICATE_LOOKBACK = timedelta(days=7)


def _draft(
    body: PostCreate,
    article: GeneratedArticle | None,
    platform: Platform,
    article_link: str | None,
) -> tuple[DraftPost | None, list[PostMedia]]:
    """The draft for one platform, and each of its media items as a post part keeps it. An
    article's post links to the link its author gave, else to the article's public page
    (``article_link``, where the tenant links on this platform), else to the copy's own; media
    given with an article (its video, say) replace the article's images."""
    items = tuple(
        MediaItem(
            m.format,
            m.width,
            m.height,
            m.size_bytes,
            kind=m.kind,
            ref=m.url,
            duration_s=m.duration_s,
        )
        for m in body.media
    )
    given = [
        PostMedia(url=m.url, alt=m.alt, kind=m.kind.value, cover_url=m.cover_url)
        for m in body.media
    ]
    if article is None:
        draft = DraftPost(
            text=body.text or "",
            hashtags=tuple(body.hashtags),
            link_url=body.link_url,
            media=items,
            carousel=len(items) > 1,
        )
        return draft, given
    link = body.link_url or article_link or drafts.copy_link(article, platform)
    copy, media = drafts.article_draft(article, platform, link)
    if copy is None or not body.media:
        return copy, media
    return replace(copy, media=items, carousel=len(items) > 1), given


def _issue(account: SocialAccount, code: str, message: str, suggestion: str | None = None) -> Any:
    return {
        "account_id": str(account.id),
        "platform": account.platform,
        "code": code,
        "message": message,
        "suggestion": suggestion,
    }


async def create(
    session: AsyncSession,
    settings: Settings,
    scheduler: PostScheduler,
    principal: Principal,
    body: PostCreate,
) -> list[PostOut]:
    accounts_repo, posts_repo = AccountRepository(session), PostRepository(session)
    article: GeneratedArticle | None = None
    if body.article_id is not None:
        article = await ArticleRepository(session).must_get(body.article_id)
    now = datetime.now(UTC)
    scheduled_at = max(body.scheduled_at or now, now)
    planned: list[tuple[SocialAccount, ValidationResult, list[PostPart], str | None]] = []
    issues: list[Any] = []
    for account_id in dict.fromkeys(body.account_ids):
        account = await accounts_repo.must_get(
            account_id, detail=f"social account {account_id} not found"
        )
        if account.status != AccountStatus.CONNECTED:
            raise Conflict(f"the {account.platform} account {account.name!r} is {account.status}")
        platform = Platform(account.platform)
        article_link = (
            await article_links.link_for(session, settings, article, platform)
            if article is not None and body.link_url is None
            else None
        )
        draft, media = _draft(body, article, platform, article_link)
        if draft is None:
            issues.append(
                _issue(account, "no_social_copy", f"the article has no {platform.value} copy")
            )
            continue
        recent = await posts_repo.recent_texts(account.id, now - DUPLICATE_LOOKBACK)
        result = validate(
            draft,
            platform,
            ValidationOptions(
                allow_thread=body.allow_thread,
                url_as_reply=body.url_as_reply,
                recent_texts=tuple(recent),
                duplicate_variation=body.duplicate_variation,
            ),
        )
        issues += [_issue(account, e.code.value, e.message, e.suggestion) for e in result.errors]
        planned.append((account, result, drafts.parts(result, media), article_link))
    if issues:
        raise ValidationFailed("the post cannot be sent as it is", issues=issues)

    await quotas.consume(session, principal.tenant_id, Metric.POSTS, len(planned))
    created: list[Post] = []
    for account, result, parts, article_link in planned:
        post_id = uuid4()
        created.append(
            await posts_repo.add(
                Post(
                    tenant_id=principal.tenant_id,
                    id=post_id,
                    social_account_id=account.id,
                    article_id=article.id if article else None,
                    platform=account.platform,
                    parts=parts,
                    changes=drafts.changes(result),
                    warnings=drafts.warnings(result),
                    article_link=article_link,
                    own_link=body.link_url is not None,
                    scheduled_at=scheduled_at,
                    status=PostStatus.SCHEDULED,
                    platform_post_ids=[None] * len(parts),
                    workflow_id=workflow_id(str(post_id)),
                    created_by=principal.user_id,
                )
            )
        )
        await audit.record(
            session,
            tenant_id=principal.tenant_id,
            actor=principal,
            action="post.scheduled",
            target_type="post",
            target_id=post_id,
            details={"platform": account.platform, "scheduled_at": scheduled_at.isoformat()},
        )
    for post in created:
        await scheduler.start(session, principal.tenant_id, post.id, scheduled_at)
    for post in created:
        await session.refresh(post)
    return [PostOut.model_validate(post) for post in created]


async def _post(session: AsyncSession, post_id: UUID, *, lock: bool = False) -> Post:
    return await PostRepository(session).must_get(post_id, lock=lock)


async def get(session: AsyncSession, post_id: UUID) -> PostOut:
    post = await _post(session, post_id)
    await session.refresh(post)  # steering updates the row behind the identity map
    out = PostOut.model_validate(post)
    attempts = await PostRepository(session).attempts(post_id)
    out.attempts = [AttemptOut.model_validate(a) for a in attempts]
    return out


async def calendar(
    session: AsyncSession,
    *,
    start: datetime | None,
    end: datetime | None,
    status: PostStatus | None,
    account_id: UUID | None,
    limit: int,
    offset: int,
    after: Cursor | None = None,
) -> Sequence[Post]:
    return await PostRepository(session).calendar(
        start=start,
        end=end,
        status=status,
        account_id=account_id,
        limit=limit,
        offset=offset,
        after=after,
    )


def _steerable(post: Post, action: str) -> None:
    if not post.status.steerable:
        raise PostStateConflict(f"the post is {post.status}; only a post not yet sent can {action}")


async def cancel(
    session: AsyncSession, scheduler: PostScheduler, principal: Principal, post_id: UUID
) -> PostOut:
    post = await _post(session, post_id, lock=True)
    _steerable(post, "be cancelled")
    await PostRepository(session).update(post_id, status=PostStatus.CANCELLED, delay_reason=None)
    await quotas.release(session, principal.tenant_id, Metric.POSTS)
    await scheduler.cancel(post_id)
    await _audit(session, principal, "post.cancelled", post_id)
    return await get(session, post_id)


async def reschedule(
    session: AsyncSession,
    scheduler: PostScheduler,
    principal: Principal,
    post_id: UUID,
    scheduled_at: datetime,
) -> PostOut:
    post = await _post(session, post_id, lock=True)
    _steerable(post, "be rescheduled")
    await PostRepository(session).update(post_id, scheduled_at=scheduled_at)
    await scheduler.reschedule(post_id, scheduled_at)
    await _audit(
        session, principal, "post.rescheduled", post_id, {"scheduled_at": scheduled_at.isoformat()}
    )
    return await get(session, post_id)


async def publish_now(
    session: AsyncSession, scheduler: PostScheduler, principal: Principal, post_id: UUID
) -> PostOut:
    post = await _post(session, post_id, lock=True)
    _steerable(post, "be published now")
    await PostRepository(session).update(post_id, scheduled_at=datetime.now(UTC))
    await scheduler.publish_now(post_id)
    await _audit(session, principal, "post.publish_now", post_id)
    return await get(session, post_id)


async def retry(
    session: AsyncSession,
    scheduler: PostScheduler,
    runtime: SyndicationRuntime | None,
    principal: Principal,
    post_id: UUID,
    *,
    force: bool,
) -> PostOut:
    """Failed posts are sent again. Unconfirmed ones only after a fresh look at the platform
    says the post is not there (found: it is recorded, nothing is sent), or with ``force``."""
    post = await _post(session, post_id)
    if post.status not in (PostStatus.FAILED, PostStatus.UNCONFIRMED):
        raise PostStateConflict(
            f"the post is {post.status}; only failed or unconfirmed posts can be retried"
        )
    if post.status == PostStatus.UNCONFIRMED:
        if force:
            await _abandon_open_attempts(session, post_id)
        else:
            if runtime is None:
                raise ServiceUnavailable("no platform clients are configured here")
            await runtime.publisher.recheck(principal.tenant_id, post_id)
    now = datetime.now(UTC)
    await PostRepository(session).update(
        post_id,
        status=PostStatus.SCHEDULED,
        error=None,
        delay_reason=None,
        scheduled_at=now,
        next_attempt_at=None,
    )
    await scheduler.start(session, principal.tenant_id, post_id, now)
    await _audit(session, principal, "post.retried", post_id, {"force": force})
    return await get(session, post_id)


async def _abandon_open_attempts(session: AsyncSession, post_id: UUID) -> None:
    posts, ledger = PostRepository(session), LedgerRepository(session)
    for attempt in await posts.attempts(post_id):
        if attempt.outcome in (None, AttemptOutcome.AMBIGUOUS):
            await posts.update_attempt(
                attempt.id,
                outcome=AttemptOutcome.ABANDONED,
                reconciled_at=datetime.now(UTC),
                error_message=(attempt.error_message or "")
                + " (retried by the user without confirmation)",
            )
            await ledger.release(attempt.id)


async def _audit(
    session: AsyncSession,
    principal: Principal,
    action: str,
    post_id: UUID,
    details: dict[str, Any] | None = None,
) -> None:
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action=action,
        target_type="post",
        target_id=post_id,
        details=details or {},
    )
