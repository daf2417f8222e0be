"""The image editor in a real browser (web/e2e/editor.spec.ts): an article's card opened from
the review page, an English and a Korean command, a sentence not understood, undo and redo
(buttons and keys), a drag stored as a move, publishing (the article then shows the published
JPEG), a conflict with a change made elsewhere, the page in Korean, and a viewer's read-only
canvas. The article's image is made the way the graph makes it (``ArticleImages``: the local
renderer's card, a design per image, with the article's id) and its design is asked for through
the API (``POST /designs {image_id}`` answers with the existing one)."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from icop.agents.schemas import ImagePrompt
from icop.articles.images import ArticleImages, image_id_for
from icop.articles.repository import ArticleRepository
from icop.config import Settings
from icop.db.engine import DatabaseUrls, create_engine, create_sessionmaker
from icop.db.session import unit_of_work
from icop.models import GeneratedArticle
from icop.models.article import ArticleImage
from icop.runtime.clients import Runtime
from icop.runtime.web import Dashboard
from tests.helpers import fake_providers
from tests.web.conftest import add_viewer, play

PASSWORD = "editor-owner-password"
VIEWER_PASSWORD = "editor-viewer-password"
PROMPT = ImagePrompt(prompt="a compost heap at dawn", alt="Compost heap", aspect="4:5")
TITLE = "Compost at home"


async def _seed(urls: DatabaseUrls, settings: Settings, tenant_id: str) -> str:
    tenant = uuid.UUID(tenant_id)
    article_id = uuid.uuid4()
    engine = create_engine(urls.app, settings, pool_size=1, max_overflow=0)
    try:
        sessionmaker = create_sessionmaker(engine)
        runtime = Runtime.from_settings(
            settings, engine=engine, sessionmaker=sessionmaker, llm_providers=fake_providers()
        )
        async with unit_of_work(sessionmaker, tenant) as session:
            await ArticleRepository(session).add(
                GeneratedArticle(
                    id=article_id,
                    tenant_id=tenant,
                    topic="home composting",
                    language="en",
                    status="running",
                    workflow_id=f"article-{article_id}",
                )
            )
        # The graph's image step: the local renderer's card, stored, and its design.
        assets = await ArticleImages(sessionmaker, runtime.images, None).make(
            tenant, str(article_id), [PROMPT], title=TITLE
        )
        images = [ArticleImage.model_validate(asset.model_dump()) for asset in assets]
        markdown = f"# {TITLE}\n\n![{PROMPT.alt}]({images[0].url})\n\nTurn the heap every week.\n"
        async with unit_of_work(sessionmaker, tenant) as session:
            await ArticleRepository(session).update(
                article_id,
                status="ready",
                title=TITLE,
                final_markdown=markdown,
                images=images,
                thumbnail_url=images[0].url,
            )
        return str(article_id)
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def editing(live_api: str, database_urls: DatabaseUrls, settings: Settings) -> dict[str, str]:
    email = f"editor-{uuid.uuid4().hex[:8]}@example.com"
    signup = httpx.post(
        f"{live_api}/api/v1/auth/signup",
        json={"email": email, "password": PASSWORD, "company_name": "Editor Garden Co"},
    )
    assert signup.status_code == 201, signup.text
    owner = {"authorization": f"Bearer {signup.json()['access_token']}"}
    article_id = asyncio.run(_seed(database_urls, settings, signup.json()["tenant_id"]))
    image_id = image_id_for(article_id, 0, PROMPT)
    # The image already is a design (the image step made it): the API answers with it, 200.
    design = httpx.post(
        f"{live_api}/api/v1/designs", headers=owner, json={"image_id": str(image_id)}
    )
    assert design.status_code == 200, design.text
    assert design.json()["article_id"] == article_id
    viewer = add_viewer(live_api, owner, VIEWER_PASSWORD, "viewer")
    return {
        "email": email,
        "password": PASSWORD,
        "viewer_email": viewer,
        "viewer_password": VIEWER_PASSWORD,
        "article": article_id,
        "design": design.json()["id"],
    }


def test_the_image_editor_in_a_real_browser(
    dashboard: Dashboard, editing: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    played = play(
        dashboard,
        "e2e/editor.spec.ts",
        env={
            "ICOP_E2E_EDITOR_EMAIL": editing["email"],
            "ICOP_E2E_EDITOR_PASSWORD": editing["password"],
            "ICOP_E2E_EDITOR_VIEWER_EMAIL": editing["viewer_email"],
            "ICOP_E2E_EDITOR_VIEWER_PASSWORD": editing["viewer_password"],
            "ICOP_E2E_EDITOR_ARTICLE": editing["article"],
            "ICOP_E2E_EDITOR_DESIGN": editing["design"],
        },
        label="image editor",
        capsys=capsys,
    )
    assert {"en-editor.png", "ko-editor.png"} <= played.screenshots
