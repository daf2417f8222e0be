"""A ready video posted to the tenant's connected accounts: one video post per account with
the article's copy for its platform, nothing posted twice when asked again, and clear refusals
for a video that is not ready or a tenant with no account."""

from __future__ import annotations

import hashlib
import uuid

from icop.articles.repository import ArticleRepository
from icop.db.session import unit_of_work
from icop.models import GeneratedArticle, VideoStatus
from icop.models.video import Video
from icop.video.repository import VideoRepository
from tests.helpers import Account
from tests.syndication.api.conftest import Api
from tests.syndication.support import make_account

SOCIAL = {
    "instagram": {"text": "Compost in thirty seconds. #compost"},
    "facebook": {"text": "How to compost at home, in a short video."},
    "threads": {"text": "Three rules for a compost heap, on video."},
    "x": {"text": "Compost at home in three rules. #compost"},
}


async def _video(api: Api, owner: Account, status: VideoStatus) -> tuple[uuid.UUID, str]:
    article_id, video_id = uuid.uuid4(), uuid.uuid4()
    sha = hashlib.sha256(video_id.bytes).hexdigest()
    url = f"http://127.0.0.1:8000/media/{owner.tenant_id}/{sha[:2]}/{sha}.mp4?sig=abc"
    async with unit_of_work(api.context.sessionmaker, owner.tenant_id) as session:
        await ArticleRepository(session).add(
            GeneratedArticle(
                id=article_id,
                tenant_id=owner.tenant_id,
                topic="compost",
                status="ready",
                social=SOCIAL,
                final_markdown="# Compost\n\nGreens and browns.",
            )
        )
        await VideoRepository(session).add(
            Video(
                id=video_id,
                tenant_id=owner.tenant_id,
                article_id=article_id,
                title="Compost",
                provider="local",
                platform="instagram",
                target_seconds=30,
                status=status,
                url=url if status is VideoStatus.READY else None,
                duration_s=31.5 if status is VideoStatus.READY else None,
                width=1080,
                height=1920,
                size_bytes=5_900_000,
            )
        )
    return video_id, url


async def test_a_ready_video_is_posted_once_per_connected_account(api: Api) -> None:
    owner = await api.client.signup("Video publisher")
    accounts = {
        platform: await make_account(
            api.context.sessionmaker, api.context.keyring, owner.tenant_id, platform=platform
        )
        for platform in SOCIAL
    }
    video_id, url = await _video(api, owner, VideoStatus.READY)

    response = await api.client.post(
        f"/api/v1/videos/{video_id}/publish", headers=owner.headers, json={}
    )
    assert response.status_code == 201, response.text
    posts = {post["platform"]: post for post in response.json()}
    assert set(posts) == set(SOCIAL)
    for platform, post in posts.items():
        assert post["account_id"] == str(accounts[platform])
        [part] = post["parts"]
        assert part["text"].startswith(SOCIAL[platform]["text"].split(" #")[0])
        assert [(m["url"], m["kind"]) for m in part["media"]] == [(url, "video")]
    assert sorted(call[1] for call in api.scheduler.calls) == sorted(
        uuid.UUID(post["id"]) for post in posts.values()
    )

    again = await api.client.post(
        f"/api/v1/videos/{video_id}/publish", headers=owner.headers, json={"platforms": ["x"]}
    )
    assert again.status_code == 201 and again.json() == []
    assert len(api.scheduler.calls) == len(SOCIAL)


async def test_a_video_not_ready_or_without_accounts_is_refused(api: Api) -> None:
    owner = await api.client.signup("Video refusals")
    running, _ = await _video(api, owner, VideoStatus.RUNNING)
    refused = await api.client.post(
        f"/api/v1/videos/{running}/publish", headers=owner.headers, json={}
    )
    assert refused.status_code == 409 and "publish it once it is ready" in refused.text

    ready, _ = await _video(api, owner, VideoStatus.READY)
    lonely = await api.client.post(
        f"/api/v1/videos/{ready}/publish", headers=owner.headers, json={"platforms": ["threads"]}
    )
    assert lonely.status_code == 409 and "no connected account on threads" in lonely.text
    assert api.scheduler.calls == []
