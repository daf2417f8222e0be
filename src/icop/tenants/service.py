from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.errors import NotFound
from icop.models import Tenant
from icop.tenants.repository import TenantRepository
from icop.tenants.schemas import ApiKeyIdentity, MeOut, TenantOut, TenantUpdate, UserOut
from icop.tenants.zones import check_time_zone
from icop.users.repository import UserRepository


class TimeZoneFollower(Protocol):
    """What else must move when a tenant's time zone changes (its pipeline schedules). Called
    in the change's unit of work after the row is updated: raising rolls the change back.
    Services above this package provide it through the composition root, so this package
    needs not know them; returns how many things it moved."""

    async def __call__(
        self, session: AsyncSession, principal: Principal, time_zone: str
    ) -> int: ...


async def current(session: AsyncSession, principal: Principal) -> Tenant:
    tenant = await TenantRepository(session).get(principal.tenant_id)
    if tenant is None:
        raise NotFound("tenant not found")
    return tenant


async def update(
    session: AsyncSession,
    principal: Principal,
    request: TenantUpdate,
    follow_time_zone: TimeZoneFollower | None = None,
) -> Tenant:
    tenant = await current(session, principal)
    details: dict[str, Any] = {}
    if request.company_name is not None and request.company_name != tenant.company_name:
        tenant.company_name = request.company_name
        details["company_name"] = request.company_name
    new_zone = check_time_zone(request.time_zone) if request.time_zone is not None else None
    if new_zone is not None and new_zone != tenant.time_zone:
        details["time_zone"] = {"from": tenant.time_zone, "to": new_zone}
        tenant.time_zone = new_zone
    await session.flush()
    await session.refresh(tenant)
    if "time_zone" in details and follow_time_zone is not None:
        details["schedules_moved"] = await follow_time_zone(session, principal, tenant.time_zone)
    await audit.record(
        session,
        tenant_id=tenant.id,
        actor=principal,
        action="tenant.updated",
        target_type="tenant",
        target_id=tenant.id,
        details=details,
    )
    return tenant


async def me(session: AsyncSession, principal: Principal) -> MeOut:
    tenant = await current(session, principal)
    user = await UserRepository(session).get(principal.user_id) if principal.user_id else None
    return MeOut(
        tenant=TenantOut.model_validate(tenant),
        role=principal.role,
        user=UserOut.model_validate(user) if user else None,
        api_key=ApiKeyIdentity(id=principal.api_key_id) if principal.api_key_id else None,
    )
