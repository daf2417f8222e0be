"""The tenant's brand kit: the colours, name and font the image renderer paints cards with.

One kit per tenant, or none, in which case the renderer's default applies (and reads report
``is_default``). Image jobs and article graphs read the kit once (``spec_for``) and hand the
renderer a ``BrandSpec``, which the rendering machine resolves to a ``BrandKit``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.brand import logo as logos
from icop.brand import versions
from icop.brand.fonts import CATALOG, BrandFont, font_installed
from icop.brand.palette import DEFAULT_SPEC, BrandSpec, contrast_ratio, hex_to_rgb
from icop.brand.repository import BrandKitRepository, BrandLogoRepository
from icop.brand.schemas import LOGO_PATH, BrandFontOut, BrandKitOut, BrandKitUpdate, BrandLogoOut
from icop.brand.snapshot import KitSnapshot, snapshot_of
from icop.db.session import after_commit
from icop.errors import NotFound
from icop.models import BrandLogo, KitChangeReason, LogoFormat, TenantBrandKit
from icop.storage.base import ObjectStore

logger = logging.getLogger(__name__)


def _spec(kit: TenantBrandKit) -> BrandSpec:
    return BrandSpec(
        name=kit.name, background=kit.background, accent=kit.accent, text=kit.text, font=kit.font
    )


async def spec_for(session: AsyncSession, tenant_id: UUID) -> BrandSpec:
    """What the renderer should use for the tenant: its kit (or the default) and its logo."""
    kit = await BrandKitRepository(session).get(tenant_id)
    logo = await BrandLogoRepository(session).get(tenant_id)
    spec = DEFAULT_SPEC if kit is None else _spec(kit)
    return dataclasses.replace(spec, logo_key=logo.storage_key) if logo else spec


async def logo_key_for(session: AsyncSession, tenant_id: UUID) -> str | None:
    logo = await BrandLogoRepository(session).get(tenant_id)
    return logo.storage_key if logo else None


async def get(session: AsyncSession, tenant_id: UUID) -> BrandKitOut:
    kit = await BrandKitRepository(session).get(tenant_id)
    return to_out(kit, await BrandLogoRepository(session).get(tenant_id))


async def put(session: AsyncSession, principal: Principal, body: BrandKitUpdate) -> BrandKitOut:
    """Replace the kit's colours, name and font as a new version (reason ``edited``); the
    learned palette and tone stay as they were."""
    current = snapshot_of(await BrandKitRepository(session).get(principal.tenant_id))
    snapshot = current.model_copy(
        update={
            "name": body.name,
            "background": body.background,
            "accent": body.accent,
            "text": body.text,
            "font": body.font,
        }
    )
    kit, _version = await versions.commit(
        session,
        principal,
        principal.tenant_id,
        snapshot,
        reason=KitChangeReason.EDITED,
        note="edited by hand",
    )
    spec = snapshot.spec()
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
    return to_out(kit, await BrandLogoRepository(session).get(principal.tenant_id))


async def delete(session: AsyncSession, principal: Principal) -> None:
    """Back to the default kit; deleting when there is none is not an error (idempotent).
    The logo is not part of the colours and stays (``delete_logo`` removes it)."""
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


# -- logo ---------------------------------------------------------------------------------------
async def put_logo(
    session: AsyncSession, store: ObjectStore, principal: Principal, data: bytes
) -> BrandLogoOut:
    """Check and normalise the upload (``icop.brand.logo``), store the PNG, make it the
    tenant's logo. The object is written before the row commits: a failed commit leaves an
    unreferenced object under the tenant's prefix (content-addressed, so a retry reuses it),
    never a row without its object. The replaced object is deleted once the commit is done."""
    normalised = await asyncio.to_thread(logos.normalise, data)
    stored = await store.put(principal.tenant_id, normalised.png, "image/png")
    logo = BrandLogo(
        tenant_id=principal.tenant_id,
        id=uuid4(),
        storage_key=stored.key,
        sha256=stored.sha256,
        width=normalised.width,
        height=normalised.height,
        size_bytes=stored.size,
        source_format=normalised.source_format.value,
        uploaded_by=principal.user_id,
    )
    old_key = await BrandLogoRepository(session).replace(logo)
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="brand.logo_updated",
        target_type="brand_logo",
        target_id=logo.id,
        details={
            "source_format": logo.source_format,
            "width": logo.width,
            "height": logo.height,
            "size_bytes": logo.size_bytes,
            "sha256": logo.sha256,
        },
    )
    if old_key is not None and old_key != stored.key:
        _delete_after_commit(session, store, old_key)
    return logo_out(logo)


async def delete_logo(session: AsyncSession, store: ObjectStore, principal: Principal) -> None:
    """Remove the logo (idempotent); cards rendered from now on have none."""
    key = await BrandLogoRepository(session).delete(principal.tenant_id)
    if key is None:
        return
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="brand.logo_removed",
        target_type="brand_logo",
    )
    _delete_after_commit(session, store, key)


async def logo_png(
    session: AsyncSession, store: ObjectStore, tenant_id: UUID, logo_id: UUID
) -> bytes:
    """The bytes of the tenant's current logo if ``logo_id`` names it; a replaced version,
    or another tenant's, is not found."""
    logo = await BrandLogoRepository(session).get(tenant_id)
    if logo is None or logo.id != logo_id:
        raise NotFound("no such logo")
    return await store.get(logo.storage_key)


