"""The public blog at the edges: a publication as its editors see it, and the public fields
anyone reads."""

from __future__ import annotations

import re
from datetime import datetime
from uuid import UUID

from pydantic import Field, field_validator

from icop.schemas import RequestModel, ResponseModel

BLOG_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
BLOG_SLUG_LENGTH = (3, 60)


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


class BlogSettingsOut(ResponseModel):
    blog_slug: str | None = Field(
        description="The blog's address, /blog/{blog_slug}; null until it is chosen or the "
        "first article is published (which makes it from the workspace's name)."
    )
    url: str | None = Field(default=None, description="The blog's public index page.")
    suggested_slug: str = Field(description="The workspace's name as a slug (a proposal).")


class BlogSlugUpdate(RequestModel):
    blog_slug: str = Field(
        min_length=BLOG_SLUG_LENGTH[0],
        max_length=BLOG_SLUG_LENGTH[1],
        description="Lower-case letters a-z, digits and single hyphens between them, 3 to 60 "
        "characters. The old address stops answering (404) at once.",
        examples=["green-thumb-blog"],
    )

    @field_validator("blog_slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not BLOG_SLUG.match(value):
            raise ValueError(
                "use lower-case letters a-z, digits and single hyphens between them "
                "(no spaces, accents or other characters; not starting or ending with a hyphen)"
            )
        return value
