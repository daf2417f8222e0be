"""The workspace pages in a real browser (web/e2e/workspace.spec.ts): the notification bell,
the brand page (kit with its contrast check and sample card, voice samples, knowledge
documents), usage with its chart, and settings (members and invitations, API keys, the audit
log), in English and Korean, as an admin and as a read-only viewer. The notices and the model
calls the pages show are seeded the way the workers would record them."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from icop.config import Settings
from icop.db.engine import DatabaseUrls, create_engine, create_sessionmaker
from icop.db.session import unit_of_work
from icop.llm.ledger.repository import LedgerRepository
from icop.models import LlmCall, NotificationKind
from icop.notifications import service as notifications
from icop.runtime.web import Dashboard
from tests.web.conftest import add_viewer, play

PASSWORD = "workspace-admin-password"
VIEWER_PASSWORD = "workspace-viewer-password"


async def _seed(urls: DatabaseUrls, settings: Settings, tenant_id: str) -> dict[str, str]:
    """Two unread notices (an article waiting for approval, a failed run) and three days of
    model calls by two models on two tasks."""
    tenant = uuid.UUID(tenant_id)
    article_id, run_id = uuid.uuid4(), uuid.uuid4()
    engine = create_engine(urls.app, settings, pool_size=1, max_overflow=0)
    try:
        async with unit_of_work(create_sessionmaker(engine), tenant) as session:
            await notifications.notify(
                session,
                tenant_id=tenant,
                kind=NotificationKind.RUN_FAILED,
                title="The garden plan run failed",
                detail="Row 2: the source sheet was empty",
                target_type="run",
                target_id=run_id,
            )
            await notifications.notify(
                session,
                tenant_id=tenant,
                kind=NotificationKind.APPROVAL_WAITING,
                title="Watering a vegetable garden awaits approval",
                target_type="article",
                target_id=article_id,
            )
            ledger = LedgerRepository(session)
            now = datetime.now(UTC)
            for days_ago, model, task, cost in (
                (2, "writer-large", "write.draft", "0.0300"),
                (2, "judge-small", "edit.judge", "0.0040"),
                (1, "writer-large", "write.draft", "0.0450"),
                (0, "judge-small", "edit.judge", "0.0060"),
            ):
                await ledger.add(
                    LlmCall(
                        tenant_id=tenant,
                        task=task,
                        status="ok",
                        provider="fake",
                        model=model,
                        prompt_tokens=1200,
                        completion_tokens=400,
                        cost_usd=Decimal(cost),
                        latency_ms=850.0,
                        context_tokens_before=1200,
                        context_tokens_after=1200,
                        attempts=[],
                        created_at=now - timedelta(days=days_ago),
                    )
                )
        return {"notified_article": str(article_id)}
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def workspace(live_api: str, database_urls: DatabaseUrls, settings: Settings) -> dict[str, str]:
    email = f"admin-{uuid.uuid4().hex[:8]}@example.com"
    signup = httpx.post(
        f"{live_api}/api/v1/auth/signup",
        json={"email": email, "password": PASSWORD, "company_name": "Workspace Garden Co"},
    )
    assert signup.status_code == 201, signup.text
    owner = {"authorization": f"Bearer {signup.json()['access_token']}"}
    seeded = asyncio.run(_seed(database_urls, settings, signup.json()["tenant_id"]))
    # A viewer, invited and accepted through the API, for the read-only pages.
    viewer = add_viewer(live_api, owner, VIEWER_PASSWORD, "viewer")
    return {
        "email": email,
        "password": PASSWORD,
        "viewer_email": viewer,
        "viewer_password": VIEWER_PASSWORD,
        **seeded,
    }


def test_workspace_pages_in_a_real_browser(
    dashboard: Dashboard, workspace: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    played = play(
        dashboard,
        "e2e/workspace.spec.ts",
        env={
            "ICOP_E2E_WORKSPACE_EMAIL": workspace["email"],
            "ICOP_E2E_WORKSPACE_PASSWORD": workspace["password"],
            "ICOP_E2E_WORKSPACE_VIEWER_EMAIL": workspace["viewer_email"],
            "ICOP_E2E_WORKSPACE_VIEWER_PASSWORD": workspace["viewer_password"],
            "ICOP_E2E_WORKSPACE_NOTIFIED_ARTICLE": workspace["notified_article"],
        },
        label="workspace",
        capsys=capsys,
    )
    names = played.screenshots
    assert {"en-brand-editor.png", "ko-brand-editor.png", "en-usage-chart.png"} <= names
    assert {"ko-usage-chart.png", "en-settings.png"} <= names
