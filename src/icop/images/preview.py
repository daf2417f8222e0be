"""A brand kit's sample card, rendered before the kit is saved: the brand page shows what the
local renderer will make of the colours and font being tried, with the tenant's saved logo when
asked. It writes nothing; the renderer is CPU-bound, so it runs in a thread."""

from __future__ import annotations

import asyncio
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from icop.brand import kit as brand_kits
from icop.brand.palette import BrandSpec
from icop.images.branding import load_brand_kit
from icop.images.presets import Preset
from icop.images.render import render_card
from icop.images.schemas import CardPreviewRequest
from icop.storage.base import ObjectStore


async def card_preview(
    body: CardPreviewRequest, session: AsyncSession, store: ObjectStore, tenant_id: UUID
) -> bytes:
    logo_key = await brand_kits.logo_key_for(session, tenant_id) if body.logo else None
    kit = await load_brand_kit(
        BrandSpec(
            name=body.name,
            background=body.background,
            accent=body.accent,
            text=body.text,
            font=body.font.value if body.font else None,
            logo_key=logo_key,
        ),
        store,
    )
    result = await asyncio.to_thread(
        render_card,
        body.title,
        subtitle=body.subtitle,
        kicker=body.kicker,
        brand=kit,
        preset=Preset(body.preset).card,
        # The same card for the same request: the decoration is seeded by the title.
        seed=body.title,
    )
    return result.data
