"""Video posts through the API: the composer's dry run names what the publisher will convert
and what cannot be sent; a scheduled video post keeps its kind and cover for the publisher."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icop.runtime.clients import Runtime
from tests.helpers import ApiClient

from .conftest import Api
from .test_posts_api import _connect

URL = "/api/v1/posts/validate"


async def test_the_dry_run_lists_video_conversions_and_refuses_what_cannot_be_fixed(
    client: ApiClient, context: Runtime
) -> None:
    owner = await client.signup("Video preview")
    landscape = {
        "format": "mp4",
        "width": 1920,
        "height": 1080,
        "size_bytes": 20_000_000,
        "kind": "video",
        "duration_s": 40,
        "fps": 25,
        "video_codec": "h264",
    }
    body = {"platform": "instagram", "text": "Compost in 40 seconds", "media": [landscape]}
    preview = (await client.post(URL, headers=owner.headers, json=body)).json()
    assert preview["ok"] is True and preview["errors"] == []
    [action] = preview["video_actions"]
    assert action["problems"] == ["aspect_ratio"]
    assert "1.78:1 is outside 9:16" in action["detail"]

    short = {**body, "media": [{**landscape, "width": 1080, "height": 1920, "duration_s": 2}]}
    refused = (await client.post(URL, headers=owner.headers, json=short)).json()
    assert refused["ok"] is False
    assert [e["code"] for e in refused["errors"]] == ["video_too_short"]


async def test_a_scheduled_video_post_keeps_its_kind_and_cover(api: Api) -> None:
    owner = await api.client.signup("Video poster")
    account = await _connect(api, owner)
    video = {
        "url": "https://cdn.example/clip.mp4",
        "width": 720,
        "height": 1280,
        "format": "mp4",
        "size_bytes": 3_000_000,
        "kind": "video",
        "duration_s": 30,
        "cover_url": "https://cdn.example/clip.jpg",
    }
    response = await api.client.post(
        "/api/v1/posts",
        headers=owner.headers,
        json={
            "account_ids": [account["id"]],
            "text": "Thirty seconds of compost",
            "media": [video],
            "scheduled_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
        },
    )
    assert response.status_code == 201, response.text
    [post] = response.json()
    [media] = post["parts"][0]["media"]
    assert (media["kind"], media["cover_url"]) == ("video", "https://cdn.example/clip.jpg")
