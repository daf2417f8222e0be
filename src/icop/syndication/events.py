"""Post events to the transactional outbox: written in the transaction that changes the post's
status, so an event goes out if and only if the change committed."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from icop.models import Post
from icop.outbox import service as outbox

PUBLISHED = "post.published"
FAILED = "post.failed"
UNCONFIRMED = "post.unconfirmed"


def _payload(post: Post, **extra: Any) -> dict[str, Any]:
    return {
        "post_id": str(post.id),
        "tenant_id": str(post.tenant_id),
        "account_id": str(post.social_account_id),
        "article_id": str(post.article_id) if post.article_id else None,
        "platform": post.platform,
        **extra,
    }


async def published(session: AsyncSession, post: Post) -> None:
    await outbox.emit(
        session,
        tenant_id=post.tenant_id,
        topic=PUBLISHED,
        payload=_payload(
            post,
            platform_post_ids=list(post.platform_post_ids),
            permalink=post.permalink,
            published_at=post.published_at.isoformat() if post.published_at else None,
        ),
    )


async def failed(session: AsyncSession, post: Post, reason: str) -> None:
    await outbox.emit(
        session, tenant_id=post.tenant_id, topic=FAILED, payload=_payload(post, reason=reason)
    )


async def unconfirmed(session: AsyncSession, post: Post, reason: str) -> None:
    await outbox.emit(
        session,
        tenant_id=post.tenant_id,
        topic=UNCONFIRMED,
        payload=_payload(post, reason=reason),
    )
