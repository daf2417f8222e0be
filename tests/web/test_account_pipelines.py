"""The account pages an e-mail links to (verify, forgot/reset password) and the pipelines
pages (upload with a preview, schedule, run now), in a real browser: web/e2e/account.spec.ts
and web/e2e/pipelines.spec.ts against the production build, the real API with the fake model
provider, its local mail sink, and an embedded Temporal dev server (no workers: a run that the
page starts stays queued, which is enough to open its live view)."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from icop.config import Settings
from icop.db.engine import DatabaseUrls
from icop.orchestrator.connection import TemporalSettings
from icop.orchestrator.dev_server import EmbeddedTemporal
from icop.runtime.web import Dashboard
from tests.storage.seaweed import free_port_pairs
from tests.system_services import served_api
from tests.web.conftest import play

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "account-pages-password"


@pytest.fixture(scope="module")
def web_temporal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TemporalSettings]:
    embedded = EmbeddedTemporal(tmp_path_factory.mktemp("web-temporal"), port=free_port_pairs(1)[0])
    asyncio.run(embedded.start())
    try:
        yield TemporalSettings(home=embedded.home, port=embedded.port)
    finally:
        embedded.stop()


@pytest.fixture(scope="module")
def live_api(
    database_urls: DatabaseUrls, settings: Settings, web_temporal: TemporalSettings
) -> Iterator[str]:
    """This module's API can start runs and keep schedules (tests/web/conftest.py's cannot)."""
    with served_api(database_urls, settings, temporal=web_temporal) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def account(live_api: str) -> dict[str, str]:
    email = f"account-{uuid.uuid4().hex[:8]}@example.com"
    answer = httpx.post(
        f"{live_api}/api/v1/auth/signup",
        json={
            "email": email,
            "password": PASSWORD,
            "company_name": "Account Pages",
            "language": "en",
        },
    )
    assert answer.status_code == 201, answer.text
    return {"email": email, "password": PASSWORD}


def test_account_and_pipeline_pages_in_a_real_browser(
    dashboard: Dashboard,
    account: dict[str, str],
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
) -> None:
    play(
        dashboard,
        "e2e/account.spec.ts",
        "e2e/pipelines.spec.ts",
        env={
            "ICOP_E2E_ACCOUNT_EMAIL": account["email"],
            "ICOP_E2E_ACCOUNT_PASSWORD": account["password"],
            # The spec reads the API's mail sink with the product's own reader.
            "ICOP_E2E_MAIL_DIR": str(settings.mail_dir),
            "ICOP_E2E_PYTHON": sys.executable,
            "ICOP_E2E_PYTHONPATH": str(ROOT / "src"),
            "ICOP_E2E_PLAN": str(ROOT / "examples" / "plan.csv"),
        },
        label="account and pipeline pages",
        capsys=capsys,
    )
