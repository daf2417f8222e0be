"""Publishing an article to its tenant's public blog, and reading that blog without a login.

Publishing copies the article's public fields (the SEO agent's title, description and slug,
the body, the images with their alt text, the citations) into a ``web_publications`` row: the
public pages show that snapshot, so an edit goes live only when a person publishes again, and
unpublishing deletes the row. Public reads go through the named functions in
``icop.db.system`` (ADR 0023), which return only those snapshots of an active tenant's blog."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from icop.agents.schemas.common import slugify
from icop.articles import editing
from icop.articles.publishing_repository import BlogRepository
from icop.articles.publishing_schemas import (
    PublicArticleOut,
    PublicArticleSummary,
    PublicBlogOut,
    PublicBlogRef,
    PublicCitation,
    PublicImage,
    WebPublicationOut,
)
from icop.articles.repository import ArticleRepository
from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.config import Settings
from icop.db import system
from icop.errors import Conflict, NotFound
from icop.models import ArticleStatus, GeneratedArticle, WebPublication

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PUBLISHABLE = ArticleStatus.READY
"""Approved, or written without an approval asked for and passed by the gate."""
SNAPSHOT_FIELDS = ("slug", "title", "description", "language", "markdown", "keywords")
BLOG_INDEX_LIMIT = 200
_LEADING_TITLE = re.compile(r"\A#\s+[^\n]*\n*")


class PublicLinkListener(Protocol):
    """Told, in the same transaction, that an article's public URL appeared, changed or went
    away (``article_id`` None: every article of the tenant, as when the blog's slug changes).
    The social posts that link to it are kept in step this way (ADR 0025): syndication sits
    above this package and cannot be called from here, so the composition root passes it in."""

    async def __call__(
        self, session: AsyncSession, settings: Settings, tenant_id: UUID, article_id: UUID | None
    ) -> None: ...


def _http(url: object) -> str | None:
    return url if isinstance(url, str) and re.match(r"^https?://", url) else None


def _article_slug(article: GeneratedArticle, title: str) -> str:
    seo_slug = article.seo.get("slug")
    if isinstance(seo_slug, str) and SLUG.match(seo_slug) and len(seo_slug) <= 80:
        return seo_slug
    return slugify(title) or f"article-{article.id.hex[:8]}"


def snapshot(article: GeneratedArticle) -> dict[str, Any]:
    """The public fields of a ready article, as the public page shows them."""
    if article.status != PUBLISHABLE or not article.final_markdown:
        raise Conflict(
            f"the article is {article.status}: only a ready (approved) article can be published"
        )
    seo = article.seo
    title = str(seo.get("title") or article.title or article.sub_topic or article.topic)[:300]
    # The page prints the title as its heading, and the citations as a linked list.
    body = _LEADING_TITLE.sub("", editing.parse(article.final_markdown).body).strip()
    images = [
        {"url": url, "alt": image.alt or title, "width": image.width, "height": image.height}
        for image in article.images
        if (url := _http(image.url))
    ]
    citations = [
        {"number": number, "title": str(citation.get("title") or url)[:500], "url": url}
        for citation in article.citations
        if isinstance(number := citation.get("number"), int) and (url := _http(citation.get("url")))
    ]
    keywords = [str(keyword) for keyword in seo.get("keywords", []) if keyword][:10]
    return {
        "slug": _article_slug(article, title),
        "title": title,
        "description": str(seo.get("meta_description") or "")[:500],
        "language": article.language,
        "markdown": body,
        "keywords": keywords,
        "images": images,
        "citations": citations,
    }


def _outdated(publication: WebPublication, article: GeneratedArticle) -> bool:
    try:
        current = snapshot(article)
    except Conflict:
        return True
    published = {name: getattr(publication, name) for name in current}
    return published != current


def blog_url(settings: Settings, blog_slug: str) -> str:
    return _urls(settings, blog_slug)


def _urls(settings: Settings, blog_slug: str, slug: str | None = None) -> str:
    base = f"{settings.dashboard_base_url}/blog/{blog_slug}"
    return f"{base}/{slug}" if slug else base


def _out(
    settings: Settings,
    article: GeneratedArticle,
    publication: WebPublication | None,
    blog_slug: str | None,
) -> WebPublicationOut:
    if publication is None or blog_slug is None:
        return WebPublicationOut(article_id=article.id, published=False, blog_slug=blog_slug)
    return WebPublicationOut(
        article_id=article.id,
        published=True,
        slug=publication.slug,
        blog_slug=blog_slug,
        url=_urls(settings, blog_slug, publication.slug),
        blog_url=_urls(settings, blog_slug),
        published_at=publication.published_at,
        updated_at=publication.updated_at,
        outdated=_outdated(publication, article),
    )


async def public_url(session: AsyncSession, settings: Settings, article_id: UUID) -> str | None:
    """The article's public page, or None while it is not on the blog."""
    blogs = BlogRepository(session)
    publication = await blogs.publication(article_id)
    if publication is None:
        return None
    blog_slug = await blogs.blog_slug(publication.tenant_id)
    return _urls(settings, blog_slug, publication.slug) if blog_slug else None


async def _ensure_blog_slug(blogs: BlogRepository, tenant_id: UUID) -> str:
    tenant = await blogs.tenant(tenant_id)
    if tenant.blog_slug:
        return tenant.blog_slug
    # The workspace's name, made a slug; one taken by another tenant gets the id's start.
    base = slugify(tenant.company_name, limit=60) or "blog"
    for candidate in (base, f"{base}-{tenant_id.hex[:8]}", f"{base}-{tenant_id.hex}"):
        if await blogs.claim_blog_slug(tenant_id, candidate):
            return candidate
    raise Conflict("no free blog address could be found for this workspace")


async def status(session: AsyncSession, settings: Settings, article_id: UUID) -> WebPublicationOut:
    article = await ArticleRepository(session).must_get(article_id)
    blogs = BlogRepository(session)
    return _out(
        settings,
        article,
        await blogs.publication(article_id),
        await blogs.blog_slug(article.tenant_id),
    )


async def publish(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    article_id: UUID,
    listeners: Sequence[PublicLinkListener] = (),
) -> WebPublicationOut:
    article = await ArticleRepository(session).must_get(article_id, lock=True)
    values = snapshot(article)
    blogs = BlogRepository(session)
    if await blogs.slug_taken(values["slug"], by_other_than=article_id):
        raise Conflict(
            f"another published article has the slug {values['slug']!r}: change this "
            "article's SEO slug, or unpublish the other one"
        )
    blog_slug = await _ensure_blog_slug(blogs, principal.tenant_id)
    publication = await blogs.save(
        principal.tenant_id,
        article_id,
        {**values, "published_by": principal.user_id},
        datetime.now(UTC),
    )
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="article.published_web",
        target_type="article",
        target_id=article_id,
        details={"slug": publication.slug, "blog": blog_slug},
    )
    for listener in listeners:
        await listener(session, settings, principal.tenant_id, article_id)
    return _out(settings, article, publication, blog_slug)


