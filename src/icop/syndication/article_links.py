"""Social posts that link to their article's page on the tenant's public blog (ADR 0025).

Per platform the workspace chooses whether posts carry the link: on X a post with a URL costs
far more under the pay-per-use API (PRODUCT.md §4), and an Instagram caption does not make a
link clickable, so both default to no; Facebook (the ``link`` field's preview card) and
Threads (the first URL becomes the preview) default to yes.

A post keeps the link it will send in its parts, validated as when it was scheduled: when an
article is published, unpublished or its blog's address changes, or the choice changes, every
post of it not sent yet is validated again with the new link (or none) and its parts replaced.
Posts whose author gave a link of their own, and posts with a part already sent, keep theirs.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from icop.articles import publishing
from icop.articles.repository import ArticleRepository
from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.config import Settings
from icop.models import GeneratedArticle, Post
from icop.platforms.validation import PLATFORM_RULES, Platform, ValidationOptions, validate
from icop.syndication import drafts
from icop.syndication.article_links_repository import ArticleLinkRepository
from icop.syndication.article_links_schemas import PlatformLinkOut, PostLinksOut, PostLinksUpdate
from icop.syndication.repository import PostRepository

DEFAULTS: Final[dict[Platform, bool]] = {
    Platform.X: False,  # a post with a URL costs much more (PRODUCT.md §4, X-PRICE)
    Platform.INSTAGRAM: False,  # captions do not make links clickable
    Platform.THREADS: True,
    Platform.FACEBOOK: True,
}
DUPLICATE_LOOKBACK = timedelta(days=7)
NOT_APPLIED = "article_link_not_applied"


async def choices(session: AsyncSession, tenant_id: UUID) -> dict[Platform, bool]:
    stored = await ArticleLinkRepository(session).choices(tenant_id)
    return {
        platform: value if isinstance(value := stored.get(platform.value), bool) else default
        for platform, default in DEFAULTS.items()
    }


async def link_for(
    session: AsyncSession, settings: Settings, article: GeneratedArticle, platform: Platform
) -> str | None:
    """The public page a new post of ``article`` on ``platform`` links to, if any."""
    if not (await choices(session, article.tenant_id))[platform]:
        return None
    return await publishing.public_url(session, settings, article.id)


def _view(chosen: dict[Platform, bool]) -> PostLinksOut:
    return PostLinksOut(
        platforms=[
            PlatformLinkOut(
                platform=platform,
                link_to_article=chosen[platform],
                default=DEFAULTS[platform],
                link_clickable=PLATFORM_RULES[platform].link_clickable,
                price_per_post_usd=PLATFORM_RULES[platform].price_per_post_usd,
                price_per_post_with_url_usd=PLATFORM_RULES[platform].price_per_post_with_url_usd,
            )
            for platform in DEFAULTS
        ]
    )


async def current(session: AsyncSession, principal: Principal) -> PostLinksOut:
    return _view(await choices(session, principal.tenant_id))


async def update(
    session: AsyncSession, settings: Settings, principal: Principal, body: PostLinksUpdate
) -> PostLinksOut:
    chosen = {**await choices(session, principal.tenant_id), **body.links}
    await ArticleLinkRepository(session).save_choices(
        principal.tenant_id, {platform.value: value for platform, value in chosen.items()}
    )
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="post_links.updated",
        target_type="tenant",
        target_id=principal.tenant_id,
        details={platform.value: value for platform, value in body.links.items()},
    )
    await relink(session, settings, principal.tenant_id, None)
    return _view(chosen)


async def relink(
    session: AsyncSession, settings: Settings, tenant_id: UUID, article_id: UUID | None
) -> None:
    """Bring the posts not sent yet of ``article_id`` (None: of every article) in line with
    its public page and the workspace's choice (a ``PublicLinkListener``)."""
    posts = await ArticleLinkRepository(session).unsent_article_posts(article_id)
    if not posts:
        return
    chosen = await choices(session, tenant_id)
    pages: dict[UUID, str | None] = {}
    for post in posts:
        if post.article_id is None or any(post.platform_post_ids):
            continue  # a thread with a part already out keeps the link it started with
        if post.article_id not in pages:
            pages[post.article_id] = await publishing.public_url(session, settings, post.article_id)
        platform = Platform(post.platform)
        wanted = pages[post.article_id] if chosen[platform] else None
        if wanted != post.article_link:
            await _relink_post(session, post, platform, wanted)


async def _relink_post(
    session: AsyncSession, post: Post, platform: Platform, link: str | None
) -> None:
    article = await ArticleRepository(session).get(post.article_id) if post.article_id else None
    if article is None:
        return
    draft, media = drafts.article_draft(
        article, platform, link or drafts.copy_link(article, platform)
    )
    if draft is None:
        return
    posts = PostRepository(session)
    since = datetime.now(UTC) - DUPLICATE_LOOKBACK
    recent = await posts.recent_texts(post.social_account_id, since)
    result = validate(draft, platform, ValidationOptions(recent_texts=tuple(recent)))
    if result.errors or not result.posts:
        # The post stays as it was scheduled; the person sees why the link is missing.
        if not any(w.get("code") == NOT_APPLIED for w in post.warnings):
            reason = "; ".join(error.message for error in result.errors) or "no post left"
            await posts.update(
                post.id,
                warnings=[
                    *post.warnings,
                    {
                        "code": NOT_APPLIED,
                        "message": f"The article's link could not be added: {reason}",
                        "suggestion": None,
                    },
                ],
            )
        return
    parts = drafts.parts(result, media)
    await posts.update(
        post.id,
        parts=parts,
        changes=drafts.changes(result),
        warnings=drafts.warnings(result),
        article_link=link,
        platform_post_ids=[None] * len(parts),
    )
