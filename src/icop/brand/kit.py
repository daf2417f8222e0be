"""The tenant's brand kit: the colours, name and font the image renderer paints cards with.

One kit per tenant, or none, in which case the renderer's default applies (and reads report
``is_default``). Image jobs and article graphs read the kit once (``spec_for``) and hand the
renderer a ``BrandSpec``, which the rendering machine resolves to a ``BrandKit``.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.brand.fonts import CATALOG, BrandFont, font_installed
from icop.brand.palette import DEFAULT_SPEC, BrandSpec, contrast_ratio, hex_to_rgb
from icop.brand.repository import BrandKitRepository
from icop.brand.schemas import BrandFontOut, BrandKitOut, BrandKitUpdate
from icop.models import TenantBrandKit


def _spec(kit: TenantBrandKit) -> BrandSpec:
    return BrandSpec(
        name=kit.name, background=kit.background, accent=kit.accent, text=kit.text, font=kit.font
    )


async def spec_for(session: AsyncSession, tenant_id: UUID) -> BrandSpec:
    """What the renderer should use for the tenant: its kit, or the default."""
    kit = await BrandKitRepository(session).get(tenant_id)
    return DEFAULT_SPEC if kit is None else _spec(kit)


async def get(session: AsyncSession, tenant_id: UUID) -> BrandKitOut:
    kit = await BrandKitRepository(session).get(tenant_id)
    return to_out(kit)


async def put(session: AsyncSession, principal: Principal, body: BrandKitUpdate) -> BrandKitOut:
    spec = BrandSpec(
        name=body.name,
        background=body.background,
        accent=body.accent,
        text=body.text,
        font=body.font.value if body.font else None,
    )
    kit = await BrandKitRepository(session).put(principal.tenant_id, spec, principal.user_id)
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="brand.kit_updated",
        target_type="brand_kit",
        details={
            "name": spec.name,
            "background": spec.background,
            "accent": spec.accent,
            "text": spec.text,
            "font": spec.font,
        },
    )
    return to_out(kit)


async def delete(session: AsyncSession, principal: Principal) -> None:
    """Back to the default kit; deleting when there is none is not an error (idempotent)."""
    if await BrandKitRepository(session).delete(principal.tenant_id):
        await audit.record(
            session,
            tenant_id=principal.tenant_id,
            actor=principal,
            action="brand.kit_reset",
            target_type="brand_kit",
        )


async def ensure(session: AsyncSession, tenant_id: UUID, spec: BrandSpec) -> bool:
    """Give the tenant this kit unless it has one (the demo's setup): a kit its users chose
    is never overwritten. Whether it was created."""
    return await BrandKitRepository(session).add_if_absent(tenant_id, spec, None)


def to_out(kit: TenantBrandKit | None) -> BrandKitOut:
    spec = DEFAULT_SPEC if kit is None else _spec(kit)
    background = hex_to_rgb(spec.background)
    return BrandKitOut(
        name=spec.name,
        background=spec.background,
        accent=spec.accent,
        text=spec.text,
        font=_font(spec.font),
        is_default=kit is None,
        text_contrast=round(contrast_ratio(hex_to_rgb(spec.text), background), 2),
        accent_contrast=round(contrast_ratio(hex_to_rgb(spec.accent), background), 2),
        updated_at=kit.updated_at if kit else None,
        updated_by=kit.updated_by if kit else None,
    )


def _font(name: str | None) -> BrandFont | None:
    # A name a later version dropped from the catalog reads as the default, not a 500.
    try:
        return BrandFont(name) if name else None
    except ValueError:
        return None


def fonts() -> list[BrandFontOut]:
    return [
        BrandFontOut(name=font, label=family.label, installed=font_installed(font))
        for font, family in CATALOG.items()
    ]
