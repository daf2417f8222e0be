"""Posts not sent yet follow a published design (a ``DesignPublishedListener``).

A post scheduled with the picture a design replaces carries the new JPEG from then on. A post
that is out, being sent, or a thread with a part already out is never changed: what was sent
stays what the record says was sent.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from icop.designs.publishing import PublishedDesign
from icop.models import PostMedia, PostPart
from icop.storage.keys import key_in_url, sha256_of
from icop.syndication.repository import PostRepository


async def replace_in_unsent_posts(session: AsyncSession, published: PublishedDesign) -> None:
    if not published.old_keys:
        return
    posts = PostRepository(session)
    shas = sorted(sha256_of(key) for key in published.old_keys)
    for post in await posts.unsent_carrying(shas):
        if any(post.platform_post_ids):
            continue
        parts = [_part(part, published) for part in post.parts]
        if parts != post.parts:
            await posts.update(post.id, parts=parts)


def _part(part: PostPart, published: PublishedDesign) -> PostPart:
    media = [
        PostMedia(url=published.url, alt=item.alt)
        if key_in_url(item.url, published.tenant_id) in published.old_keys
        else item
        for item in part.media
    ]
    return part.model_copy(update={"media": media})