def _delete_after_commit(session: AsyncSession, store: ObjectStore, key: str) -> None:
    async def remove(_: async_sessionmaker[AsyncSession]) -> None:
        try:
            await store.delete(key)
        except Exception as error:  # the row is gone either way; the object is only garbage
            logger.warning("could not delete the replaced logo %s (%s)", key, error)

    after_commit(session, remove)


def logo_out(logo: BrandLogo) -> BrandLogoOut:
    return BrandLogoOut(
        id=logo.id,
        url=LOGO_PATH.format(logo_id=logo.id),
        width=logo.width,
        height=logo.height,
        size_bytes=logo.size_bytes,
        source_format=LogoFormat(logo.source_format),
        uploaded_by=logo.uploaded_by,
        uploaded_at=logo.created_at,
    )


def to_out(kit: TenantBrandKit | None, logo: BrandLogo | None = None) -> BrandKitOut:
    spec = DEFAULT_SPEC if kit is None else _spec(kit)
    snapshot = snapshot_of(kit)
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
        logo=logo_out(logo) if logo else None,
        version=kit.version if kit else None,
        palette=snapshot.palette,
        tone=snapshot.tone,
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


async def look_for(session: AsyncSession, tenant_id: UUID) -> str | None:
    """The kit as words for the visual director's image prompts (``VisualInput.brand``):
    name, colours and fonts; None for a tenant on the default kit (no brand to speak of)."""
    kit = await BrandKitRepository(session).get(tenant_id)
    if kit is None:
        return None
    return describe_look(snapshot_of(kit))


def describe_look(snapshot: KitSnapshot) -> str:
    colours = f"background {snapshot.background}, accent {snapshot.accent}, text {snapshot.text}"
    extra = [entry.hex for entry in snapshot.palette if entry.hex not in colours][:3]
    parts = [f"{snapshot.name}. Brand colours: {colours}"]
    if extra:
        parts[-1] += f"; also {', '.join(extra)}"
    fonts = [name for name in (snapshot.heading_font, snapshot.body_font) if name]
    if fonts:
        parts.append(f"Typography: {' / '.join(dict.fromkeys(fonts))}")
    elif snapshot.font:
        parts.append(f"Typography: {CATALOG[snapshot.font].label}")
    return (". ".join(parts) + ".")[:500]
