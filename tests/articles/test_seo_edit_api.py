"""Editing an article's SEO fields through the API (the dashboard's SEO form): a save of the
fields alone is a new version whose front matter carries them, with the SEO agent's limits
checked (problem+json 422, nothing saved), a diff, a restore, the audit trail, and a viewer
refused."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from icop.db.session import unit_of_work
from icop.models import AuditEvent
from icop.runtime.clients import Runtime
from tests.articles.test_versions_api import DOCUMENT, PROBLEM, SEO, _article, _put
from tests.helpers import ApiClient

NEW_SEO = {
    "title": "Compost at home in six weeks",
    "meta_description": "Kitchen scraps, dry leaves and air: a compost heap that works.",
    "slug": "compost-at-home",
    "keywords": ["composting", "compost heap"],
    "hashtags": ["#compost", "garden"],
}


async def _versions(client: ApiClient, headers: dict[str, str], article_id: uuid.UUID) -> Any:
    listed = await client.get(f"/api/v1/articles/{article_id}/versions", headers=headers)
    assert listed.status_code == 200, listed.text
    return [v["number"] for v in listed.json()]


async def test_the_seo_fields_alone_make_a_version_with_a_diff_and_a_restore(
    client: ApiClient, context: Runtime
) -> None:
    owner = await client.signup("Seo Edit")
    article_id = await _article(context, owner, status="needs_review")
    base = f"/api/v1/articles/{article_id}"

    saved = await _put(client, owner, article_id, {"seo": NEW_SEO}, **{"If-Match": '"v1"'})
    assert saved.status_code == 200, saved.text
    version = saved.json()["version"]
    assert version["number"] == 2 and version["source"] == "edit"
    # The text is the version edited; only the front matter moved.
    assert version["markdown"].split("\n---\n", 1)[1] == DOCUMENT.split("\n---\n", 1)[1]
    assert "+title: Compost at home in six weeks" in version["diff"]
    assert "+slug: compost-at-home" in version["diff"]
    assert "-slug: home-composting" in version["diff"]
    assert "+- compost heap" in version["diff"]
    assert version["seo"]["hashtags"] == ["compost", "garden"]  # the '#' dropped
    assert sorted(version["seo_changes"]) == [
        "hashtags",
        "keywords",
        "meta_description",
        "slug",
        "title",
    ]
    assert version["summary"].endswith("SEO: hashtags, keywords, meta_description, slug, title")
    article = (await client.get(base, headers=owner.headers)).json()
    assert article["title"] == NEW_SEO["title"]
    assert article["seo"]["slug"] == "compost-at-home"
    assert article["status"] == "needs_review"  # an edit does not approve

    restored = await client.post(
        f"{base}/versions/1/restore", headers={**owner.headers, "If-Match": '"v2"'}
    )
    assert restored.status_code == 201, restored.text
    assert restored.json()["version"]["seo"] == SEO
    article = (await client.get(base, headers=owner.headers)).json()
    assert (article["title"], article["seo"]) == (SEO["title"], SEO)

    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        events = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.target_id == str(article_id))
                .order_by(AuditEvent.created_at)
            )
        ).all()
    assert [e.action for e in events] == ["article.edited", "article.version_restored"]
    assert events[0].details["seo_changed"] == [
        "hashtags",
        "keywords",
        "meta_description",
        "slug",
        "title",
    ]
    assert events[0].details["version"] == 2


async def test_seo_fields_over_the_limits_are_refused_and_nothing_is_saved(
    client: ApiClient, context: Runtime
) -> None:
    owner = await client.signup("Seo Limits")
    article_id = await _article(context, owner, status="needs_review")
    refusals: list[tuple[dict[str, Any], str]] = [
        ({**NEW_SEO, "title": "t" * 61}, "seo.title"),
        ({**NEW_SEO, "meta_description": "d" * 161}, "seo.meta_description"),
        ({**NEW_SEO, "slug": "Not A Slug!"}, "seo.slug"),
        ({**NEW_SEO, "keywords": ["k" * 61]}, "seo.keywords.0"),
        ({**NEW_SEO, "keywords": [f"word {n}" for n in range(11)]}, "seo.keywords"),
        ({**NEW_SEO, "hashtags": ["two words"]}, "seo.hashtags.0"),
        ({**NEW_SEO, "hashtags": ["h" * 41]}, "seo.hashtags.0"),
        ({**NEW_SEO, "hashtags": ["Compost", "#compost"]}, "seo.hashtags"),
        ({**NEW_SEO, "title": ""}, "seo.title"),
    ]
    for seo, where in refusals:
        refused = await _put(client, owner, article_id, {"seo": seo}, **{"If-Match": '"v1"'})
        assert refused.status_code == 422, (seo, refused.text)
        assert refused.headers["content-type"].startswith(PROBLEM)
        assert f"body.{where}" in refused.json()["detail"], refused.json()["detail"]
    nothing = await _put(client, owner, article_id, {}, **{"If-Match": '"v1"'})
    assert nothing.status_code == 422
    assert "markdown, the SEO fields, or both" in nothing.json()["detail"]
    assert await _versions(client, owner.headers, article_id) == [1]


async def test_a_viewer_cannot_edit_the_seo_fields(client: ApiClient, context: Runtime) -> None:
    owner = await client.signup("Seo Viewer")
    article_id = await _article(context, owner, status="needs_review")
    viewer = await client.add_member(owner, "viewer")
    denied = await _put(client, viewer, article_id, {"seo": NEW_SEO}, **{"If-Match": '"v1"'})
    assert denied.status_code == 403
    assert denied.headers["content-type"].startswith(PROBLEM)
    # Another workspace's owner does not even find it.
    stranger = await client.signup("Seo Stranger")
    hidden = await _put(client, stranger, article_id, {"seo": NEW_SEO}, **{"If-Match": '"v1"'})
    assert hidden.status_code == 404
    assert await _versions(client, owner.headers, article_id) == [1]
