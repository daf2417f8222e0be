"""The Brand page in a real browser, against the module's one dashboard:

- the logo (web/e2e/brand-logo.spec.ts): upload a PNG, see it on the API-rendered sample
  card, have an SVG refused, remove it; the same in Korean; a viewer sees it and cannot change
  it (the API refuses anyway);
- brand learning, trends and video posts (web/e2e/brand-learning.spec.ts): a proposal learned
  through the API accepted as version 1, another learned in the browser accepted with an edit
  as version 2, the two compared, a rollback to 1; the nightly trends with a suggestion
  promoted and a second promote refused (409); a video post in the calendar with its cover and
  badge, its player in the post's panel and the composer, the article's video and segments."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from icop.articles.repository import ArticleRepository
from icop.config import Settings
from icop.db.engine import DatabaseUrls, create_engine, create_sessionmaker
from icop.db.session import unit_of_work
from icop.models import GeneratedArticle
from icop.runtime.web import Dashboard
from tests.brand.test_brand_learning import flat_logo
from tests.brand.test_brand_versions_api import ARTICLES
from tests.web.conftest import add_viewer, play
from tests.web.seeding import VIDEO_COVER, add_trends, add_video_post

PASSWORD = "brand-logo-owner-password"
VIEWER_PASSWORD = "brand-logo-viewer-password"


@pytest.fixture(scope="module")
def logo_workspace(live_api: str) -> dict[str, str]:
    email = f"logo-{uuid.uuid4().hex[:8]}@example.com"
    signup = httpx.post(
        f"{live_api}/api/v1/auth/signup",
        json={"email": email, "password": PASSWORD, "company_name": "Logo Garden Co"},
    )
    assert signup.status_code == 201, signup.text
    owner = {"authorization": f"Bearer {signup.json()['access_token']}"}
    viewer = add_viewer(live_api, owner, VIEWER_PASSWORD, "logo-viewer")
    return {"email": email, "viewer_email": viewer}


def test_brand_logo_in_a_real_browser(
    dashboard: Dashboard, logo_workspace: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    played = play(
        dashboard,
        "e2e/brand-logo.spec.ts",
        env={
            "ICOP_E2E_LOGO_EMAIL": logo_workspace["email"],
            "ICOP_E2E_LOGO_PASSWORD": PASSWORD,
            "ICOP_E2E_LOGO_VIEWER_EMAIL": logo_workspace["viewer_email"],
            "ICOP_E2E_LOGO_VIEWER_PASSWORD": VIEWER_PASSWORD,
        },
        label="brand logo",
        capsys=capsys,
    )
    names = played.screenshots
    assert {"en-brand-logo.png", "en-brand-logo-refused.png", "ko-brand-logo.png"} <= names


BRAND_PASSWORD = "brand-learning-owner-password"


async def _seed_trends_and_video(
    urls: DatabaseUrls, settings: Settings, tenant_id: str, post_at: datetime
) -> dict[str, str]:
    tenant = uuid.UUID(tenant_id)
    engine = create_engine(urls.app, settings, pool_size=1, max_overflow=0)
    try:
        async with unit_of_work(create_sessionmaker(engine), tenant) as session:
            article = await ArticleRepository(session).add(
                GeneratedArticle(
                    id=uuid.uuid4(),
                    tenant_id=tenant,
                    topic="composting at home",
                    title="Composting at home",
                    language="en",
                    mode="compare",
                    length_words=400,
                    approval_required=False,
                    status="ready",
                    final_markdown="# Composting at home\n\nGreens, browns, air and water.\n",
                )
            )
            suggestions = await add_trends(session, tenant, datetime.now(UTC))
            made = await add_video_post(session, tenant, article.id, post_at)
        return {
            "article": str(article.id),
            "second_suggestion": str(suggestions[1]),
            "video": str(made["video"]),
        }
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def brand_workspace(
    live_api: str, database_urls: DatabaseUrls, settings: Settings
) -> dict[str, str]:
    """An owner with a pending proposal learned through the API (a logo and three articles),
    an imported-plan pipeline, trends, and an article with a ready video and its post."""
    email = f"brand-{uuid.uuid4().hex[:8]}@example.com"
    signup = httpx.post(
        f"{live_api}/api/v1/auth/signup",
        json={"email": email, "password": BRAND_PASSWORD, "company_name": "Green Thumbs"},
    )
    assert signup.status_code == 201, signup.text
    owner = {"authorization": f"Bearer {signup.json()['access_token']}"}
    files = [("images", ("logo.png", flat_logo(), "image/png"))] + [
        ("samples", (f"article-{index}.html", text.encode(), "text/html"))
        for index, text in enumerate(ARTICLES)
    ]
    learned = httpx.post(
        f"{live_api}/api/v1/brand/learn",
        headers=owner,
        files=files,
        data={"name": "Green Thumbs"},
        timeout=60,
    )
    assert learned.status_code == 201, learned.text
    pipeline = httpx.post(
        f"{live_api}/api/v1/pipelines",
        headers=owner,
        json={"name": "Garden plan", "source_type": "import"},
    )
    assert pipeline.status_code == 201, pipeline.text
    # Two days ahead at 09:00 UTC (the workspace's zone): in the future, on a known day.
    post_at = (datetime.now(UTC) + timedelta(days=2)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    seeded = asyncio.run(
        _seed_trends_and_video(database_urls, settings, signup.json()["tenant_id"], post_at)
    )
    return {
        "email": email,
        "pipeline": pipeline.json()["id"],
        "post_day": post_at.date().isoformat(),
        **seeded,
    }


def test_brand_learning_trends_and_video_posts_in_a_real_browser(
    dashboard: Dashboard, brand_workspace: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    played = play(
        dashboard,
        "e2e/brand-learning.spec.ts",
        env={
            "ICOP_E2E_BRAND_EMAIL": brand_workspace["email"],
            "ICOP_E2E_BRAND_PASSWORD": BRAND_PASSWORD,
            "ICOP_E2E_BRAND_PIPELINE": brand_workspace["pipeline"],
            "ICOP_E2E_BRAND_PIPELINE_NAME": "Garden plan",
            "ICOP_E2E_BRAND_SECOND_SUGGESTION": brand_workspace["second_suggestion"],
            "ICOP_E2E_BRAND_ARTICLE": brand_workspace["article"],
            "ICOP_E2E_BRAND_VIDEO": brand_workspace["video"],
            "ICOP_E2E_BRAND_POST_DAY": brand_workspace["post_day"],
            "ICOP_E2E_BRAND_COVER": VIDEO_COVER,
        },
        label="brand learning, trends and video posts",
        capsys=capsys,
    )
    assert {
        "en-brand-proposal.png",
        "en-brand-versions.png",
        "en-trends.png",
        "en-calendar-video.png",
        "en-videos.png",
        "en-composer-video.png",
    } <= played.screenshots
