"""Editing an article through the API: every save a version (append-only) with a diff and a
restore, optimistic concurrency (412/409/428), the gate's deterministic findings, the state
rules, the audit trail and the stored file following the text."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from icop.articles.activities import markdown_path
from icop.articles.repository import ArticleRepository
from icop.db.session import unit_of_work
from icop.models import ArticleVersion, AuditEvent, GeneratedArticle
from icop.runtime.clients import Runtime
from tests.helpers import Account, ApiClient

PROBLEM = "application/problem+json"
BODY = """# Home composting

Composting turns kitchen scraps into rich, dark soil for the garden [1]. A balanced heap mixes
green material such as vegetable peelings with brown material such as dry leaves and cardboard.
Turning the pile every week lets air reach the microbes that do the work.

## Getting started

Pick a shaded corner of the yard and start with a layer of twigs for drainage [1]. Keep the heap
as damp as a wrung-out sponge, and expect finished compost in two to six months."""
SOURCES = "## Sources\n\n1. [Composting basics](https://example.org/compost)"
SEO = {
    "title": "Home composting",
    "meta_description": "How to turn kitchen scraps into garden soil.",
    "slug": "home-composting",
    "keywords": ["composting"],
    "hashtags": ["compost"],
}
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

{BODY}

{SOURCES}
"""


async def _article(context: Runtime, owner: Account, status: str = "ready") -> uuid.UUID:
    article_id = uuid.uuid4()
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        await ArticleRepository(session).add(
            GeneratedArticle(
                id=article_id,
                tenant_id=owner.tenant_id,
                topic="home composting",
                language="en",
                mode="compare",
                length_words=150,
                status=status,
                title="Home composting",
                final_markdown=DOCUMENT,
                final_markdown_url=f"http://testserver/api/v1/articles/{article_id}/markdown",
                seo=SEO,
                citations=[
                    {
                        "number": 1,
                        "title": "Composting basics",
                        "url": "https://example.org/compost",
                    }
                ],
                workflow_id=f"article-{article_id}",
            )
        )
    return article_id


def _edited(document: str) -> str:
    return document.replace("every week", "every ten days")


async def _put(
    client: ApiClient, owner: Account, article_id: uuid.UUID, body: dict[str, Any], **headers: str
) -> Any:
    return await client.put(
        f"/api/v1/articles/{article_id}/content",
        headers={**owner.headers, **headers},
        json=body,
    )


async def test_edit_diff_restore_and_the_file(client: ApiClient, context: Runtime) -> None:
    owner = await client.signup("Versions")
    article_id = await _article(context, owner)
    base = f"/api/v1/articles/{article_id}"

    listed = await client.get(f"{base}/versions", headers=owner.headers)
    assert listed.status_code == 200, listed.text
    assert [(v["number"], v["source"]) for v in listed.json()] == [(1, "graph")]
    assert listed.headers["etag"] == '"v1"'

    seo = {**SEO, "title": "Composting at home"}
    saved = await _put(
        client,
        owner,
        article_id,
        {"markdown": _edited(DOCUMENT), "seo": seo, "summary": "air, less often"},
        **{"If-Match": '"v1"'},
    )
    assert saved.status_code == 200, saved.text
    assert saved.headers["etag"] == '"v2"'
    version = saved.json()["version"]
    assert (version["number"], version["source"], version["summary"]) == (
        2,
        "edit",
        "air, less often",
    )
    assert version["author_id"] == str(owner.user_id)
    assert "-Turning the pile every week" in version["diff"]
    assert "+Turning the pile every ten days" in version["diff"]
    assert "+title: Composting at home" in version["diff"]
    assert version["seo_changes"] == {"title": ["Home composting", "Composting at home"]}
    assert [f for f in version["findings"] if f["action"] == "blocking"] == []

    markdown = (await client.get(f"{base}/markdown", headers=owner.headers)).text
    assert "every ten days" in markdown and "title: Composting at home" in markdown
    assert markdown.rstrip().endswith(SOURCES.splitlines()[-1])
    article = (await client.get(base, headers=owner.headers)).json()
    assert (article["title"], article["seo"]["title"]) == ("Composting at home",) * 2
    stored = markdown_path(context.settings.home, owner.tenant_id, article_id)
    assert await asyncio.to_thread(Path(stored).read_text, encoding="utf-8") == markdown

    restored = await client.post(f"{base}/versions/1/restore", headers=owner.headers)
    assert restored.status_code == 201, restored.text
    third = restored.json()["version"]
    assert (third["number"], third["source"], third["restored_from"]) == (3, "restore", 1)
    assert third["markdown"] == DOCUMENT
    assert "+Turning the pile every week" in third["diff"]

    history = (await client.get(f"{base}/versions", headers=owner.headers)).json()
    assert [v["number"] for v in history] == [3, 2, 1]
    one = (await client.get(f"{base}/versions/1", headers=owner.headers)).json()
    assert one["markdown"] == DOCUMENT and one["diff"].startswith("--- empty")
    missing = await client.get(f"{base}/versions/9", headers=owner.headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith(PROBLEM)

    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        actions = (
            await session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.target_id == str(article_id))
                .order_by(AuditEvent.created_at, AuditEvent.action)
            )
        ).all()
    assert sorted(actions) == ["article.edited", "article.version_restored"]


