"""The article's public link on the wire (ADR 0025): posts scheduled through the API, the
article published to the blog, and the publisher sending them to the platform emulator with
the real HTTP clients. Facebook gets the page in the feed post's documented ``link`` field (a
link preview), X in the tweet's text once the workspace turns X links on; an X post sent while
X links are off carries none."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from icop.articles.repository import ArticleRepository
from icop.db.session import unit_of_work
from icop.emulators.platforms import EmulatorServer
from icop.models import GeneratedArticle, SocialAccount
from icop.runtime.clients import Runtime
from icop.syndication.dependencies import get_scheduler
from icop.syndication.platforms.base import AccountAuth, Platform, TokenGrant
from icop.syndication.runtime import SyndicationRuntime
from icop.syndication.tokens import store_grant
from tests.helpers import Account, ApiClient
from tests.syndication.api.conftest import RecordingScheduler

from .conftest import add_account, received

SOCIAL = {
    "facebook": {"text": "Compost at home: greens, browns and patience."},
    "x": {"text": "Compost at home in three rules. #compost"},
}


@pytest.fixture
def scheduler(client: ApiClient) -> Iterator[RecordingScheduler]:
    recording = RecordingScheduler()
    app = client.http._transport.app  # type: ignore[attr-defined]
    app.dependency_overrides[get_scheduler] = lambda: recording
    yield recording
    app.dependency_overrides.pop(get_scheduler, None)


async def _connected(context: Runtime, owner: Account, auth: AccountAuth) -> str:
    """The emulator's account, stored as the connect flow stores one (tokens in the vault)."""
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        account = SocialAccount(
            tenant_id=owner.tenant_id,
            id=uuid.uuid4(),
            platform=auth.platform.value,
            platform_account_id=auth.account_id,
            name=f"Emulated {auth.platform.value}",
            provider=auth.platform.value,
            status="connected",
        )
        session.add(account)
        await session.flush()
        grant = TokenGrant(
            auth.access_token, auth.refresh_token, datetime.now(UTC) + timedelta(hours=2)
        )
        await store_grant(session, context.keyring, account, grant)
        return str(account.id)


async def _article(context: Runtime, owner: Account) -> uuid.UUID:
    article_id = uuid.uuid4()
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        await ArticleRepository(session).add(
            GeneratedArticle(
                id=article_id,
                tenant_id=owner.tenant_id,
                topic="composting",
                language="en",
                mode="compare",
                length_words=150,
                status="ready",
                title="Compost rules",
                final_markdown="# Compost rules\n\nGreens, browns and patience.\n",
                seo={"title": "Compost rules", "slug": "compost-rules"},
                social=SOCIAL,
                workflow_id=f"article-{article_id}",
            )
        )
    return article_id


async def _schedule(
    client: ApiClient, owner: Account, article_id: uuid.UUID, account_ids: list[str]
) -> dict[str, dict[str, Any]]:
    response = await client.post(
        "/api/v1/posts",
        headers=owner.headers,
        json={
            "article_id": str(article_id),
            "account_ids": account_ids,
            "scheduled_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
        },
    )
    assert response.status_code == 201, response.text
    return {post["platform"]: post for post in response.json()}


async def test_the_public_link_reaches_the_platforms(
    client: ApiClient,
    context: Runtime,
    emulator: EmulatorServer,
    http: httpx.AsyncClient,
    scheduler: RecordingScheduler,
) -> None:
    settings = context.settings.model_copy(
        update={
            "platform_emulator_url": emulator.url,
            "meta_container_poll_interval_s": 0.01,
            "x_client_id": "icop-test-client",
        }
    )
    runtime = SyndicationRuntime.create(settings, context.sessionmaker, context.keyring)
    owner = await client.signup("Wire Garden")
    facebook_auth = await add_account(http, emulator, Platform.FACEBOOK)
    x_auth = await add_account(http, emulator, Platform.X)
    facebook = await _connected(context, owner, facebook_auth)
    x = await _connected(context, owner, x_auth)
    article_id = await _article(context, owner)

    early_x = (await _schedule(client, owner, article_id, [x]))["x"]
    published = await client.post(
        f"/api/v1/articles/{article_id}/publish-web", headers=owner.headers
    )
    assert published.status_code == 200, published.text
    url = published.json()["url"]
    # X links are off by default: this one goes out without the page.
    try:
        outcome = await runtime.publisher.publish(owner.tenant_id, uuid.UUID(early_x["id"]))
        assert outcome.status == "published", outcome
        turned = await client.put(
            "/api/v1/post-links", headers=owner.headers, json={"links": {"x": True}}
        )
        assert turned.status_code == 200, turned.text
        later = await _schedule(client, owner, article_id, [facebook, x])
        for post in later.values():
            outcome = await runtime.publisher.publish(owner.tenant_id, uuid.UUID(post["id"]))
            assert outcome.status == "published", outcome
    finally:
        await runtime.aclose()

    (feed_post,) = await received(http, emulator, Platform.FACEBOOK, facebook_auth.account_id)
    assert feed_post["link"] == url and feed_post["kind"] == "LINK"
    assert feed_post["text"] == SOCIAL["facebook"]["text"]
    tweets = await received(http, emulator, Platform.X, x_auth.account_id)
    assert len(tweets) == 2
    linked = [t for t in tweets if url in t["text"]]
    assert len(linked) == 1 and linked[0]["text"].startswith("Compost at home in three rules.")
    assert not any("http" in t["text"] for t in tweets if t not in linked)
