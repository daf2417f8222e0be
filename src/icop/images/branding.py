"""A brand kit as the renderer needs it, on the machine that renders: the tenant's colours and
the installed file of its font family (``icop.brand`` stores and validates the kit)."""

from __future__ import annotations

import dataclasses
import logging

from icop.brand.fonts import resolve_font
from icop.brand.palette import BrandSpec, hex_to_rgb
from icop.images.render import DEFAULT_BRAND, BrandKit
from icop.storage.base import ObjectNotFound, ObjectStore

logger = logging.getLogger(__name__)


def brand_kit(spec: BrandSpec | None) -> BrandKit:
    """The renderer's kit for a job's spec; jobs started before kits existed carry none."""
    if spec is None:
        return DEFAULT_BRAND
    return BrandKit(
        name=spec.name,
        background=hex_to_rgb(spec.background),
        accent=hex_to_rgb(spec.accent),
        text=hex_to_rgb(spec.text),
        font_path=resolve_font(spec.font),
    )


async def load_brand_kit(spec: BrandSpec | None, store: ObjectStore) -> BrandKit:
    """``brand_kit`` with the logo's bytes fetched from the object store. A logo removed since
    the job read the kit renders as none; a store that fails raises (the step is retried)."""
    kit = brand_kit(spec)
    if spec is None or spec.logo_key is None:
        return kit
    try:
        logo = await store.get(spec.logo_key)
    except ObjectNotFound:
        logger.warning("the brand logo %s is gone; the card is drawn without it", spec.logo_key)
        return kit
    return dataclasses.replace(kit, logo=logo)
