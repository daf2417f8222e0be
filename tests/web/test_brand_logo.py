"""The brand logo in a real browser (web/e2e/brand-logo.spec.ts): upload a PNG, see it on
the API-rendered sample card, have an SVG refused, remove it; the same in Korean; a viewer
sees it and cannot change it (the API refuses anyway)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from icop.runtime.web import Dashboard
from tests.web.conftest import add_viewer, play

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