async def test_stale_and_missing_preconditions(client: ApiClient, context: Runtime) -> None:
    owner = await client.signup("Stale")
    article_id = await _article(context, owner)
    first = await _put(
        client, owner, article_id, {"markdown": _edited(DOCUMENT), "base_version": 1}
    )
    assert first.status_code == 200, first.text

    stale_header = await _put(
        client, owner, article_id, {"markdown": DOCUMENT}, **{"If-Match": '"v1"'}
    )
    assert stale_header.status_code == 412
    assert stale_header.headers["content-type"].startswith(PROBLEM)
    stale_body = await _put(client, owner, article_id, {"markdown": DOCUMENT, "base_version": 1})
    assert stale_body.status_code == 409
    assert stale_body.json()["current"] == 2
    unnamed = await _put(client, owner, article_id, {"markdown": DOCUMENT})
    assert unnamed.status_code == 428
    bad_tag = await _put(client, owner, article_id, {"markdown": DOCUMENT}, **{"If-Match": "*"})
    assert bad_tag.status_code == 412
    history = (
        await client.get(f"/api/v1/articles/{article_id}/versions", headers=owner.headers)
    ).json()
    assert [v["number"] for v in history] == [2, 1]


async def test_findings_and_the_state_rules(client: ApiClient, context: Runtime) -> None:
    owner = await client.signup("Rules")
    broken = DOCUMENT.replace("for the garden [1]", "for the garden [7]").replace(
        "for drainage [1]", "for drainage"
    )

    ready = await _article(context, owner, "ready")
    refused = await _put(client, owner, ready, {"markdown": broken, "base_version": 1})
    assert refused.status_code == 422, refused.text
    codes = {(f["code"], f["action"]) for f in refused.json()["findings"]}
    assert ("unknown_citation", "blocking") in codes
    assert ("uncited", "blocking") in codes
    history = (await client.get(f"/api/v1/articles/{ready}/versions", headers=owner.headers)).json()
    assert len(history) == 1  # nothing saved

    reviewing = await _article(context, owner, "awaiting_approval")
    kept = await _put(client, owner, reviewing, {"markdown": broken, "base_version": 1})
    assert kept.status_code == 200, kept.text
    assert kept.json()["status"] == "awaiting_approval"
    assert "unknown_citation" in {f["code"] for f in kept.json()["version"]["findings"]}
    quality = (await client.get(f"/api/v1/articles/{reviewing}", headers=owner.headers)).json()
    assert quality["quality"]["passed"] is False and quality["quality"]["version"] == 2

    body_only = await _put(
        client,
        owner,
        await _article(context, owner, "needs_review"),
        {"markdown": BODY + "\n\nA third short paragraph closes the piece [1].", "base_version": 1},
    )
    assert body_only.status_code == 200, body_only.text
    # The front matter comes back from the SEO fields; the body is saved as written.
    assert body_only.json()["version"]["markdown"].startswith("---\ntitle: Home composting\n")

    for status in ("running", "rejected"):
        locked = await _article(context, owner, status)
        conflict = await _put(client, owner, locked, {"markdown": DOCUMENT, "base_version": 1})
        assert conflict.status_code == 409, (status, conflict.text)

    viewer = await client.add_member(owner, "viewer")
    denied = await _put(client, viewer, reviewing, {"markdown": DOCUMENT, "base_version": 2})
    assert denied.status_code == 403


async def test_versions_are_append_only_for_the_app_role(
    client: ApiClient, context: Runtime
) -> None:
    owner = await client.signup("Append only")
    article_id = await _article(context, owner)
    await client.get(f"/api/v1/articles/{article_id}/versions", headers=owner.headers)
    for statement in ("UPDATE article_versions SET summary = 'x'", "DELETE FROM article_versions"):
        with pytest.raises(DBAPIError, match="permission denied"):
            async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
                await session.execute(text(statement))
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        assert len((await session.scalars(select(ArticleVersion))).all()) == 1
