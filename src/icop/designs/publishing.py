"""Publishing a design: its head rendered as the platform JPEG becomes the picture the article
and its posts not yet sent carry (ADR 0027: every image is a design, the JPEG is rendered from
it, publishing is explicit).

Editing never touches what is published: until someone publishes, the article and its posts
keep the old picture. Publishing stores the JPEG (content-addressed: publishing the same head
twice stores one object) and hands the old and new objects to the listeners the composition
root wires (``Runtime.design_published_listeners``): the article's images, the posts not sent
yet. They live in the layers that own those rows; this module knows neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.designs import service
from icop.designs.repository import DesignRepository
from icop.designs.service import StoredDesign
from icop.designs.sources import jpeg
from icop.images.repository import ImageRepository
from icop.storage.base import ObjectStore


@dataclass(frozen=True)
class PublishedDesign:
    """What a listener needs: which objects the new one replaces, and the new one."""

    tenant_id: UUID
    design_id: UUID
    article_id: UUID | None
    old_keys: frozenset[str]
    key: str
    url: str
    width: int
    height: int
    size_bytes: int


class DesignPublishedListener(Protocol):
    async def __call__(self, session: AsyncSession, published: PublishedDesign) -> None: ...


async def publish(
    session: AsyncSession,
    store: ObjectStore,
    principal: Principal,
    design_id: UUID,
    listeners: Sequence[DesignPublishedListener],
) -> StoredDesign:
    stored = await service.load(session, design_id)
    record = stored.record
    result = await jpeg(stored.history.current.design, store, principal.tenant_id, None)
    saved = await store.put(principal.tenant_id, result.data, "image/jpeg")
    old_keys = {record.published_key} if record.published_key else set()
    if record.image_id is not None:
        image = await ImageRepository(session).get(record.image_id)
        if image is not None and image.storage_key:
            old_keys.add(image.storage_key)
    old_keys.discard(saved.key)
    published = PublishedDesign(
        tenant_id=principal.tenant_id,
        design_id=record.id,
        article_id=record.article_id,
        old_keys=frozenset(old_keys),
        key=saved.key,
        url=saved.url,
        width=result.width,
        height=result.height,
        size_bytes=saved.size,
    )
    repository = DesignRepository(session)
    await repository.mark_published(
        record.id,
        published_version=stored.history.head,
        published_key=saved.key,
        published_url=saved.url,
    )
    for listener in listeners:
        await listener(session, published)
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="design.published",
        target_type="design",
        target_id=record.id,
        details={"version": stored.history.head, "key": saved.key},
    )
    fresh = await repository.must_get(record.id)
    await session.refresh(fresh)
    return StoredDesign(fresh, stored.history)
