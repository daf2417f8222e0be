"""Social posts that link to their article's public page (ADR 0025), through the API over the
real database: posts scheduled before the article is published get the link when it is, posts
scheduled after carry it from the start, per platform as the workspace chose (X and Instagram
off by default), and unpublishing, a new blog address or a changed choice move the links of
the posts not sent yet, never those already sent or whose author gave a link of their own."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from icop.articles.repository import ArticleRepository
from icop.db.session import unit_of_work
from icop.models import AuditEvent, GeneratedArticle
from tests.helpers import Account
from tests.syndication.api.conftest import Api
from tests.syndication.support import make_account

PROBLEM = "application/problem+json"
SOCIAL = {
    "facebook": {"text": "Compost at home: greens, browns and patience."},
    "threads": {"text": "Three rules for a compost heap that does not smell."},
    "x": {"text": "Compost at home in three rules. #compost"},
}


async def _article(api: Api, owner: Account, slug: str = "compost-rules") -> uuid.UUID:
    article_id = uuid.uuid4()
    async with unit_of_work(api.context.sessionmaker, owner.tenant_id) as session:
        await ArticleRepository(session).add(
            GeneratedArticle(
                id=article_id,
                tenant_id=owner.tenant_id,
                topic="composting",
                language="en",
                mode="compare",
                length_words=150,
                status="ready",
                title="Compost rules",
                final_markdown="# Compost rules\n\nGreens, browns and patience.\n",
                seo={"title": "Compost rules", "slug": slug, "meta_description": "Three."},
                social=SOCIAL,
                workflow_id=f"article-{article_id}",
            )
        )
    return article_id


async def _accounts(api: Api, owner: Account) -> dict[str, str]:
    return {
        platform: str(
            await make_account(
                api.context.sessionmaker, api.context.keyring, owner.tenant_id, platform=platform
            )
        )
        for platform in ("facebook", "threads", "x")
    }


async def _schedule(
    api: Api, owner: Account, article_id: uuid.UUID, accounts: list[str], **extra: Any
) -> dict[str, dict[str, Any]]:
    response = await api.client.post(
        "/api/v1/posts",
        headers=owner.headers,
        json={
            "article_id": str(article_id),
            "account_ids": accounts,
            "scheduled_at": (datetime.now(UTC) + timedelta(hours=3)).isoformat(),
            **extra,
        },
    )
    assert response.status_code == 201, response.text
    return {post["platform"]: post for post in response.json()}


async def _post(api: Api, owner: Account, post_id: str) -> dict[str, Any]:
    response = await api.client.get(f"/api/v1/posts/{post_id}", headers=owner.headers)
    assert response.status_code == 200, response.text
    post: dict[str, Any] = response.json()
    return post


def _carries(post: dict[str, Any], url: str) -> bool:
    """Where each platform takes the link: Facebook's ``link`` field, the others' text."""
    return any(part.get("link_url") == url or url in part["text"] for part in post["parts"])


def _no_link(post: dict[str, Any]) -> bool:
    return all(not part.get("link_url") and "http" not in part["text"] for part in post["parts"])


async def test_posts_follow_the_articles_public_page(api: Api) -> None:
    owner = await api.client.signup("Linked Garden")
    accounts = await _accounts(api, owner)
    article_id = await _article(api, owner)
    before = await _schedule(api, owner, article_id, list(accounts.values()))
    assert all(_no_link(post) and post["article_link"] is None for post in before.values())

    published = await api.client.post(
        f"/api/v1/articles/{article_id}/publish-web", headers=owner.headers
    )
    assert published.status_code == 200, published.text
    url = published.json()["url"]
    assert url.endswith("/blog/linked-garden/compost-rules")

    facebook = await _post(api, owner, before["facebook"]["id"])
    assert facebook["parts"][0]["link_url"] == url  # POST /{page-id}/feed `link`
    assert facebook["parts"][0]["text"] == SOCIAL["facebook"]["text"]
    assert facebook["article_link"] == url
    threads = await _post(api, owner, before["threads"]["id"])
    assert url in threads["parts"][0]["text"] and threads["article_link"] == url
    # X: a post with a URL costs far more, so no link until the workspace says so.
    x = await _post(api, owner, before["x"]["id"])
    assert _no_link(x) and x["article_link"] is None

    # Scheduled after publishing: the link from the start, on the same terms.
    after = await _schedule(api, owner, article_id, list(accounts.values()))
    assert _carries(after["facebook"], url) and _carries(after["threads"], url)
    assert _no_link(after["x"])

    # An author's own link stays theirs, whatever happens to the article.
    mine = "https://example.org/my-own-page"
    own = await _schedule(api, owner, article_id, [accounts["threads"]], link_url=mine)
    assert _carries(own["threads"], mine) and not _carries(own["threads"], url)

    links = await api.client.get("/api/v1/post-links", headers=owner.headers)
    assert links.status_code == 200, links.text
    by_platform = {item["platform"]: item for item in links.json()["platforms"]}
    assert {p: item["link_to_article"] for p, item in by_platform.items()} == {
        "x": False,
        "instagram": False,
        "threads": True,
        "facebook": True,
    }
    assert by_platform["instagram"]["link_clickable"] is False
    x_prices = by_platform["x"]
    assert float(x_prices["price_per_post_with_url_usd"]) > float(x_prices["price_per_post_usd"])

    # Turning X on links its posts not sent yet, at once.
    turned = await api.client.put(
        "/api/v1/post-links", headers=owner.headers, json={"links": {"x": True}}
    )
    assert turned.status_code == 200, turned.text
    for post_id in (before["x"]["id"], after["x"]["id"]):
        x = await _post(api, owner, post_id)
        assert _carries(x, url) and x["article_link"] == url
    # A post already out keeps what it said.
    async with unit_of_work(api.context.sessionmaker, owner.tenant_id) as session:
        from icop.syndication.repository import PostRepository

        await PostRepository(session).update(
            uuid.UUID(after["facebook"]["id"]),
            status="published",
            published_at=datetime.now(UTC),
            platform_post_ids=["fb-1"],
        )

    gone = await api.client.delete(
        f"/api/v1/articles/{article_id}/publish-web", headers=owner.headers
    )
    assert gone.status_code == 204, gone.text
    for platform in ("facebook", "threads", "x"):
        post = await _post(api, owner, before[platform]["id"])
        assert _no_link(post) and post["article_link"] is None, platform
    assert _carries(await _post(api, owner, after["facebook"]["id"]), url)
    assert _carries(await _post(api, owner, own["threads"]["id"]), mine)

    # Published again under a new blog address: the links follow the new address.
    assert (
        await api.client.post(f"/api/v1/articles/{article_id}/publish-web", headers=owner.headers)
    ).status_code == 200
    moved = await api.client.put(
        "/api/v1/blog", headers=owner.headers, json={"blog_slug": "garden-notes"}
    )
    assert moved.status_code == 200, moved.text
    threads = await _post(api, owner, before["threads"]["id"])
    new_url = url.replace("/blog/linked-garden/", "/blog/garden-notes/")
    assert _carries(threads, new_url) and not _carries(threads, url)
    assert threads["article_link"] == new_url

    async with unit_of_work(api.context.sessionmaker, owner.tenant_id) as session:
        actions = set(await session.scalars(select(AuditEvent.action)))
    assert {"post_links.updated", "blog.slug_changed"} <= actions


async def test_only_admins_change_the_link_choice(api: Api) -> None:
    owner = await api.client.signup("Link Rules")
    editor = await api.client.add_member(owner, "editor")
    viewer = await api.client.add_member(owner, "viewer")
    for member in (editor, viewer):
        refused = await api.client.put(
            "/api/v1/post-links", headers=member.headers, json={"links": {"x": True}}
        )
        assert refused.status_code == 403 and refused.headers["content-type"] == PROBLEM
        seen = await api.client.get("/api/v1/post-links", headers=member.headers)
        assert seen.status_code == 200
    unknown = await api.client.put(
        "/api/v1/post-links", headers=owner.headers, json={"links": {"myspace": True}}
    )
    assert unknown.status_code == 422 and unknown.headers["content-type"] == PROBLEM
    # One tenant's choice is its own.
    other = await api.client.signup("Other Links")
    assert (
        await api.client.put(
            "/api/v1/post-links", headers=other.headers, json={"links": {"x": True}}
        )
    ).status_code == 200
    mine = (await api.client.get("/api/v1/post-links", headers=owner.headers)).json()
    assert next(p for p in mine["platforms"] if p["platform"] == "x")["link_to_article"] is False
