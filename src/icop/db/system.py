"""The named, audited bypass of row-level security (ADR 0002): each ``SECURITY DEFINER``
function that crosses tenants is called from here and nowhere else, so cross-tenant reads are
easy to find and every caller states why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
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


# --- the public blog (ADR 0023): what a tenant published, read before any tenant is known ---


@dataclass(frozen=True)
class PublicListing:
    slug: str
    title: str
    description: str
    language: str
    images: list[dict[str, Any]]
    published_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class PublicArticle(PublicListing):
    markdown: str
    keywords: list[str]
    citations: list[dict[str, Any]]


async def public_blog_name(session: AsyncSession, blog_slug: str) -> str | None:
    """The name of the active tenant whose blog is ``blog_slug``, or None."""
    name: str | None = await session.scalar(
        text("SELECT name FROM icop_public_blog(:slug)"), {"slug": blog_slug}
    )
    return name


async def public_blog_articles(
    session: AsyncSession, blog_slug: str, *, limit: int
) -> list[PublicListing]:
    """The blog's published articles, newest first: their public fields, nothing else."""
    rows = await session.execute(
        text("SELECT * FROM icop_public_blog_articles(:slug, :limit)"),
        {"slug": blog_slug, "limit": limit},
    )
    return [PublicListing(**row._mapping) for row in rows]


async def public_blog_article(
    session: AsyncSession, blog_slug: str, article_slug: str
) -> PublicArticle | None:
    """One published article of the blog by its slug, or None."""
    row = (
        await session.execute(
            text("SELECT * FROM icop_public_blog_article(:slug, :article)"),
            {"slug": blog_slug, "article": article_slug},
        )
    ).first()
    return PublicArticle(**row._mapping) if row else None


async def prune_run_events(session: AsyncSession, *, older_than_days: int, limit: int) -> int:
    """Delete up to ``limit`` run events older than ``older_than_days`` whose run and article
    have finished, across tenants; how many. Audited when it deletes any."""
    deleted = await session.scalar(
        text("SELECT icop_system_prune_run_events(make_interval(days => :days), :limit)"),
        {"days": older_than_days, "limit": limit},
    )
    return int(deleted or 0)
