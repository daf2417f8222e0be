"""``POST /posts/validate``: the composer's dry run — the validator's findings, the fixed text
and each platform's own count, with nothing saved."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, update

from icop.db.session import unit_of_work
from icop.models import AuditEvent, Post
from icop.runtime.clients import Runtime
from tests.helpers import ApiClient
from tests.syndication.support import make_account, make_post

URL = "/api/v1/posts/validate"


async def test_x_counts_weighted_and_threads_an_overlong_post(
    client: ApiClient, context: Runtime
) -> None:
    owner = await client.signup("Preview X")
    # 140 CJK characters weigh 280 on X (two each) but are 140 characters everywhere else.
    korean = "가" * 140
    response = await client.post(URL, headers=owner.headers, json={"platform": "x", "text": korean})
    assert response.status_code == 200, response.text
    preview = response.json()
    assert (preview["length"], preview["limit"]) == (280, 280)
    assert preview["ok"] is True and len(preview["posts"]) == 1
    assert preview["fixed_text"] == korean

    facebook = await client.post(
        URL, headers=owner.headers, json={"platform": "facebook", "text": korean}
    )
    assert facebook.json()["length"] == 140

    long_text = " ".join(f"Sentence number {i} about compost and soil." for i in range(20))
    threaded = (
        await client.post(URL, headers=owner.headers, json={"platform": "x", "text": long_text})
    ).json()
    assert threaded["ok"] is True
    assert len(threaded["posts"]) > 1
    assert all(post["length"] <= 280 for post in threaded["posts"])
    assert "split_into_thread" in {change["code"] for change in threaded["changes"]}
    assert threaded["fixed_text"] == threaded["posts"][0]["text"]

    refused = (
        await client.post(
            URL,
            headers=owner.headers,
            json={"platform": "x", "text": long_text, "allow_thread": False},
        )
    ).json()
    # Without a thread the validator shortens the text to fit (a change, not an error).
    assert len(refused["posts"]) == 1 and refused["posts"][0]["length"] <= 280


async def test_findings_media_and_duplicates_without_saving(
    client: ApiClient, context: Runtime
) -> None:
    owner = await client.signup("Preview media")
    instagram = (
        await client.post(
            URL,
            headers=owner.headers,
            json={
                "platform": "instagram",
                "text": "Spring compost tips",
                "hashtags": ["compost", "garden"],
                "media": [{"format": "png", "width": 3000, "height": 1000, "size_bytes": 900}],
            },
        )
    ).json()
    action = instagram["image_actions"][0]
    assert set(action["problems"]) == {"format", "aspect_ratio"}
    assert action["target_format"] == "jpeg"
    assert "#compost" in instagram["fixed_text"]

    no_media = (
        await client.post(
            URL, headers=owner.headers, json={"platform": "instagram", "text": "No picture"}
        )
    ).json()
    assert no_media["ok"] is False
    assert "media_required" in {issue["code"] for issue in no_media["errors"]}

    account = await make_account(context.sessionmaker, context.keyring, owner.tenant_id)
    post_id = await make_post(context.sessionmaker, owner.tenant_id, account, ["Same words again"])
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        await session.execute(
            update(Post)
            .where(Post.id == post_id)
            .values(status="published", published_at=datetime.now(UTC))
        )
    duplicate = (
        await client.post(
            URL,
            headers=owner.headers,
            json={"platform": "x", "text": "Same words again", "account_id": str(account)},
        )
    ).json()
    assert "duplicate_text" in {issue["code"] for issue in duplicate["errors"]}
    wrong_platform = await client.post(
        URL,
        headers=owner.headers,
        json={"platform": "threads", "text": "Hi", "account_id": str(account)},
    )
    assert wrong_platform.status_code == 422
    assert wrong_platform.headers["content-type"].startswith("application/problem+json")

    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        posts = await session.scalar(select(func.count()).select_from(Post))
        audited = await session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("post.%"))
        )
    assert (posts, audited) == (1, 0)  # only the post made above; nothing saved, nothing audited


async def test_another_tenants_account_and_bad_input(client: ApiClient, context: Runtime) -> None:
    owner = await client.signup("Preview owner")
    other = await client.signup("Preview other")
    account = await make_account(context.sessionmaker, context.keyring, owner.tenant_id)
    foreign = await client.post(
        URL,
        headers=other.headers,
        json={"platform": "x", "text": "Hi", "account_id": str(account)},
    )
    assert foreign.status_code == 404, foreign.text
    unknown = await client.post(
        URL, headers=owner.headers, json={"platform": "myspace", "text": "Hi"}
    )
    assert unknown.status_code == 422
    assert unknown.headers["content-type"].startswith("application/problem+json")
    viewer = await client.add_member(owner, "viewer")
    denied = await client.post(URL, headers=viewer.headers, json={"platform": "x", "text": "Hi"})
    assert denied.status_code == 403
