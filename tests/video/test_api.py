"""The video API: a video from a brief or an article, read back with its segments; the source
rules. (The cross-tenant walk in tests/gateway covers the routes' tenancy and roles.)"""

from __future__ import annotations

import uuid

from icop.articles.repository import ArticleRepository
from icop.db.session import unit_of_work
from icop.models import GeneratedArticle
from tests.helpers import ApiClient


async def test_create_from_a_brief_or_an_article_and_read_back(client: ApiClient) -> None:
    owner = await client.signup("Videos")
    created = await client.post(
        "/api/v1/videos",
        headers=owner.headers,
        json={
            "brief": {"title": "Compost", "text": "Composting feeds the garden."},
            "platform": "x",
        },
    )
    assert created.status_code == 202, created.text
    body = created.json()
    assert body["status"] == "queued" and body["platform"] == "x" and body["segments"] == []
    assert body["workflow_id"] == f"video-{body['id']}"
    read = await client.get(created.headers["Location"], headers=owner.headers)
    assert read.status_code == 200 and read.json()["id"] == body["id"]
    listed = await client.get("/api/v1/videos", headers=owner.headers)
    assert [video["id"] for video in listed.json()] == [body["id"]]

    both = await client.post(
        "/api/v1/videos",
        headers=owner.headers,
        json={"article_id": str(uuid.uuid4()), "brief": {"title": "t", "text": "x"}},
    )
    assert both.status_code == 422
    missing = await client.post(
        "/api/v1/videos", headers=owner.headers, json={"article_id": str(uuid.uuid4())}
    )
    assert missing.status_code == 404

    context = client.http._transport.app.state.runtime  # type: ignore[attr-defined]
    unwritten = uuid.uuid4()
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        await ArticleRepository(session).add(
            GeneratedArticle(id=unwritten, tenant_id=owner.tenant_id, topic="Compost")
        )
    not_yet = await client.post(
        "/api/v1/videos", headers=owner.headers, json={"article_id": str(unwritten)}
    )
    assert not_yet.status_code == 409
