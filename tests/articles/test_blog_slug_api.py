"""A workspace chooses its blog's address: validated, unique across workspaces (a 409 that
does not say whose it is), changeable by admins; the old address answers 404 at once and is
free for anyone to take (ADR 0025)."""

from __future__ import annotations

from sqlalchemy import select

from icop.db.session import unit_of_work
from icop.models import AuditEvent
from icop.runtime.clients import Runtime
from tests.articles.test_web_publishing_api import _article, _web
from tests.helpers import ApiClient

PROBLEM = "application/problem+json"


async def test_choose_and_change_the_blog_address(client: ApiClient, context: Runtime) -> None:
    owner = await client.signup("Green Thumb Co")
    shown = await client.get("/api/v1/blog", headers=owner.headers)
    assert shown.status_code == 200, shown.text
    assert shown.json() == {
        "blog_slug": None,
        "url": None,
        "suggested_slug": "green-thumb-co",
    }

    for bad in ("Has-Caps", "ab", "-edge", "edge-", "two--hyphens", "café", "with space", "x" * 61):
        refused = await client.put("/api/v1/blog", headers=owner.headers, json={"blog_slug": bad})
        assert refused.status_code == 422, (bad, refused.text)
        assert refused.headers["content-type"] == PROBLEM

    chosen = await client.put(
        "/api/v1/blog", headers=owner.headers, json={"blog_slug": "garden-diary"}
    )
    assert chosen.status_code == 200, chosen.text
    base = context.settings.dashboard_base_url
    assert chosen.json()["url"] == f"{base}/blog/garden-diary"

    # Publishing keeps the chosen address.
    article_id = await _article(context, owner)
    published = await client.post(_web(article_id), headers=owner.headers)
    assert published.json()["url"] == f"{base}/blog/garden-diary/home-composting"
    assert (await client.get("/api/v1/public/blogs/garden-diary")).status_code == 200

    # Taken by another workspace: a 409 that names neither the workspace nor its id.
    other = await client.signup("Secret Rival Ltd")
    taken = await client.put(
        "/api/v1/blog", headers=other.headers, json={"blog_slug": "garden-diary"}
    )
    assert taken.status_code == 409 and taken.headers["content-type"] == PROBLEM
    assert "Green Thumb" not in taken.text and str(owner.tenant_id) not in taken.text
    assert "taken" in taken.json()["detail"]
    # Setting the address one already has is no change.
    same = await client.put(
        "/api/v1/blog", headers=owner.headers, json={"blog_slug": "garden-diary"}
    )
    assert same.status_code == 200

    moved = await client.put(
        "/api/v1/blog", headers=owner.headers, json={"blog_slug": "garden-notes"}
    )
    assert moved.status_code == 200, moved.text
    # The old address is gone at once (no redirect), the new one serves the same pages.
    assert (await client.get("/api/v1/public/blogs/garden-diary")).status_code == 404
    old_page = await client.get("/api/v1/public/blogs/garden-diary/articles/home-composting")
    assert old_page.status_code == 404
    page = await client.get("/api/v1/public/blogs/garden-notes/articles/home-composting")
    assert page.status_code == 200
    assert page.json()["url"] == f"{base}/blog/garden-notes/home-composting"
    status = await client.get(_web(article_id), headers=owner.headers)
    assert status.json()["blog_slug"] == "garden-notes"
    # The freed address is anyone's.
    claimed = await client.put(
        "/api/v1/blog", headers=other.headers, json={"blog_slug": "garden-diary"}
    )
    assert claimed.status_code == 200, claimed.text

    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        changes = (
            await session.scalars(
                select(AuditEvent.details).where(AuditEvent.action == "blog.slug_changed")
            )
        ).all()
    assert {"from": "garden-diary", "to": "garden-notes"} in changes


async def test_only_admins_choose_the_address(client: ApiClient) -> None:
    owner = await client.signup("Admin Only Blog")
    for role in ("editor", "viewer"):
        member = await client.add_member(owner, role)
        refused = await client.put(
            "/api/v1/blog", headers=member.headers, json={"blog_slug": f"{role}-blog"}
        )
        assert refused.status_code == 403, refused.text
        assert (await client.get("/api/v1/blog", headers=member.headers)).status_code == 200
    admin = await client.add_member(owner, "admin")
    allowed = await client.put(
        "/api/v1/blog", headers=admin.headers, json={"blog_slug": "admin-only-blog"}
    )
    assert allowed.status_code == 200, allowed.text
