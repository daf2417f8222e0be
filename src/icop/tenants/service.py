from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.errors import NotFound
from icop.models import Tenant
from icop.tenants.repository import TenantRepository
from icop.tenants.schemas import ApiKeyIdentity, MeOut, TenantOut, TenantUpdate, UserOut
from icop.users.repository import UserRepository


async def current(session: AsyncSession, principal: Principal) -> Tenant:
    tenant = await TenantRepository(session).get(principal.tenant_id)
    if tenant is None:
        raise NotFound("tenant not found")
    return tenant


async def update(session: AsyncSession, principal: Principal, request: TenantUpdate) -> Tenant:
    tenant = await current(session, principal)
    tenant.company_name = request.company_name
    await session.flush()
    await session.refresh(tenant)
    await audit.record(
        session,
        tenant_id=tenant.id,
        actor=principal,
        action="tenant.updated",
        target_type="tenant",
        target_id=tenant.id,
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
