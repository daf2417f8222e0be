"""An article's pictures follow its published designs (a ``DesignPublishedListener``).

When a design is published, every article of the tenant that shows the picture it replaces
(by stored object, whatever signed URL the article kept) shows the new JPEG instead: in its
images, its thumbnail and its Markdown. Designs are matched by object and not only by their
``article_id``, since an image edited from the image list has none.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from icop.articles.repository import ArticleRepository
from icop.designs.publishing import PublishedDesign
from icop.models.article import ArticleImage
from icop.storage.keys import key_in_url, sha256_of


async def replace_in_articles(session: AsyncSession, published: PublishedDesign) -> None:
    if not published.old_keys:
        return
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


def _replaced(url: str, published: PublishedDesign) -> bool:
    return key_in_url(url, published.tenant_id) in published.old_keys
