"""The named, audited bypass of row-level security (ADR 0002): each ``SECURITY DEFINER``
function that crosses tenants is called from here and nowhere else, so cross-tenant reads are
easy to find and every caller states why."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class ResetCandidate:
    tenant_id: UUID
    user_id: UUID
    display_name: str | None
    language: str
    workspace: str


async def password_reset_candidates(session: AsyncSession, email: str) -> list[ResetCandidate]:
    """The active accounts with this e-mail in active tenants, for a password reset asked for
    before login; the call (with a hash of the address) lands in ``system_audit_log``."""
    rows = await session.execute(
        text("SELECT * FROM icop_auth_password_reset_candidates(:email)"), {"email": email}
    )
    return [ResetCandidate(**row._mapping) for row in rows]


async def tenants_with_due_webhook_deliveries(session: AsyncSession, *, limit: int) -> list[UUID]:
    """Tenants with notification webhook deliveries due now. Audited when not empty."""
    rows = await session.scalars(
        text("SELECT icop_system_due_webhook_deliveries(:limit)"), {"limit": limit}
    )
    return list(rows)
