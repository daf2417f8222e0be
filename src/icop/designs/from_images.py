"""An image as a design: the local renderer's card as its objects (title, brand colours,
decoration, logo), a provider's picture as an image layer. At most one design per image (a
unique key in the database), so a retried article step or a second click finds the design
instead of making another.

The card is rebuilt from what the image job stored (title, seed, preset) and the tenant's brand
kit now; the design's first version therefore draws the card as the renderer would today.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from icop.auth.principal import Principal
from icop.brand import kit as brand_kits
from icop.designs import service
from icop.designs.cards import card_design, card_seed, image_design
from icop.designs.document import Design
from icop.designs.repository import DesignRepository
from icop.designs.service import StoredDesign
from icop.errors import Conflict
from icop.images.branding import load_brand_kit
from icop.images.generation import LOCAL
from icop.images.presets import Preset
from icop.images.repository import ImageRepository
from icop.models.design import DesignRecord
from icop.models.image import Image, ImageStatus
from icop.storage.base import ObjectStore


class ImageNotReady(Conflict):
    code = "image_not_ready"
    title = "The image is not ready yet"


async def design_for_image(
    session: AsyncSession,
    store: ObjectStore,
    tenant_id: UUID,
    image_id: UUID,
    *,
    actor: Principal | None,
    article_id: UUID | None = None,
) -> tuple[StoredDesign, bool]:
    """The image's design and whether this call made it."""
    repository = DesignRepository(session)
    existing = await repository.for_image(image_id)
    if existing is not None:
        return await service.load(session, existing.id), False
    image = await ImageRepository(session).must_get(image_id)
    if image.status != ImageStatus.READY or not image.storage_key:
        raise ImageNotReady(f"image {image_id} is {image.status}: it becomes a design once ready")
    design = await _document(session, store, tenant_id, image)
    preset = Preset(image.preset)
    record = await repository.add_for_image(
        DesignRecord(
            tenant_id=tenant_id,
            image_id=image.id,
            article_id=article_id,
            preset=preset.value,
            width=design.width,
            height=design.height,
            head=1,
            undone=[],
            created_by=actor.user_id if actor else None,
        )
    )
    if record is None:  # made meanwhile by a concurrent call: that one is the design
        made = await repository.for_image(image_id)
        assert made is not None  # the conflict was on this image's design
        return await service.load(session, made.id), False
    return await service.start(session, record, design, actor=actor), True


async def _document(
    session: AsyncSession, store: ObjectStore, tenant_id: UUID, image: Image
) -> Design:
    assert image.storage_key is not None  # checked by the caller
    preset = Preset(image.preset).card
    if image.provider == LOCAL:
        spec = await brand_kits.spec_for(session, tenant_id)
        return card_design(
            preset=preset,
            # As the local renderer drew it (icop.images.providers.local).
            title=image.title or image.prompt,
            subtitle=None,
            brand=await load_brand_kit(spec, store),
            seed=card_seed(str(image.seed)),
            logo_src=spec.logo_key,
        )
    return image_design(
        src=image.storage_key,
        width=image.width or preset.size[0],
        height=image.height or preset.size[1],
        preset=preset,
        title=image.title,
    )
