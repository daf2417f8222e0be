"""Blog links in a real browser (web/e2e/blog-links.spec.ts): an admin chooses the blog's
address on the settings page (refused as it types when malformed, a clear message when another
workspace has it; the old address is a 404 at once), ticks which platforms' posts link to the
article on the accounts page, publishes the article and its scheduled posts carry the public
link; an X account with a refresh token says it refreshes automatically, one without says to
reconnect; a viewer changes nothing; in English and Korean, axe-checked, with screenshots."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from icop.config import Settings
from icop.credentials.vault import build_keyring
from icop.db.engine import DatabaseUrls, create_engine, create_sessionmaker
from icop.db.session import unit_of_work
from icop.models import GeneratedArticle, Post, SocialAccount
from icop.runtime.web import Dashboard
from icop.syndication.platforms.base import TokenGrant
from icop.syndication.tokens import store_grant
from tests.web.conftest import play
from tests.web.test_blog import (  # noqa: F401 - blog_site is a fixture
    PASSWORD,
    _article,
    _seed,
    _signup,
    _viewer,
    blog_site,
)

SOCIAL = {
    "facebook": {"text": "Compost at home: greens, browns and patience."},
    "x": {"text": "Compost at home in three rules. #compost"},
}


def _account(tenant_id: uuid.UUID, platform: str, name: str) -> SocialAccount:
    return SocialAccount(
        tenant_id=tenant_id,
        id=uuid.uuid4(),
        platform=platform,
        platform_account_id=f"{platform}-{uuid.uuid4().hex[:8]}",
        name=name,
        provider=platform,
        status="connected",
    )


async def _seed_posting(
    urls: DatabaseUrls, settings: Settings, tenant_id: uuid.UUID, article_id: uuid.UUID
) -> dict[str, str]:
    """Three accounts (X renewing itself, X without a refresh token, a Facebook Page) and a
    post of the article scheduled to each X-renewing and Facebook account, before it is on
    the blog: the rows the connect flow and the planner write."""
    engine = create_engine(urls.app, settings, pool_size=1, max_overflow=0)
    keyring = build_keyring(settings)
    expires = datetime.now(UTC) + timedelta(hours=2)
    posts: dict[str, str] = {}
    try:
        async with unit_of_work(create_sessionmaker(engine), tenant_id) as session:
            renewing = _account(tenant_id, "x", "Garden on X")
            stuck = _account(tenant_id, "x", "Old X profile")
            page = _account(tenant_id, "facebook", "Garden Page")
            session.add_all([renewing, stuck, page])
            await session.flush()
            await store_grant(session, keyring, renewing, TokenGrant("t-1", "r-1", expires))
            await store_grant(session, keyring, stuck, TokenGrant("t-2", None, expires))
            await store_grant(session, keyring, page, TokenGrant("t-3", None, None))
            for account in (renewing, page):
                post_id = uuid.uuid4()
                session.add(
                    Post(
                        tenant_id=tenant_id,
                        id=post_id,
                        social_account_id=account.id,
                        article_id=article_id,
                        platform=account.platform,
                        parts=[{"text": SOCIAL[account.platform]["text"], "media": []}],
                        scheduled_at=datetime.now(UTC) + timedelta(days=2),
                        status="scheduled",
                        platform_post_ids=[None],
                        workflow_id=f"post-{post_id}",
                    )
                )
                posts[account.platform] = str(post_id)
    finally:
        await engine.dispose()
    return posts


def test_blog_links_in_a_real_browser(
    blog_site: tuple[Dashboard, str],  # noqa: F811 - the imported fixture
    database_urls: DatabaseUrls,
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
) -> None:
    dashboard, api = blog_site
    owner = _signup(api, "Link Garden")
    viewer = _viewer(api, owner)
    tenant, user = uuid.UUID(owner["tenant_id"]), uuid.UUID(owner["user_id"])
    article: GeneratedArticle = _article(tenant, user, "ready", "compost-links")
    article.social = SOCIAL
    article.images = []  # a link post on Facebook (its `link` field), not a photo post
    asyncio.run(_seed(database_urls, settings, [article]))
    posts = asyncio.run(_seed_posting(database_urls, settings, tenant, article.id))
    # A second workspace holds an address the first will ask for.
    other = _signup(api, "Rival Garden")
    taken_slug = f"rival-{uuid.uuid4().hex[:6]}"
    claimed = httpx.put(
        f"{api}/api/v1/blog",
        headers={"authorization": f"Bearer {other['access_token']}"},
        json={"blog_slug": taken_slug},
    )
    assert claimed.status_code == 200, claimed.text

    played = play(
        dashboard,
        "e2e/blog-links.spec.ts",
        env={
            "ICOP_E2E_LINKS_EMAIL": owner["email"],
            "ICOP_E2E_LINKS_PASSWORD": PASSWORD,
            "ICOP_E2E_LINKS_VIEWER_EMAIL": viewer,
            "ICOP_E2E_LINKS_ARTICLE": str(article.id),
            "ICOP_E2E_LINKS_X_POST": posts["x"],
            "ICOP_E2E_LINKS_FACEBOOK_POST": posts["facebook"],
            "ICOP_E2E_LINKS_TAKEN": taken_slug,
        },
        label="blog links",
        capsys=capsys,
    )
    assert "skipped" not in played.stdout
    shots = played.screenshots
    assert {
        "en-links-settings.png",
        "en-links-accounts.png",
        "ko-links-settings.png",
        "ko-links-accounts.png",
    } <= shots, shots
