"""Brand kit versions: every accepted kit is a numbered, unchanging version (ADR 0030).

The ``brand_kits`` row stays what the renderer and the writers read (one row per tenant); each
save writes it *and* appends a ``brand_kit_versions`` row with who, when, why (learned, edited,
rollback) and what changed. A rollback is a new version equal to an old one, so history is
append-only. Saves take the kit row's lock, so two at once get consecutive numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.brand.repository import BrandKitRepository, BrandKitVersionRepository
from icop.brand.snapshot import KitChange, KitSnapshot, diff, snapshot_of
from icop.errors import NotFound
from icop.models import BrandKitVersion, KitChangeReason, TenantBrandKit


async def current_number(session: AsyncSession, tenant_id: UUID) -> int | None:
    """The version the tenant's kit is now (what an article records); None without one."""
    kit = await BrandKitRepository(session).get(tenant_id)
    return kit.version if kit else None


async def commit(
    session: AsyncSession,
    principal: Principal | None,
    tenant_id: UUID,
    snapshot: KitSnapshot,
    *,
    reason: KitChangeReason,
    note: str | None = None,
    proposal_id: UUID | None = None,
    restored_from: int | None = None,
    voice_embedding: list[float] | None = None,
) -> tuple[TenantBrandKit, BrandKitVersion]:
    """Make ``snapshot`` the tenant's kit as a new version."""
    versions = BrandKitVersionRepository(session)
    current = await versions.lock_kit(tenant_id)
    before = snapshot_of(current)
    number = await versions.next_number()
    user_id = principal.user_id if principal else None
    kit = await versions.save_kit(
        tenant_id,
        snapshot.spec(),
        updated_by=user_id,
        version=number,
        profile=snapshot.profile(),
        voice_embedding=voice_embedding,
    )
    version = await versions.add(
        BrandKitVersion(
            tenant_id=tenant_id,
            number=number,
            reason=reason.value,
            kit=snapshot.model_dump(mode="json"),
            changes=[change.model_dump(mode="json") for change in diff(before, snapshot)],
            note=note,
            proposal_id=proposal_id,
            restored_from=restored_from,
            created_by=user_id,
        )
    )
    await audit.record(
        session,
        tenant_id=tenant_id,
        actor=principal,
        action="brand.kit_version_created",
        target_type="brand_kit_version",
        target_id=version.id,
        details={"number": number, "reason": reason.value, "changes": len(version.changes)},
    )
    return kit, version


async def get_version(session: AsyncSession, number: int) -> BrandKitVersion:
    found = await BrandKitVersionRepository(session).by_number(number)
    if found is None:
        raise NotFound(f"brand kit version {number} not found")
    return found


async def rollback(
    session: AsyncSession, principal: Principal, number: int
) -> tuple[TenantBrandKit, BrandKitVersion]:
    """A new version equal to version ``number`` (the history keeps everything between)."""
    old = await get_version(session, number)
    return await commit(
        session,
        principal,
        principal.tenant_id,
        KitSnapshot.model_validate(old.kit),
        reason=KitChangeReason.ROLLBACK,
        note=f"rolled back to version {number}",
        restored_from=number,
    )


async def snapshot_at(session: AsyncSession, number: int) -> KitSnapshot:
    """Version ``number``'s kit; version 0 is the default kit every tenant starts with."""
    if number == 0:
        return snapshot_of(None)
    return KitSnapshot.model_validate((await get_version(session, number)).kit)


async def compare(session: AsyncSession, first: int, second: int) -> list[KitChange]:
    return diff(await snapshot_at(session, first), await snapshot_at(session, second))


async def compare_or_latest(
    session: AsyncSession, first: int | None, second: int | None
) -> tuple[int, int, list[KitChange]]:
    """``compare`` with defaults: ``second`` the latest version (0 when there is none),
    ``first`` the one before ``second``."""
    if second is None:
        latest = await BrandKitVersionRepository(session).latest()
        second = latest.number if latest else 0
    if first is None:
        first = max(second - 1, 0)
    return first, second, await compare(session, first, second)


async def list_versions(
    session: AsyncSession, *, limit: int, offset: int
) -> Sequence[BrandKitVersion]:
    return await BrandKitVersionRepository(session).list_versions(limit=limit, offset=offset)
