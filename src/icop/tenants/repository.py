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

    async def time_zone(self, tenant_id: UUID) -> str | None:
        """The tenant's zone, its row share-locked until the transaction ends: a schedule
        synced in this transaction cannot miss a zone change committing beside it (that
        change's UPDATE waits for us, or we wait for it and read its zone)."""
        return await self.session.scalar(
            select(Tenant.time_zone).where(Tenant.id == tenant_id).with_for_update(read=True)
        )

    async def all_ids(self, reason: str) -> list[UUID]:
        """Every tenant's id, through the audited system function (for cross-tenant jobs)."""
        return await system.tenant_ids(self.session, reason)
