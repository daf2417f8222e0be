"""The public blog's routes: an editor publishes and unpublishes an article; anyone reads a
blog and its articles by slug, without a login."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, status

from icop.articles import blog_settings, publishing
from icop.articles.dependencies import PublicLinkListenersDep
from icop.articles.publishing_schemas import (
    BlogSettingsOut,
    BlogSlugUpdate,
    PublicArticleOut,
    PublicBlogOut,
    WebPublicationOut,
)
from icop.auth.dependencies import CurrentPrincipal, TenantSession, require_role
from icop.gateway.dependencies import SessionDep, SettingsDep
from icop.gateway.problems import problem_responses
from icop.models import Role

router = APIRouter(
    prefix="/articles", tags=["articles"], responses=problem_responses(401, 403, 404, 429)
)
public_router = APIRouter(prefix="/public", tags=["public blog"], responses=problem_responses(404))
blog_router = APIRouter(
    prefix="/blog", tags=["public blog"], responses=problem_responses(401, 403, 429)
)

Slug = Annotated[str, Path(min_length=1, max_length=80, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]


@router.get("/{article_id}/publish-web", response_model=WebPublicationOut)
async def get_web_publication(
    article_id: UUID, session: TenantSession, settings: SettingsDep
) -> WebPublicationOut:
    """Whether the article is on the tenant's public blog, at which URL, and whether it
    changed since (``outdated``: publish again to update the page)."""
    return await publishing.status(session, settings, article_id)


@router.post(
    "/{article_id}/publish-web",
    response_model=WebPublicationOut,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(409),
)
async def publish_to_web(
    article_id: UUID,
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
    listeners: PublicLinkListenersDep,
) -> WebPublicationOut:
    """Publish a ready (approved) article to the tenant's public blog, or replace its public
    page with the current text. The page shows what was published: later edits go live when
    you publish again. Its social posts not sent yet link to the page where the workspace's
    link settings say so (``/post-links``). 409 for an article that is not ready, or whose
    SEO slug another published article has."""
    return await publishing.publish(session, settings, principal, article_id, listeners)


@router.delete(
    "/{article_id}/publish-web",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[require_role(Role.EDITOR)],
)
async def unpublish_from_web(
    article_id: UUID,
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
    listeners: PublicLinkListenersDep,
) -> None:
    """Take the article's public page down (its URL answers 404 from now on); its social
    posts not sent yet lose the link."""
    await publishing.unpublish(session, settings, principal, article_id, listeners)


@blog_router.get("", response_model=BlogSettingsOut)
async def get_blog_settings(
    principal: CurrentPrincipal, session: TenantSession, settings: SettingsDep
) -> BlogSettingsOut:
    """The workspace's blog address (null until chosen or first published) and a proposal."""
    return await blog_settings.current(session, settings, principal)


@blog_router.put(
    "",
    response_model=BlogSettingsOut,
    dependencies=[require_role(Role.ADMIN)],
    responses=problem_responses(409),
)
async def change_blog_slug(
    body: BlogSlugUpdate,
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
    listeners: PublicLinkListenersDep,
) -> BlogSettingsOut:
    """Choose the blog's address (admins). The old address answers 404 from now on, and
    posts not sent yet link to the new one. 409 when another workspace has it."""
    return await blog_settings.change_slug(session, settings, principal, body, listeners)


@public_router.get("/blogs/{blog_slug}", response_model=PublicBlogOut)
async def get_public_blog(
    blog_slug: Slug, session: SessionDep, settings: SettingsDep
) -> PublicBlogOut:
    """A tenant's public blog: its name and its published articles, newest first. No login."""
    return await publishing.public_blog(session, settings, blog_slug)


@public_router.get("/blogs/{blog_slug}/articles/{article_slug}", response_model=PublicArticleOut)
async def get_public_article(
    blog_slug: Slug, article_slug: Slug, session: SessionDep, settings: SettingsDep
) -> PublicArticleOut:
    """One published article's public fields. No login; an unpublished one is a 404."""
    return await publishing.public_article(session, settings, blog_slug, article_slug)
