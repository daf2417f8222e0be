"""The named, audited bypass of row-level security (ADR 0002): each ``SECURITY DEFINER``
function that crosses tenants is called from here and nowhere else, so cross-tenant reads are
easy to find and every caller states why."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def tenant_ids(session: AsyncSession, reason: str) -> list[UUID]:
    """Every tenant's id, for a cross-tenant job that then works tenant by tenant under RLS;
    the call and its reason land in ``system_audit_log``."""
    rows = await session.scalars(text("SELECT icop_system_tenant_ids(:reason)"), {"reason": reason})
    return list(rows)


async def tenants_with_due_workflow_starts(
    session: AsyncSession, *, older_than_s: float, limit: int
) -> list[UUID]:
    """Tenants with workflow starts older than ``older_than_s``: the ones their own commit did
    not start (Temporal was down, or the process died in between). Audited when not empty."""
    rows = await session.scalars(
        text("SELECT icop_system_due_workflow_starts(make_interval(secs => :secs), :limit)"),
        {"secs": older_than_s, "limit": limit},
    )
    return list(rows)
