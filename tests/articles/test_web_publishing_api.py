"""The public blog through the API: an editor publishes a ready article, anyone reads it by
slug without a login, unpublishing takes it down; drafts, other tenants' articles and forged
ids never show, and the public reads return the published snapshot's public fields only."""

from __future__ import annotations

import uuid

from sqlalchemy import select, text

from icop.articles.repository import ArticleRepository
from icop.db.session import unit_of_work
from icop.models import AuditEvent, GeneratedArticle
from icop.runtime.clients import Runtime
from tests.articles.test_versions_api import DOCUMENT, SEO
from tests.helpers import Account, ApiClient

PROBLEM = "application/problem+json"


async def _article(
    context: Runtime, owner: Account, *, status: str = "ready", slug: str = "home-composting"
) -> uuid.UUID:
    article_id = uuid.uuid4()
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        await ArticleRepository(session).add(
            GeneratedArticle(
                id=article_id,
                tenant_id=owner.tenant_id,
                topic="home composting",
                language="en",
                mode="compare",
                length_words=150,
                status=status,
                title="Home composting",
                final_markdown=DOCUMENT,
                seo={**SEO, "slug": slug},
                citations=[
                    {"number": 1, "title": "Composting basics", "url": "https://example.org/c"},
                    {"number": 2, "title": "not a link", "url": "javascript:alert(1)"},
                ],
                images=[
                    {
                        "url": "https://cdn.example.org/heap.jpg",
                        "alt": "A compost heap in a garden",
                        "width": 1200,
                        "height": 630,
                    }
                ],
                selection_rationale="internal: writer B scored higher",
                workflow_id=f"article-{article_id}",
            )
        )
    return article_id


def _web(article_id: uuid.UUID) -> str:
    return f"/api/v1/articles/{article_id}/publish-web"


async def test_publish_read_unpublish(client: ApiClient, context: Runtime) -> None:
    owner = await client.signup("Green Thumb Co")
    article_id = await _article(context, owner)

    before = await client.get(_web(article_id), headers=owner.headers)
    assert before.status_code == 200, before.text
    assert before.json()["published"] is False

    published = await client.post(_web(article_id), headers=owner.headers)
    assert published.status_code == 200, published.text
    body = published.json()
    assert body["published"] is True and body["outdated"] is False
    assert body["blog_slug"] == "green-thumb-co"
    base = context.settings.dashboard_base_url
    assert body["url"] == f"{base}/blog/green-thumb-co/home-composting"

    # No credentials: the public reads need none.
    blog = await client.get("/api/v1/public/blogs/green-thumb-co")
    assert blog.status_code == 200, blog.text
    assert blog.json()["name"] == "Green Thumb Co"
    assert [a["slug"] for a in blog.json()["articles"]] == ["home-composting"]

    page = await client.get("/api/v1/public/blogs/green-thumb-co/articles/home-composting")
    assert page.status_code == 200, page.text
    article = page.json()
    assert article["title"] == SEO["title"]
    assert article["description"] == SEO["meta_description"]
    assert article["url"] == body["url"]
    assert article["images"] == [
        {
            "url": "https://cdn.example.org/heap.jpg",
            "alt": "A compost heap in a garden",
            "width": 1200,
            "height": 630,
        }
    ]
    # Only sources with a web address become links; the body has no front matter, no
    # source list and no title (the page prints those itself).
    assert article["citations"] == [
        {"number": 1, "title": "Composting basics", "url": "https://example.org/c"}
    ]
    assert not article["markdown"].startswith("---")
    assert "## Sources" not in article["markdown"]
    assert not article["markdown"].startswith("# ")
    assert "Turning the pile every week" in article["markdown"]
    # Internal fields never reach the public document.
    assert "writer B" not in page.text and str(article_id) not in page.text
    assert str(owner.tenant_id) not in page.text

    # An edit is not live until it is published again.
    edited = DOCUMENT.replace("every week", "every ten days")
    saved = await client.put(
        f"/api/v1/articles/{article_id}/content",
        headers={**owner.headers, "If-Match": '"v1"'},
        json={"markdown": edited},
    )
    assert saved.status_code == 200, saved.text
    assert (await client.get(_web(article_id), headers=owner.headers)).json()["outdated"] is True
    page = await client.get("/api/v1/public/blogs/green-thumb-co/articles/home-composting")
    assert "every week" in page.json()["markdown"]
    again = await client.post(_web(article_id), headers=owner.headers)
    assert again.status_code == 200 and again.json()["outdated"] is False
    assert again.json()["published_at"] == body["published_at"]
    page = await client.get("/api/v1/public/blogs/green-thumb-co/articles/home-composting")
    assert "every ten days" in page.json()["markdown"]

    gone = await client.delete(_web(article_id), headers=owner.headers)
    assert gone.status_code == 204, gone.text
    missing = await client.get("/api/v1/public/blogs/green-thumb-co/articles/home-composting")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith(PROBLEM)
    blog = await client.get("/api/v1/public/blogs/green-thumb-co")
    assert blog.status_code == 200 and blog.json()["articles"] == []
    # Unpublishing twice is not an error.
    assert (await client.delete(_web(article_id), headers=owner.headers)).status_code == 204

    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        actions = list(
            await session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.target_id == str(article_id))
                .order_by(AuditEvent.created_at)
            )
        )
    assert actions.count("article.published_web") == 2
    assert actions.count("article.unpublished_web") == 1


