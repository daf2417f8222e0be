"""The accounts and posts API over the real database, an in-memory platform and a recording
scheduler: connect flow, scheduling with validation, the calendar, steering and safe retry."""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

from sqlalchemy import select

from icop.db.session import unit_of_work
from icop.models import ApiCredential, GeneratedArticle, Post, PublishAttempt
from icop.syndication.platforms.base import Platform
from tests.helpers import Account
from tests.syndication.api.conftest import Api
from tests.syndication.support import make_account

PROBLEM = "application/problem+json"


async def _connect(api: Api, owner: Account) -> dict[str, object]:
    started = await api.client.post("/api/v1/accounts/connect/x", headers=owner.headers)
    assert started.status_code == 200, started.text
    query = parse_qs(urlparse(started.json()["authorization_url"]).query)
    state, challenge = query["state"][0], query["code_challenge"][0]
    done = await api.client.get(
        "/api/v1/accounts/callback/x", params={"code": "good", "state": state}
    )
    assert done.status_code == 200, done.text
    # The verifier sent with the code is the one the challenge was made from (S256).
    verifier = api.oauth.exchanged[-1][1]
    assert verifier is not None
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    assert digest.decode() == challenge
    again = await api.client.get(
        "/api/v1/accounts/callback/x", params={"code": "good", "state": state}
    )
    assert again.status_code == 400 and again.headers["content-type"] == PROBLEM
    account: dict[str, object] = done.json()[0]
    return account


async def test_connect_stores_tokens_in_the_vault_and_lists_the_account(api: Api) -> None:
    owner = await api.client.signup("Connect")
    account = await _connect(api, owner)
    assert account["platform"] == "x" and account["status"] == "connected"
    assert account["platform_account_id"] == "u-42"
    listed = await api.client.get("/api/v1/accounts", headers=owner.headers)
    assert [a["id"] for a in listed.json()] == [account["id"]]
    assert "token-0" not in listed.text and "refresh-0" not in listed.text
    async with unit_of_work(api.context.sessionmaker, owner.tenant_id) as session:
        credential = await session.scalar(select(ApiCredential))
        assert credential is not None and b"token-0" not in credential.encrypted_access_token
    # Connecting again updates the same account.
    assert (await _connect(api, owner))["id"] == account["id"]
    # A forged state (right tenant, wrong secret) and an unknown provider are refused.
    forged = await api.client.get(
        "/api/v1/accounts/callback/x",
        params={"code": "good", "state": f"{owner.tenant_id}.{uuid.uuid4()}.nope"},
    )
    assert forged.status_code == 400 and forged.json()["code"] == "bad_request"
    unknown = await api.client.post("/api/v1/accounts/connect/myspace", headers=owner.headers)
    assert unknown.status_code == 404 and unknown.headers["content-type"] == PROBLEM
    # Disconnecting deletes the tokens and keeps the account.
    gone = await api.client.delete(f"/api/v1/accounts/{account['id']}", headers=owner.headers)
    assert gone.status_code == 204
    shown = await api.client.get(f"/api/v1/accounts/{account['id']}", headers=owner.headers)
    assert shown.json()["status"] == "disconnected"
    async with unit_of_work(api.context.sessionmaker, owner.tenant_id) as session:
        assert await session.scalar(select(ApiCredential)) is None


