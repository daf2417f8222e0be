"""The public blog at the edges: a publication as its editors see it, and the public fields
anyone reads."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from icop.schemas import ResponseModel


class WebPublicationOut(ResponseModel):
    article_id: UUID
    published: bool
    slug: str | None = Field(default=None, description="The article's slug on the blog.")
    blog_slug: str | None = None
    url: str | None = Field(default=None, description="The public page (canonical URL).")
    blog_url: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = Field(
        default=None, description="When the public page was last replaced (published again)."
    )
    outdated: bool = Field(
        default=False,
        description="The article changed after it was published: publish it again to update "
        "the public page.",
    )


class PublicImage(ResponseModel):
    url: str
    alt: str
    width: int | None = None
    height: int | None = None


class PublicCitation(ResponseModel):
    number: int
    title: str
    url: str


class PublicBlogRef(ResponseModel):
    slug: str
    name: str
    url: str


class PublicArticleSummary(ResponseModel):
    slug: str
    title: str
    description: str
    language: str
    url: str = Field(description="The canonical URL of the public page.")
    image: PublicImage | None = None
    published_at: datetime
    updated_at: datetime


class PublicArticleOut(PublicArticleSummary):
    blog: PublicBlogRef
    markdown: str = Field(description="The body (no front matter, no source list, no title).")
    keywords: list[str]
    images: list[PublicImage]
    citations: list[PublicCitation]


class PublicBlogOut(PublicBlogRef):
    articles: list[PublicArticleSummary]
