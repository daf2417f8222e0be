"""An article's pictures follow its published designs (a ``DesignPublishedListener``).

When a design is published, every article of the tenant that shows the picture it replaces
(by stored object, whatever signed URL the article kept) shows the new JPEG instead: in its
images, its thumbnail and its Markdown. Designs are matched by object and not only by their
``article_id``, since an image edited from the image list has none. The Markdown file the
graph wrote follows, once the change is committed (as an edit's does).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.articles.activities import markdown_path, write_markdown
from icop.articles.repository import ArticleRepository
from icop.db.session import after_commit
from icop.designs.publishing import PublishedDesign
from icop.models.article import ArticleImage
from icop.storage.keys import key_in_url, sha256_of


@dataclass(frozen=True)
class ArticlePictures:
    home: Path
    """``ICOP_HOME``: where the articles' Markdown files are."""

    async def __call__(self, session: AsyncSession, published: PublishedDesign) -> None:
        for article_id, markdown in await replace_in_articles(session, published):
            path = markdown_path(self.home, published.tenant_id, article_id)
            after_commit(session, _rewrite(path, markdown))


def _rewrite(
    path: Path, markdown: str
) -> Callable[[async_sessionmaker[AsyncSession]], Awaitable[None]]:
    async def rewrite(_: async_sessionmaker[AsyncSession]) -> None:
        await asyncio.to_thread(write_markdown, path, markdown)

    return rewrite


async def replace_in_articles(
    session: AsyncSession, published: PublishedDesign
) -> list[tuple[UUID, str]]:
    """Replace the picture in the articles; the Markdown of those with a file, to rewrite."""
    files: list[tuple[UUID, str]] = []
    if not published.old_keys:
        return files
    repository = ArticleRepository(session)
    shas = sorted(sha256_of(key) for key in published.old_keys)
    for article in await repository.carrying_objects(shas):
        images: list[ArticleImage] = []
        markdown = article.final_markdown
        for image in article.images:
            if not _replaced(image.url, published):
                images.append(image)
                continue
            images.append(
                image.model_copy(
                    update={
                        "url": published.url,
                        "width": published.width,
                        "height": published.height,
                        "size_bytes": published.size_bytes,
                        "format": "jpeg",
                    }
                )
            )
            if markdown:
                markdown = markdown.replace(image.url, published.url)
        thumbnail = article.thumbnail_url
        if thumbnail and _replaced(thumbnail, published):
            thumbnail = published.url
        await repository.update(
            article.id, images=images, thumbnail_url=thumbnail, final_markdown=markdown
        )
        if article.final_markdown_url and markdown and markdown != article.final_markdown:
            files.append((article.id, markdown))
    return files


def _replaced(url: str, published: PublishedDesign) -> bool:
    return key_in_url(url, published.tenant_id) in published.old_keys
