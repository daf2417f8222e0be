"""A brand kit's sample card, rendered before the kit is saved: the brand page shows what the
local renderer will make of the colours and font being tried. It reads and writes nothing, so
it is the same for every tenant; the renderer is CPU-bound, so it runs in a thread."""

from __future__ import annotations

import asyncio

from icop.brand.palette import BrandSpec
from icop.images.branding import brand_kit
from icop.images.presets import Preset
from icop.images.render import render_card
from icop.images.schemas import CardPreviewRequest


async def card_preview(body: CardPreviewRequest) -> bytes:
    kit = brand_kit(
        BrandSpec(
            name=body.name,
            background=body.background,
            accent=body.accent,
            text=body.text,
            font=body.font.value if body.font else None,
        )
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
