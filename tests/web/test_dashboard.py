"""The dashboard in a real browser: Playwright (web/e2e) drives Debian's Chromium against the
production build, in English and Korean, with axe's accessibility checks on every page and a
screenshot of each under web/test-artefacts/screenshots."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest

from icop.articles.repository import ArticleRepository
from icop.config import Settings
from icop.db.engine import DatabaseUrls, create_engine, create_sessionmaker
from icop.db.session import unit_of_work
from icop.models import GeneratedArticle
from icop.runtime.web import Dashboard

CHROMIUM = os.environ.get("ICOP_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "first-workspace-password"

# A model wrote it: the page must render it without running anything it smuggles in.
MARKDOWN = """# Composting at home

Kitchen scraps become soil in about three months [1].

![A compost bin in a garden](https://example.org/bin.jpg)

<script>window.pwned = true</script>

[Click me](javascript:window.pwned=true)
"""


async def _first_workspace_article(urls: DatabaseUrls, settings: Settings, tenant_id: str) -> str:
    engine = create_engine(urls.app, settings, pool_size=1, max_overflow=0)
    try:
        article = GeneratedArticle(
            id=uuid.uuid4(),
            tenant_id=uuid.UUID(tenant_id),
            topic="composting at home",
            title="Composting at home",
            language="en",
            mode="compare",
            length_words=400,
            approval_required=False,
            status="ready",
            final_markdown=MARKDOWN,
            citations=[{"n": 1, "title": "Composting basics", "url": "https://example.org/compost"}],
        )
        async with unit_of_work(create_sessionmaker(engine), article.tenant_id) as session:
            await ArticleRepository(session).add(article)
        return str(article.id)
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def first_workspace(
    live_api: str, database_urls: DatabaseUrls, settings: Settings
) -> dict[str, str]:
    email = f"first-{uuid.uuid4().hex[:8]}@example.com"
    answer = httpx.post(
        f"{live_api}/api/v1/auth/signup",
        json={"email": email, "password": PASSWORD, "company_name": "First Workspace"},
    )
    assert answer.status_code == 201, answer.text
    article_id = asyncio.run(
        _first_workspace_article(database_urls, settings, answer.json()["tenant_id"])
    )
    return {"email": email, "password": PASSWORD, "article": article_id}


def test_dashboard_in_a_real_browser(
    dashboard: Dashboard, first_workspace: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (scripts/system-deps.sh installs it)")
    artefacts = dashboard.directory / "test-artefacts"
    result = subprocess.run(
        ["npx", "--no-install", "playwright", "test"],
        cwd=dashboard.directory,
        env={
            **os.environ,
            "ICOP_WEB_URL": dashboard.url,
            "ICOP_CHROMIUM": CHROMIUM,
            "ICOP_E2E_ARTEFACTS": str(artefacts),
            "ICOP_E2E_FIRST_EMAIL": first_workspace["email"],
            "ICOP_E2E_FIRST_PASSWORD": first_workspace["password"],
            "ICOP_E2E_FIRST_ARTICLE": first_workspace["article"],
        },
        capture_output=True,
        text=True,
        timeout=600,
    )
    with capsys.disabled():  # the path is worth seeing even when the suite passes
        print(f"\ndashboard screenshots: {artefacts / 'screenshots'}")
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-4000:]
    assert sorted(p.name for p in (artefacts / "screenshots").glob("*.png"))
