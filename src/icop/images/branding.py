"""A brand kit as the renderer needs it, on the machine that renders: the tenant's colours and
the installed file of its font family (``icop.brand`` stores and validates the kit)."""

from __future__ import annotations

from icop.brand.fonts import resolve_font
from icop.brand.palette import BrandSpec, hex_to_rgb
from icop.images.render import DEFAULT_BRAND, BrandKit


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
