"""An article request's ``video: true`` makes a video once the article is written: the request
is stored on the article, the activity's decision, and the start (one video an article, the
local renderer, the workflow start recorded after the commit)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from icop.articles import service as articles_service
from icop.articles.activities import wants_video
from icop.articles.repository import ArticleRepository
from icop.articles.schemas import ArticleCreate
from icop.auth.principal import Principal, PrincipalKind
from icop.db.session import unit_of_work
from icop.models.user import Role
from icop.models.video import Video, VideoStatus
from icop.video.from_articles import ArticleVideos
from tests.helpers import ApiClient


@pytest.mark.parametrize(
    ("status", "requested", "wanted"),
    [
        ("ok", True, True),
        ("ok", False, False),
        ("needs_review", True, False),
        ("no_sources", True, False),
        ("failed", True, False),
    ],
)
def test_a_video_follows_a_written_article_that_asked_for_one(
    status: str, requested: bool, wanted: bool
) -> None:
    assert wants_video(status, requested) is wanted


async def test_the_request_is_stored_and_the_written_article_gets_one_video(
    client: ApiClient,
) -> None:
    owner = await client.signup("Article videos")
    runtime = client.http._transport.app.state.runtime  # type: ignore[attr-defined]
    principal = Principal(PrincipalKind.USER, owner.tenant_id, Role.OWNER, user_id=owner.user_id)
    async with unit_of_work(runtime.sessionmaker, owner.tenant_id) as session:
        asked = await articles_service.register(
            session, principal, ArticleCreate(topic="Home composting", video=True)
        )
        plain = await articles_service.register(
            session, principal, ArticleCreate(topic="Rain barrels")
        )
    assert asked.video_requested and not plain.video_requested
    read = await client.get(f"/api/v1/articles/{asked.id}", headers=owner.headers)
    assert read.status_code == 200 and read.json()["video_requested"] is True

    videos = ArticleVideos(runtime.sessionmaker, None)
    # Not written yet: nothing to make a video of.
    assert await videos.request(owner.tenant_id, asked.id) is None
    async with unit_of_work(runtime.sessionmaker, owner.tenant_id) as session:
        repository = ArticleRepository(session)
        for article in (asked, plain):
            await repository.update(
                article.id, title="Home composting", final_markdown="# Compost\n\nFeed it."
            )
    assert await videos.request(owner.tenant_id, plain.id) is None
    first = await videos.request(owner.tenant_id, asked.id)
    again = await videos.request(owner.tenant_id, asked.id)  # a retried activity
    assert first is not None and again == first
    async with unit_of_work(runtime.sessionmaker, owner.tenant_id) as session:
        made = (await session.scalars(select(Video))).all()
    assert [(v.id, v.article_id) for v in made] == [(first, asked.id)]
    (video,) = made
    assert (video.provider, video.platform, video.status) == (
        "local",
        "instagram",
        VideoStatus.QUEUED,
    )
    assert video.workflow_id == f"video-{first}"
    listed = await client.get("/api/v1/videos", headers=owner.headers)
    assert [(v["id"], v["article_id"]) for v in listed.json()] == [(str(first), str(asked.id))]
