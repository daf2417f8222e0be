"""The dashboard in a real browser: Playwright (web/e2e) drives Debian's Chromium against the
production build, in English and Korean, with axe's accessibility checks on every page and a
screenshot of each under web/test-artefacts/screenshots."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from icop.articles.repository import ArticleRepository
from icop.config import Settings
from icop.db.engine import DatabaseUrls, create_engine, create_sessionmaker
from icop.db.session import unit_of_work
from icop.events import service as events
from icop.models import ArticleStatus, GeneratedArticle, RunStatus
from icop.planning.repository import RunRepository
from icop.runtime.web import Dashboard
from tests.web.conftest import play
from tests.web.seeding import add_live_run

PASSWORD = "first-workspace-password"

# A model wrote it: the page must render it without running anything it smuggles in.
MARKDOWN = """# Composting at home

Kitchen scraps become soil in about three months [1].

![A compost bin in a garden](https://example.org/bin.jpg)

<script>window.pwned = true</script>

[Click me](javascript:window.pwned=true)
"""


# Waiting for approval, with a finding of the publishability gate: the one the browser edits.
REVIEW_MARKDOWN = """# Watering a vegetable garden

Water the beds every morning, at the roots, so that the leaves stay dry [1].

A deep soak twice a week beats a daily sprinkle.
"""
REVIEW_FINDING = {
    "code": "uncited_claim",
    "action": "blocking",
    "detail": "'A deep soak twice a week beats a daily sprinkle.' cites no source",
}


async def _first_workspace_articles(
    urls: DatabaseUrls, settings: Settings, tenant_id: str
) -> tuple[str, str]:
    engine = create_engine(urls.app, settings, pool_size=1, max_overflow=0)
    try:
        review = GeneratedArticle(
            id=uuid.uuid4(),
            tenant_id=uuid.UUID(tenant_id),
            topic="watering a vegetable garden",
            title="Watering a vegetable garden",
            language="en",
            mode="compare",
            length_words=400,
            approval_required=True,
            status="awaiting_approval",
            final_markdown=REVIEW_MARKDOWN,
            citations=[{"n": 1, "title": "Watering guide", "url": "https://example.org/water"}],
            quality={"passed": False, "findings": [REVIEW_FINDING]},
        )
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
            citations=[
                {"n": 1, "title": "Composting basics", "url": "https://example.org/compost"}
            ],
        )
        async with unit_of_work(create_sessionmaker(engine), article.tenant_id) as session:
            await ArticleRepository(session).add(article)
            await ArticleRepository(session).add(review)
        return str(article.id), str(review.id)
    finally:
        await engine.dispose()


# -- a pipeline run the browser follows live ------------------------------------------------


async def _running_pipeline(
    urls: DatabaseUrls, settings: Settings, tenant_id: str, pipeline_id: str
) -> dict[str, str]:
    """A run in the middle of writing its one row's article: research done, writer_a busy."""
    tenant, pipeline, article_id = uuid.UUID(tenant_id), uuid.UUID(pipeline_id), uuid.uuid4()
    started = datetime.now(UTC) - timedelta(seconds=5)
    engine = create_engine(urls.app, settings, pool_size=1, max_overflow=0)
    try:
        async with unit_of_work(create_sessionmaker(engine), tenant) as session:
            await ArticleRepository(session).add(
                GeneratedArticle(
                    id=article_id,
                    tenant_id=tenant,
                    topic="vegetable garden",
                    sub_topic="Raised beds",
                    language="en",
                    mode="compare",
                    length_words=400,
                    status="running",
                    current_step="writer_a",
                )
            )
            run_id = await add_live_run(session, tenant, pipeline, article_id, started)
        return {"pipeline": pipeline_id, "run": str(run_id), "run_article": str(article_id)}
    finally:
        await engine.dispose()


async def _finish_the_run(
    urls: DatabaseUrls, settings: Settings, tenant_id: str, live: dict[str, str]
) -> None:
    """What the workers would commit next, one unit of work per change as they do."""
    tenant, run_id, article_id = (
        uuid.UUID(tenant_id),
        uuid.UUID(live["run"]),
        uuid.UUID(live["run_article"]),
    )
    engine = create_engine(urls.app, settings, pool_size=1, max_overflow=0)
    maker = create_sessionmaker(engine)
    now = datetime.now(UTC)
    try:
        async with unit_of_work(maker, tenant) as session:
            await events.record(
                session,
                tenant,
                kind="step",
                status="finished",
                run_id=run_id,
                row_number=1,
                article_id=article_id,
                step="writer_a",
                started_at=now - timedelta(seconds=9),
                finished_at=now,
                cost_usd=0.002,
            )
        async with unit_of_work(maker, tenant) as session:
            article = await ArticleRepository(session).must_get(article_id)
            article.status = ArticleStatus.READY
            article.current_step = None
            await events.record(
                session,
                tenant,
                kind="article",
                status="ready",
                run_id=run_id,
                row_number=1,
                article_id=article_id,
            )
        async with unit_of_work(maker, tenant) as session:
            runs = RunRepository(session)
            await runs.set_row(run_id, 1, status="done", step=None, articles_done=1)
            await events.record(
                session, tenant, kind="row", status="done", run_id=run_id, row_number=1
            )
        async with unit_of_work(maker, tenant) as session:
            run = await RunRepository(session).must_get(run_id)
            run.status = RunStatus.SUCCEEDED
            run.rows_done = 1
            run.finished_at = datetime.now(UTC)
            await events.record(session, tenant, kind="run", status="succeeded", run_id=run_id)
    finally:
        await engine.dispose()


def _finish_when_watched(
    signal: Path, urls: DatabaseUrls, settings: Settings, tenant_id: str, live: dict[str, str]
) -> threading.Thread:
    """The browser says (a file) when its live view is open; the run then moves on."""

    def wait_then_finish() -> None:
        deadline = time.monotonic() + 300
        while not signal.exists():
            if time.monotonic() > deadline:
                return
            time.sleep(0.1)
        asyncio.run(_finish_the_run(urls, settings, tenant_id, live))

    thread = threading.Thread(target=wait_then_finish, daemon=True)
    thread.start()
    return thread


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
    tenant_id = answer.json()["tenant_id"]
    article_id, review_id = asyncio.run(
        _first_workspace_articles(database_urls, settings, tenant_id)
    )
    pipeline = httpx.post(
        f"{live_api}/api/v1/pipelines",
        headers={"authorization": f"Bearer {answer.json()['access_token']}"},
        json={"name": "Garden plan", "source_type": "import"},
    )
    assert pipeline.status_code == 201, pipeline.text
    live = asyncio.run(_running_pipeline(database_urls, settings, tenant_id, pipeline.json()["id"]))
    return {
        "email": email,
        "password": PASSWORD,
        "tenant": tenant_id,
        "article": article_id,
        "review": review_id,
        **live,
    }


def test_dashboard_in_a_real_browser(
    dashboard: Dashboard,
    first_workspace: dict[str, str],
    database_urls: DatabaseUrls,
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
) -> None:
    signal = dashboard.directory / "test-artefacts" / "live-view-open"
    signal.unlink(missing_ok=True)
    finisher = _finish_when_watched(
        signal, database_urls, settings, first_workspace["tenant"], first_workspace
    )
    played = play(
        dashboard,
        env={
            "ICOP_E2E_FIRST_EMAIL": first_workspace["email"],
            "ICOP_E2E_FIRST_PASSWORD": first_workspace["password"],
            "ICOP_E2E_FIRST_ARTICLE": first_workspace["article"],
            "ICOP_E2E_REVIEW_ARTICLE": first_workspace["review"],
            "ICOP_E2E_PIPELINE": first_workspace["pipeline"],
            "ICOP_E2E_RUN": first_workspace["run"],
            "ICOP_E2E_LIVE_SIGNAL": str(signal),
        },
        label="dashboard",
        capsys=capsys,
    )
    finisher.join(timeout=30)
    assert played.screenshots
