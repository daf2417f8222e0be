"""The public blog in a real browser (web/e2e/blog.spec.ts): an editor publishes an approved
article from its page, a logged-out reader gets it rendered on the server with its OpenGraph,
Twitter and JSON-LD metadata and its canonical URL, finds it in the blog's sitemap.xml and RSS,
in English and Korean; drafts and a second workspace's blog never show it; unpublishing makes
it a 404. The API's canonical URLs are the dashboard's own (``ICOP_DASHBOARD_URL``)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from icop.articles.repository import ArticleRepository
from icop.config import Settings
from icop.db.engine import DatabaseUrls, create_engine, create_sessionmaker
from icop.db.session import unit_of_work
from icop.models import GeneratedArticle
from icop.runtime.web import Dashboard, Unavailable
from tests.system_services import free_port, served_api
from tests.web.conftest import add_viewer, play

PASSWORD = "blog-workspace-password"
TITLE = "Composting at home in 30 days"
SEO = {
    "title": TITLE,
    "meta_description": "Turn kitchen scraps into dark, rich soil with a heap that needs ten "
    "minutes a week.",
    "slug": "composting-at-home",
    "keywords": ["composting", "soil"],
    "hashtags": ["compost"],
}
# A model wrote it: the public page must render it without running anything it smuggles in.
MARKDOWN = """---
title: Composting at home in 30 days
slug: composting-at-home
---

# Composting at home

Kitchen scraps become soil in about three months [1]. Turn the heap weekly.

<script>window.pwned = true</script>

[Click me](javascript:window.pwned=true)

## Sources

1. [Composting basics](https://example.org/compost)
"""
IMAGE = {
    "url": "https://example.org/media/bin.jpg",
    "alt": "A wooden compost bin full of leaves",
    "width": 1200,
    "height": 630,
}


def _article(
    tenant_id: uuid.UUID, user_id: uuid.UUID, status: str, slug: str, title: str = TITLE
) -> GeneratedArticle:
    return GeneratedArticle(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        topic="composting at home",
        title="Composting at home",
        language="en",
        mode="compare",
        length_words=150,
        approval_required=True,
        status=status,
        final_markdown=MARKDOWN,
        seo={**SEO, "slug": slug, "title": title},
        images=[IMAGE],
        citations=[
            {"number": 1, "title": "Composting basics", "url": "https://example.org/compost"}
        ],
        # Approved by the owner (the decision the workflow records after "approve").
        decided_by=user_id if status == "ready" else None,
        decided_at=datetime.now(UTC) if status == "ready" else None,
    )


async def _seed(urls: DatabaseUrls, settings: Settings, articles: list[GeneratedArticle]) -> None:
    engine = create_engine(urls.app, settings, pool_size=1, max_overflow=0)
    try:
        for article in articles:
            async with unit_of_work(create_sessionmaker(engine), article.tenant_id) as session:
                await ArticleRepository(session).add(article)
    finally:
        await engine.dispose()


def _signup(api: str, company: str) -> dict[str, str]:
    email = f"blog-{uuid.uuid4().hex[:8]}@example.com"
    answer = httpx.post(
        f"{api}/api/v1/auth/signup",
        json={"email": email, "password": PASSWORD, "company_name": company},
    )
    assert answer.status_code == 201, answer.text
    return {**answer.json(), "email": email}


def _viewer(api: str, owner: dict[str, str]) -> str:
    headers = {"authorization": f"Bearer {owner['access_token']}"}
    return add_viewer(api, headers, PASSWORD, "blog-viewer")


@pytest.fixture(scope="module")
def blog_site(
    built_web: Path,
    database_urls: DatabaseUrls,
    settings: Settings,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Dashboard, str]]:
    """The API and the dashboard, with the dashboard's URL as the API's public one (the
    canonical URLs, the sitemap and RSS name it, as ``ICOP_DASHBOARD_URL`` does in a deploy)."""
    web_port = free_port()
    site = settings.model_copy(update={"dashboard_url": f"http://127.0.0.1:{web_port}"})
    with served_api(database_urls, site) as api_port:
        api = f"http://127.0.0.1:{api_port}"
        prepared = Dashboard.prepare(
            site.model_copy(
                update={
                    "web_port": web_port,
                    "web_host": "127.0.0.1",
                    "web_dir": built_web,
                    "home": tmp_path_factory.mktemp("blog-web-home"),
                }
            ),
            api_url=api,
        )
        assert not isinstance(prepared, Unavailable), prepared.reason
        prepared.start()
        try:
            yield prepared, api
        finally:
            prepared.stop()


def test_public_blog_in_a_real_browser(
    blog_site: tuple[Dashboard, str],
    database_urls: DatabaseUrls,
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
) -> None:
    dashboard, api = blog_site
    owner = _signup(api, "Blog Garden")
    viewer = _viewer(api, owner)
    tenant, user = uuid.UUID(owner["tenant_id"]), uuid.UUID(owner["user_id"])
    ready = _article(tenant, user, "ready", SEO["slug"])
    draft = _article(tenant, user, "awaiting_approval", "a-draft-in-review")
    other = _signup(api, "Other Garden")
    other_article = _article(
        uuid.UUID(other["tenant_id"]),
        uuid.UUID(other["user_id"]),
        "ready",
        "their-own-post",
        "Mulching the other garden",
    )
    asyncio.run(_seed(database_urls, settings, [ready, draft, other_article]))
    published = httpx.post(
        f"{api}/api/v1/articles/{other_article.id}/publish-web",
        headers={"authorization": f"Bearer {other['access_token']}"},
    )
    assert published.status_code == 200, published.text

    played = play(
        dashboard,
        "e2e/blog.spec.ts",
        env={
            "ICOP_E2E_BLOG_EMAIL": owner["email"],
            "ICOP_E2E_BLOG_PASSWORD": PASSWORD,
            "ICOP_E2E_BLOG_VIEWER_EMAIL": viewer,
            "ICOP_E2E_BLOG_ARTICLE": str(ready.id),
            "ICOP_E2E_BLOG_DRAFT": str(draft.id),
            "ICOP_E2E_BLOG_DRAFT_SLUG": "a-draft-in-review",
            "ICOP_E2E_BLOG_OTHER": published.json()["blog_slug"],
        },
        label="public blog",
        capsys=capsys,
    )
    assert "6 skipped" not in played.stdout
    shots = played.screenshots
    assert {"en-blog-article.png", "en-blog-index.png", "ko-blog-index.png"} <= shots