async def unpublish(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    article_id: UUID,
    listeners: Sequence[PublicLinkListener] = (),
) -> None:
    """Take the public page down; an article that is not published stays so (no error)."""
    await ArticleRepository(session).must_get(article_id)
    if await BlogRepository(session).remove(article_id):
        await audit.record(
            session,
            tenant_id=principal.tenant_id,
            actor=principal,
            action="article.unpublished_web",
            target_type="article",
            target_id=article_id,
        )
        for listener in listeners:
            await listener(session, settings, principal.tenant_id, article_id)


# --- public reads --------------------------------------------------------------------------


def _image(images: list[dict[str, Any]]) -> list[PublicImage]:
    return [PublicImage.model_validate(image) for image in images]


async def public_blog(session: AsyncSession, settings: Settings, blog_slug: str) -> PublicBlogOut:
    name = await system.public_blog_name(session, blog_slug)
    if name is None:
        raise NotFound("no such blog")
    listed = await system.public_blog_articles(session, blog_slug, limit=BLOG_INDEX_LIMIT)
    return PublicBlogOut(
        slug=blog_slug,
        name=name,
        url=_urls(settings, blog_slug),
        articles=[
            PublicArticleSummary(
                slug=item.slug,
                title=item.title,
                description=item.description,
                language=item.language,
                url=_urls(settings, blog_slug, item.slug),
                image=next(iter(_image(item.images)), None),
                published_at=item.published_at,
                updated_at=item.updated_at,
            )
            for item in listed
        ],
    )


async def public_article(
    session: AsyncSession, settings: Settings, blog_slug: str, article_slug: str
) -> PublicArticleOut:
    name = await system.public_blog_name(session, blog_slug)
    found = await system.public_blog_article(session, blog_slug, article_slug)
    if name is None or found is None:
        raise NotFound("no such article")
    images = _image(found.images)
    return PublicArticleOut(
        slug=found.slug,
        title=found.title,
        description=found.description,
        language=found.language,
        url=_urls(settings, blog_slug, found.slug),
        image=next(iter(images), None),
        published_at=found.published_at,
        updated_at=found.updated_at,
        blog=PublicBlogRef(slug=blog_slug, name=name, url=_urls(settings, blog_slug)),
        markdown=found.markdown,
        keywords=found.keywords,
        images=images,
        citations=[PublicCitation.model_validate(citation) for citation in found.citations],
    )
