"""Publishing a design: the head's JPEG replaces the old picture in the article (images,
thumbnail, Markdown) and in the posts not sent yet; a sent post, or a thread with a part out,
never changes. Publishing again replaces the previously published picture."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from icop.articles.activities import markdown_path
from icop.articles.repository import ArticleRepository
from icop.db.session import unit_of_work
from icop.models import GeneratedArticle, Post
from icop.runtime.clients import Runtime
from icop.storage.keys import key_in_url
from icop.syndication.repository import PostRepository
from tests.designs.api_support import image
from tests.helpers import Account, ApiClient
from tests.syndication.support import make_account


async def _article(context: Runtime, owner: Account, url: str) -> uuid.UUID:
    article_id = uuid.uuid4()
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        await ArticleRepository(session).add(
            GeneratedArticle(
                id=article_id,
                tenant_id=owner.tenant_id,
                topic="composting",
                status="ready",
                title="Compost at home",
                final_markdown=f"# Compost at home\n\n![A heap]({url})\n\nTurn it weekly.\n",
                thumbnail_url=url,
                final_markdown_url=f"http://testserver/api/v1/articles/{article_id}/markdown",
                images=[
                    {"index": 0, "url": url, "alt": "A heap", "width": 1080, "height": 1350},
                    {"index": 1, "url": "https://example.org/other.jpg", "width": 10, "height": 10},
                ],
                workflow_id=f"article-{article_id}",
            )
        )
    return article_id


async def _post(
    context: Runtime,
    owner: Account,
    account_id: uuid.UUID,
    url: str,
    *,
    status: str,
    sent: list[str | None],
) -> uuid.UUID:
    post_id = uuid.uuid4()
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        session.add(
            Post(
                tenant_id=owner.tenant_id,
                id=post_id,
                social_account_id=account_id,
                platform="x",
                parts=[
                    {"text": "Compost!", "media": [{"url": url, "alt": "A heap"}]},
                    {"text": "More", "media": [], "reply_to_previous": True},
                ],
                scheduled_at=datetime.now(UTC),
                status=status,
                platform_post_ids=sent,
                workflow_id=f"post-{post_id}",
            )
        )
    return post_id


async def _media(context: Runtime, owner: Account, post_id: uuid.UUID) -> str:
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        post = await PostRepository(session).must_get(post_id)
    return post.parts[0].media[0].url


async def test_publish_replaces_the_picture_where_it_is_not_sent_yet(
    client: ApiClient, context: Runtime
) -> None:
    owner = await client.signup("Design Publish")
    made = await image(client, owner)
    old_key = key_in_url(made["url"], owner.tenant_id)
    assert old_key is not None
    article_id = await _article(context, owner, made["url"])
    account_id = await make_account(context.sessionmaker, context.keyring, owner.tenant_id)
    scheduled = await _post(context, owner, account_id, made["url"], status="scheduled", sent=[])
    sent = await _post(
        context, owner, account_id, made["url"], status="published", sent=["111", "112"]
    )
    half_out = await _post(
        context, owner, account_id, made["url"], status="scheduled", sent=["113", None]
    )

    design = (
        await client.post("/api/v1/designs", headers=owner.headers, json={"image_id": made["id"]})
    ).json()
    base = f"/api/v1/designs/{design['id']}"
    changed = await client.post(
        f"{base}/commands",
        headers=owner.headers,
        json={"text": "make the title bigger", "expected_head": 1},
    )
    assert changed.status_code == 200, changed.text
    # Editing alone publishes nothing.
    assert await _media(context, owner, scheduled) == made["url"]

    published = await client.post(f"{base}/publish", headers=owner.headers)
    assert published.status_code == 200, published.text
    body: dict[str, Any] = published.json()
    assert body["published_version"] == 2 and body["published_url"]
    served = await client.get(body["published_url"])
    assert served.status_code == 200 and served.content[:2] == b"\xff\xd8"
    new_key = key_in_url(body["published_url"], owner.tenant_id)
    assert new_key is not None and new_key != old_key

    assert key_in_url(await _media(context, owner, scheduled), owner.tenant_id) == new_key
    assert await _media(context, owner, sent) == made["url"]
    assert await _media(context, owner, half_out) == made["url"]
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        article = await ArticleRepository(session).must_get(article_id)
    assert key_in_url(article.images[0].url, owner.tenant_id) == new_key
    assert article.images[1].url == "https://example.org/other.jpg"
    assert key_in_url(article.thumbnail_url or "", owner.tenant_id) == new_key
    assert made["url"] not in (article.final_markdown or "")
    assert article.images[0].url in (article.final_markdown or "")
    # The Markdown file the graph wrote follows, once committed.
    path = markdown_path(context.settings.home, owner.tenant_id, article_id)
    assert path.read_text(encoding="utf-8") == article.final_markdown

    # Another edit, published: the previously published picture is the one replaced now.
    again = await client.post(
        f"{base}/commands",
        headers=owner.headers,
        json={"text": "make the title smaller", "expected_head": 2},
    )
    assert again.status_code == 200, again.text
    second = (await client.post(f"{base}/publish", headers=owner.headers)).json()
    assert second["published_version"] == 3
    newest = key_in_url(second["published_url"], owner.tenant_id)
    assert newest not in (None, new_key)
    assert key_in_url(await _media(context, owner, scheduled), owner.tenant_id) == newest

    viewer = await client.add_member(owner, "viewer")
    assert (await client.post(f"{base}/publish", headers=viewer.headers)).status_code == 403
