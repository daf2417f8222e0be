"""The tenant's blog address: ``/blog/{blog_slug}``, chosen by an admin or, until then, made
from the workspace's name on the first publication (``publishing``).

A slug is unique across tenants; a taken one is refused without saying whose it is (row-level
security hides the other tenant, and the unique constraint answers). The old address is not
kept: its pages answer 404 from the moment of the change (ADR 0025), and the social posts not
yet sent follow the new address through the public-link listeners."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from icop.agents.schemas.common import slugify
from icop.articles.publishing import PublicLinkListener, blog_url
from icop.articles.publishing_repository import BlogRepository
from icop.articles.publishing_schemas import BlogSettingsOut, BlogSlugUpdate
from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.config import Settings
from icop.errors import Conflict


async def current(
    session: AsyncSession, settings: Settings, principal: Principal
) -> BlogSettingsOut:
    tenant = await BlogRepository(session).tenant(principal.tenant_id)
    return BlogSettingsOut(
        blog_slug=tenant.blog_slug,
        url=blog_url(settings, tenant.blog_slug) if tenant.blog_slug else None,
        suggested_slug=slugify(tenant.company_name, limit=60) or "blog",
    )


async def change_slug(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    request: BlogSlugUpdate,
    listeners: Sequence[PublicLinkListener] = (),
) -> BlogSettingsOut:
    blogs = BlogRepository(session)
    previous = await blogs.blog_slug(principal.tenant_id)
    if request.blog_slug != previous:
        if not await blogs.claim_blog_slug(principal.tenant_id, request.blog_slug):
            raise Conflict(f"the blog address {request.blog_slug!r} is taken: choose another one")
        await audit.record(
            session,
            tenant_id=principal.tenant_id,
            actor=principal,
            action="blog.slug_changed",
            target_type="tenant",
            target_id=principal.tenant_id,
            details={"from": previous, "to": request.blog_slug},
        )
        for listener in listeners:
            await listener(session, settings, principal.tenant_id, None)
    return await current(session, settings, principal)