async def test_schedule_text_validates_and_returns_what_changed(api: Api) -> None:
    owner = await api.client.signup("Poster")
    account = await _connect(api, owner)
    long_text = " ".join(f"Sentence number {i} about composting at home." for i in range(20))
    when = datetime.now(UTC) + timedelta(hours=2)
    response = await api.client.post(
        "/api/v1/posts",
        headers=owner.headers,
        json={"account_ids": [account["id"]], "text": long_text, "scheduled_at": when.isoformat()},
    )
    assert response.status_code == 201, response.text
    (post,) = response.json()
    assert post["status"] == "scheduled" and post["platform"] == "x"
    assert len(post["parts"]) > 1 and post["parts"][1]["reply_to_previous"] is True
    assert any(c["code"] == "split_into_thread" for c in post["changes"])
    assert post["workflow_id"] == f"post-{post['id']}"
    assert api.scheduler.calls[0][0] == "start" and str(api.scheduler.calls[0][1]) == post["id"]
    usage = await api.client.get("/api/v1/usage", headers=owner.headers)
    posts_metric = next(m for m in usage.json()["metrics"] if m["metric"] == "posts")
    assert float(posts_metric["used"]) == 1

    # The calendar shows it in its window and not outside it.
    in_window = await api.client.get(
        "/api/v1/posts",
        headers=owner.headers,
        params={
            "from": (when - timedelta(hours=1)).isoformat(),
            "to": (when + timedelta(hours=1)).isoformat(),
        },
    )
    assert [p["id"] for p in in_window.json()] == [post["id"]]
    outside = await api.client.get(
        "/api/v1/posts",
        headers=owner.headers,
        params={"from": (when + timedelta(hours=1)).isoformat()},
    )
    assert outside.json() == []

    # Steering: reschedule, publish now, cancel; then nothing more can be done.
    later = when + timedelta(days=1)
    moved = await api.client.post(
        f"/api/v1/posts/{post['id']}/reschedule",
        headers=owner.headers,
        json={"scheduled_at": later.isoformat()},
    )
    assert moved.status_code == 200 and moved.json()["scheduled_at"].startswith(
        later.strftime("%Y-%m-%dT%H:%M")
    )
    now = await api.client.post(f"/api/v1/posts/{post['id']}/publish-now", headers=owner.headers)
    assert now.status_code == 200
    cancelled = await api.client.post(f"/api/v1/posts/{post['id']}/cancel", headers=owner.headers)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert [c[0] for c in api.scheduler.calls] == ["start", "reschedule", "publish_now", "cancel"]
    conflict = await api.client.post(f"/api/v1/posts/{post['id']}/cancel", headers=owner.headers)
    assert conflict.status_code == 409 and conflict.headers["content-type"] == PROBLEM
    assert conflict.json()["code"] == "post_state_conflict"
    # A viewer may read but not steer.
    viewer = await api.client.add_member(owner, "viewer")
    assert (await api.client.get(f"/api/v1/posts/{post['id']}", headers=viewer.headers)).is_success
    denied = await api.client.post(
        "/api/v1/posts",
        headers=viewer.headers,
        json={"account_ids": [account["id"]], "text": "hi"},
    )
    assert denied.status_code == 403


