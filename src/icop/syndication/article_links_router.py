"""The workspace's choice of which platforms' posts link to the article's public page."""

from __future__ import annotations

from fastapi import APIRouter

from icop.auth.dependencies import CurrentPrincipal, TenantSession, require_role
from icop.gateway.dependencies import SettingsDep
from icop.gateway.problems import problem_responses
from icop.models import Role
from icop.syndication import article_links
from icop.syndication.article_links_schemas import PostLinksOut, PostLinksUpdate

router = APIRouter(
    prefix="/post-links", tags=["social posts"], responses=problem_responses(401, 403, 429)
)


@router.get("", response_model=PostLinksOut)
async def get_post_links(principal: CurrentPrincipal, session: TenantSession) -> PostLinksOut:
    """Per platform: whether posts of a published article link to its public page, the
    default, whether the platform makes such a link clickable, and what a post costs with and
    without a link where the platform charges."""
    return await article_links.current(session, principal)


@router.put("", response_model=PostLinksOut, dependencies=[require_role(Role.ADMIN)])
async def update_post_links(
    body: PostLinksUpdate,
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
) -> PostLinksOut:
    """Change the choice (admins). Posts not sent yet follow it at once."""
    return await article_links.update(session, settings, principal, body)
