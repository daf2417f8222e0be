"""Reviewing and editing in a real browser (web/e2e/review-edit.spec.ts): an article the
quality gate sent to review shows its findings on the sentences they quote (highlight, note on
hover and keyboard focus) and the others in the list; the SEO fields edited as a new version
(counters, the API's refusal, the diff, a restore); the routing policy per task changed,
refused by the API and put back; in English and Korean, and as a read-only viewer. The article
is seeded the way the graph stores one that ends ``needs_review``."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from icop.articles.repository import ArticleRepository
from icop.config import Settings
from icop.db.engine import DatabaseUrls, create_engine, create_sessionmaker
from icop.db.session import unit_of_work
from icop.models import GeneratedArticle
from icop.runtime.web import Dashboard
from tests.web.conftest import add_viewer, play

PASSWORD = "review-owner-password"
VIEWER_PASSWORD = "review-viewer-password"
REPEATED = "Turning the pile every week lets air reach the microbes that do the work."
DOCUMENT = f"""---
title: Home composting
description: How to turn kitchen scraps into garden soil.
slug: home-composting
language: en
keywords:
- composting
hashtags:
- compost
---

# Home composting

{REPEATED} Composting turns kitchen scraps into rich, dark soil for the garden [1]. A balanced
heap mixes green material such as vegetable peelings with brown material such as dry leaves.

## Getting started

Pick a shaded corner of the yard and start with a layer of [twigs](https://example.org/twigs)
for drainage [1]. Keep the heap as damp as a wrung-out sponge. {REPEATED}

## Sources

1. [Composting basics](https://example.org/compost)
"""
FINDINGS = [
    {"code": "repetition", "action": "noted", "detail": REPEATED},
    {
        "code": "unsupported_citation",
        "action": "repaired",
        "detail": "[2]→[1] Pick a shaded corner of the yard and start with a layer of twigs "
        "for drainage.",
    },
    {"code": "too_short", "action": "blocking", "detail": "96 words left of the 800 asked for"},
    {
        "code": "scaffolding",
        "action": "removed",
        "detail": "Write in a warm, friendly tone for home gardeners.",
    },
]


async def _seed(urls: DatabaseUrls, settings: Settings, tenant_id: str) -> str:
    tenant = uuid.UUID(tenant_id)
    article_id = uuid.uuid4()
    engine = create_engine(urls.app, settings, pool_size=1, max_overflow=0)
    try:
        async with unit_of_work(create_sessionmaker(engine), tenant) as session:
            await ArticleRepository(session).add(
                GeneratedArticle(
                    id=article_id,
                    tenant_id=tenant,
                    topic="home composting",
                    language="en",
                    mode="compare",
                    length_words=800,
                    status="needs_review",
                    title="Home composting",
                    final_markdown=DOCUMENT,
                    seo={
                        "title": "Home composting",
                        "meta_description": "How to turn kitchen scraps into garden soil.",
                        "slug": "home-composting",
                        "keywords": ["composting"],
                        "hashtags": ["compost"],
                    },
                    citations=[
                        {
                            "number": 1,
                            "title": "Composting basics",
                            "url": "https://example.org/compost",
                        }
                    ],
                    quality={"passed": False, "attempt": 2, "findings": FINDINGS},
                    workflow_id=f"article-{article_id}",
                )
            )
        return str(article_id)
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def reviewing(live_api: str, database_urls: DatabaseUrls, settings: Settings) -> dict[str, str]:
    email = f"review-{uuid.uuid4().hex[:8]}@example.com"
    signup = httpx.post(
        f"{live_api}/api/v1/auth/signup",
        json={"email": email, "password": PASSWORD, "company_name": "Review Garden Co"},
    )
    assert signup.status_code == 201, signup.text
    owner = {"authorization": f"Bearer {signup.json()['access_token']}"}
    article_id = asyncio.run(_seed(database_urls, settings, signup.json()["tenant_id"]))
    viewer = add_viewer(live_api, owner, VIEWER_PASSWORD, "viewer")
    return {
        "email": email,
        "password": PASSWORD,
        "viewer_email": viewer,
        "viewer_password": VIEWER_PASSWORD,
        "article": article_id,
    }


def test_review_and_edit_in_a_real_browser(
    dashboard: Dashboard, reviewing: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    played = play(
        dashboard,
        "e2e/review-edit.spec.ts",
        env={
            "ICOP_E2E_REVIEW_EMAIL": reviewing["email"],
            "ICOP_E2E_REVIEW_PASSWORD": reviewing["password"],
            "ICOP_E2E_REVIEW_VIEWER_EMAIL": reviewing["viewer_email"],
            "ICOP_E2E_REVIEW_VIEWER_PASSWORD": reviewing["viewer_password"],
            "ICOP_E2E_REVIEW_NEEDS_REVIEW": reviewing["article"],
        },
        label="review and edit",
        capsys=capsys,
    )
    names = played.screenshots
    assert {
        "en-review-findings.png",
        "en-review-seo-refused.png",
        "en-review-seo-diff.png",
        "en-routing-refused.png",
        "ko-review-findings.png",
        "ko-routing.png",
    } <= names