async def test_invalid_posts_are_422_problems_listing_every_issue(api: Api) -> None:
    owner = await api.client.signup("Invalid")
    instagram = await make_account(
        api.context.sessionmaker, api.context.keyring, owner.tenant_id, platform="instagram"
    )
    response = await api.client.post(
        "/api/v1/posts",
        headers=owner.headers,
        json={"account_ids": [str(instagram)], "text": "no picture"},
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["code"] == "validation_failed"
    assert body["issues"][0]["code"] == "media_required"
    assert body["issues"][0]["account_id"] == str(instagram)
    assert api.scheduler.calls == []
    both = await api.client.post(
        "/api/v1/posts",
        headers=owner.headers,
        json={"account_ids": [str(instagram)], "text": "x", "article_id": str(uuid.uuid4())},
    )
    assert both.status_code == 422 and both.headers["content-type"] == PROBLEM
    missing = await api.client.post(
        "/api/v1/posts",
        headers=owner.headers,
        json={"account_ids": [str(uuid.uuid4())], "text": "x"},
    )
    assert missing.status_code == 404 and missing.json()["code"] == "account_not_found"


async def test_schedule_an_articles_social_copy(api: Api) -> None:
    owner = await api.client.signup("Article")
    x = await make_account(api.context.sessionmaker, api.context.keyring, owner.tenant_id)
    fb = await make_account(
        api.context.sessionmaker, api.context.keyring, owner.tenant_id, platform="facebook"
    )
    article_id = uuid.uuid4()
    async with unit_of_work(api.context.sessionmaker, owner.tenant_id) as session:
        session.add(
            GeneratedArticle(
                id=article_id,
                tenant_id=owner.tenant_id,
                topic="compost",
                status="ready",
                social={
                    "x": {"text": "Compost at home: greens and browns. #compost"},
                    "facebook": {
                        "text": "How to compost at home.",
                        "link_url": "https://example.com/compost",
                    },
                },
                images=[
                    {
                        "url": "https://cdn.example.com/a.jpg",
                        "width": 1200,
                        "height": 675,
                        "format": "jpeg",
                        "size_bytes": 200_000,
                        "alt": "A compost bin",
                    }
                ],
            )
        )
    response = await api.client.post(
        "/api/v1/posts",
        headers=owner.headers,
        json={"account_ids": [str(x), str(fb)], "article_id": str(article_id)},
    )
    assert response.status_code == 201, response.text
    posts = {p["platform"]: p for p in response.json()}
    assert posts["x"]["article_id"] == str(article_id)
    assert posts["x"]["parts"][0]["text"].startswith("Compost at home")
    assert posts["x"]["parts"][0]["media"] == [
        {
            "url": "https://cdn.example.com/a.jpg",
            "alt": "A compost bin",
            "kind": "image",
            "cover_url": None,
        }
    ]
    assert posts["facebook"]["parts"][0]["text"].startswith("How to compost")


async def _post_with_attempt(
    api: Api, owner: Account, status: str, *, on_platform: bool
) -> uuid.UUID:
    account = await make_account(api.context.sessionmaker, api.context.keyring, owner.tenant_id)
    post_id = uuid.uuid4()
    async with unit_of_work(api.context.sessionmaker, owner.tenant_id) as session:
        session.add(
            Post(
                tenant_id=owner.tenant_id,
                id=post_id,
                social_account_id=account,
                platform="x",
                parts=[{"text": "maybe posted", "media": []}],
                scheduled_at=datetime.now(UTC),
                status=status,
                platform_post_ids=[None],
                error="unknown",
            )
        )
        await session.flush()
        session.add(
            PublishAttempt(
                tenant_id=owner.tenant_id,
                post_id=post_id,
                attempt_no=1,
                part_index=0,
                intent_at=datetime.now(UTC) - timedelta(seconds=3),
                outcome="ambiguous" if status == "unconfirmed" else "failed",
            )
        )
    if on_platform:
        api.platforms[Platform.X]._create("maybe posted", None)
    return post_id


async def test_retry_of_an_unconfirmed_post_checks_the_platform_first(api: Api) -> None:
    owner = await api.client.signup("Retry")
    absent = await _post_with_attempt(api, owner, "unconfirmed", on_platform=False)
    response = await api.client.post(f"/api/v1/posts/{absent}/retry", headers=owner.headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "scheduled"
    assert [a["outcome"] for a in response.json()["attempts"]] == ["reconciled_absent"]
    assert api.scheduler.calls[-1][:2] == ("start", absent)

    present = await _post_with_attempt(api, owner, "unconfirmed", on_platform=True)
    response = await api.client.post(f"/api/v1/posts/{present}/retry", headers=owner.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [a["outcome"] for a in body["attempts"]] == ["reconciled_published"]
    assert body["platform_post_ids"] == [api.platforms[Platform.X].posts[0].platform_post_id]
    assert api.platforms[Platform.X].publish_calls == 0

    forced = await _post_with_attempt(api, owner, "unconfirmed", on_platform=False)
    looks = api.platforms[Platform.X].recent_calls
    response = await api.client.post(
        f"/api/v1/posts/{forced}/retry", headers=owner.headers, json={"force": True}
    )
    assert response.status_code == 200
    assert [a["outcome"] for a in response.json()["attempts"]] == ["abandoned"]
    assert api.platforms[Platform.X].recent_calls == looks

    failed = await _post_with_attempt(api, owner, "failed", on_platform=False)
    assert (
        await api.client.post(f"/api/v1/posts/{failed}/retry", headers=owner.headers)
    ).status_code == 200
    scheduled = await _post_with_attempt(api, owner, "scheduled", on_platform=False)
    conflict = await api.client.post(f"/api/v1/posts/{scheduled}/retry", headers=owner.headers)
    assert conflict.status_code == 409 and conflict.headers["content-type"] == PROBLEM