async def test_only_a_ready_article_is_published(client: ApiClient, context: Runtime) -> None:
    owner = await client.signup("Drafty")
    for status in ("awaiting_approval", "needs_review", "rejected", "running"):
        article_id = await _article(context, owner, status=status, slug=f"s-{status[:4]}")
        refused = await client.post(_web(article_id), headers=owner.headers)
        assert refused.status_code == 409, (status, refused.text)
        assert "only a ready" in refused.json()["detail"]
    # Nothing was published, so the workspace has no blog yet.
    assert (await client.get("/api/v1/public/blogs/drafty")).status_code == 404


async def test_slugs_are_per_blog_and_unique_within_one(
    client: ApiClient, context: Runtime
) -> None:
    first = await client.signup("Same Name")
    second = await client.signup("Same Name")
    a1 = await _article(context, first)
    a2 = await _article(context, first)
    b1 = await _article(context, second)
    assert (await client.post(_web(a1), headers=first.headers)).status_code == 200
    clash = await client.post(_web(a2), headers=first.headers)
    assert clash.status_code == 409 and "another published article" in clash.json()["detail"]
    other = await client.post(_web(b1), headers=second.headers)
    assert other.status_code == 200, other.text
    # Two workspaces with the same name get two blogs.
    assert other.json()["blog_slug"] == f"same-name-{second.tenant_id.hex[:8]}"
    assert other.json()["blog_slug"] != "same-name"


async def test_no_tenant_reads_or_touches_another_tenants_blog(
    client: ApiClient, context: Runtime
) -> None:
    owner = await client.signup("Leafy")
    intruder = await client.signup("Intruder")
    article_id = await _article(context, owner)
    draft_id = await _article(context, owner, status="awaiting_approval", slug="a-draft")
    # Forged ids: another tenant's article is not found, whether to publish, read or take down.
    for method in ("GET", "POST", "DELETE"):
        forged = await client.request(method, _web(article_id), headers=intruder.headers)
        assert forged.status_code == 404, (method, forged.text)
    assert (await client.post(_web(article_id), headers=owner.headers)).status_code == 200
    assert (await client.delete(_web(article_id), headers=intruder.headers)).status_code == 404
    assert (await client.get("/api/v1/public/blogs/leafy/articles/home-composting")).is_success

    # The intruder's own blog never lists the first tenant's article, and the first blog's
    # article slug under the intruder's blog is a 404.
    intruder_article = await _article(context, intruder, slug="intruder-post")
    assert (await client.post(_web(intruder_article), headers=intruder.headers)).is_success
    theirs = await client.get("/api/v1/public/blogs/intruder")
    assert [a["slug"] for a in theirs.json()["articles"]] == ["intruder-post"]
    crossed = await client.get("/api/v1/public/blogs/intruder/articles/home-composting")
    assert crossed.status_code == 404
    crossed = await client.get("/api/v1/public/blogs/leafy/articles/intruder-post")
    assert crossed.status_code == 404
    # A draft is never visible, whatever its slug; a malformed slug is refused.
    assert (await client.get("/api/v1/public/blogs/leafy/articles/a-draft")).status_code == 404
    assert draft_id
    assert (await client.get("/api/v1/public/blogs/Leafy%20X")).status_code == 422
    assert (await client.get("/api/v1/public/blogs/nobody-here")).status_code == 404


async def test_a_suspended_tenants_blog_is_gone(client: ApiClient, context: Runtime) -> None:
    owner = await client.signup("Paused Garden")
    article_id = await _article(context, owner)
    assert (await client.post(_web(article_id), headers=owner.headers)).is_success
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        await session.execute(text("UPDATE tenants SET status = 'suspended'"))
    assert (await client.get("/api/v1/public/blogs/paused-garden")).status_code == 404
    page = await client.get("/api/v1/public/blogs/paused-garden/articles/home-composting")
    assert page.status_code == 404


async def test_a_viewer_cannot_publish(client: ApiClient, context: Runtime) -> None:
    owner = await client.signup("Viewers")
    viewer = await client.add_member(owner, "viewer")
    article_id = await _article(context, owner)
    assert (await client.post(_web(article_id), headers=viewer.headers)).status_code == 403
    assert (await client.get(_web(article_id), headers=viewer.headers)).status_code == 200
