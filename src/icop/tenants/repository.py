from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from icop.db import system
from icop.models import Tenant


class TenantRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, *, tenant_id: UUID, company_name: str, plan: str) -> Tenant:
        tenant = Tenant(id=tenant_id, company_name=company_name, subscription_plan=plan)
        self.session.add(tenant)
        await self.session.flush()
        return tenant

    async def get(self, tenant_id: UUID) -> Tenant | None:
        return await self.session.scalar(select(Tenant).where(Tenant.id == tenant_id))

    async def all_ids(self, reason: str) -> list[UUID]:
        """Every tenant's id, through the audited system function (for cross-tenant jobs)."""
        return await system.tenant_ids(self.session, reason)
