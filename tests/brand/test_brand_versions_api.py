"""Brand learning through the API: a tenant uploads a logo and three articles, accepts the
proposed kit as version 1, an edit makes version 2, a rollback returns to 1 (as version 3);
diffs, roles, the kit version an article records, the tone the writers get."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.articles import service as articles
from icop.articles.schemas import ArticleCreate
from icop.auth.principal import Principal, PrincipalKind
from icop.brand import kit as brand_kits
from icop.brand.service import BrandVoiceService
from icop.db.session import unit_of_work
from icop.embeddings import HashingEmbedder
from icop.models import Role
from tests.brand.test_brand_learning import flat_logo
from tests.helpers import Account, ApiClient

BRAND = "/api/v1/brand"
STYLE = """<style>
:root { --brand: #14532d; }
body { font-family: "Inter", sans-serif; }
h1 { font-family: "Playfair Display", Georgia, serif; color: #14532d; }
</style>"""
ARTICLES = [
    f"<html><head><title>{title}</title>{STYLE}</head><body><h1>{title}</h1><p>{body}</p>"
    "</body></html>"
    for title, body in (
        (
            "Start a compost pile",
            "You can start today. We toss in kitchen scraps and you turn the pile. "
            "Grow your own soil by spring! It's easier than you think.",
        ),
        (
            "Worms at work",
            "Don't worry about the worms. We love them, and you will too. "
            "Grow your own soil with a simple bin. It's cheap and it's fun!",
        ),
        (
            "Winter composting",
            "You'll keep the pile warm with straw. We check it weekly and you can too. "
            "Grow your own soil all year. It's worth it!",
        ),
    )
]


async def _learn(client: ApiClient, account: Account) -> Any:
    files = [("images", ("logo.png", flat_logo(), "image/png"))] + [
        ("samples", (f"article-{index}.html", text.encode(), "text/html"))
        for index, text in enumerate(ARTICLES)
    ]
    return await client.post(
        f"{BRAND}/learn", headers=account.headers, files=files, data={"name": "Green Thumbs"}
    )


async def test_learn_accept_edit_and_roll_back(
    client: ApiClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    owner = await client.signup("Green Thumbs")
    viewer = await client.add_member(owner, "viewer")

    # A viewer may read but not learn.
    assert (await _learn(client, viewer)).status_code == 403
    learned = await _learn(client, owner)
    assert learned.status_code == 201, learned.text
    proposal = learned.json()
    kit = proposal["proposal"]
    assert proposal["status"] == "pending" and proposal["trigger"] == "user"
    assert proposal["sources"] == {"images": 1, "pages": 3, "urls": [], "samples": 3}
    # Palette from the logo, fonts from the articles' CSS, tone from their text.
    assert [entry["hex"] for entry in kit["palette"]][:3] == ["#14532d", "#facc15", "#f8fafc"]
    assert (kit["background"], kit["accent"]) == ("#14532d", "#facc15")
    assert kit["heading_font"] == "Playfair Display" and kit["body_font"] == "Inter"
    assert kit["font"] == "noto-serif"
    tone = kit["tone"]
    assert tone["person"] == "second" and tone["formality_score"] < 0.4
    assert "grow your own soil" in tone["do_phrases"]
    assert {change["field"] for change in proposal["changes"]} >= {"background", "tone"}

    listed = (await client.get(f"{BRAND}/proposals", headers=viewer.headers)).json()
    assert [item["id"] for item in listed] == [proposal["id"]]
    accept = f"{BRAND}/proposals/{proposal['id']}/accept"
    assert (await client.post(accept, headers=viewer.headers, json={})).status_code == 403

    accepted = await client.post(accept, headers=owner.headers, json={})
    assert accepted.status_code == 200, accepted.text
    v1 = accepted.json()
    assert (v1["number"], v1["reason"], v1["proposal_id"]) == (1, "learned", proposal["id"])
    current = (await client.get(f"{BRAND}/kit", headers=viewer.headers)).json()
    assert current["version"] == 1 and current["background"] == "#14532d"
    assert current["font"] == "noto-serif" and current["tone"]["person"] == "second"
    again = await client.post(accept, headers=owner.headers, json={})
    assert again.status_code == 409 and again.headers["content-type"].startswith(
        "application/problem+json"
    )

    # The writers get the accepted tone in their brief.
    guide = await BrandVoiceService(sessionmaker, HashingEmbedder()).tone(owner.tenant_id)
    assert guide is not None and "address the reader as 'you'" in guide
    # The visual director gets its colours and fonts in words.
    async with unit_of_work(sessionmaker, owner.tenant_id) as session:
        look = await brand_kits.look_for(session, owner.tenant_id)
    assert look is not None and look.startswith("Green Thumbs. Brand colours: background #14532d")
    assert "Typography: Playfair Display / Inter" in look

    # An edit (PUT /brand/kit, as before) is version 2; the learned tone stays.
    edited = await client.put(
        f"{BRAND}/kit",
        headers=owner.headers,
        json={"name": "Green Thumbs", "background": "#1e3a8a", "accent": "#facc15", "text": "#fff"},
    )
    assert edited.status_code == 200 and edited.json()["version"] == 2
    assert edited.json()["tone"] == current["tone"]
    versions = (await client.get(f"{BRAND}/versions", headers=viewer.headers)).json()
    assert [(v["number"], v["reason"]) for v in versions] == [(2, "edited"), (1, "learned")]
    assert {c["field"] for c in versions[0]["changes"]} == {"background", "text", "font"}
    assert versions[0]["created_by"] == str(owner.user_id)

    diff = (await client.get(f"{BRAND}/diff?from=1&to=2", headers=viewer.headers)).json()
    assert {c["field"]: (c["before"], c["after"]) for c in diff["changes"]}["background"] == (
        "#14532d",
        "#1e3a8a",
    )

    # Roll back to 1: a new version equal to version 1.
    rollback = f"{BRAND}/versions/1/rollback"
    assert (await client.post(rollback, headers=viewer.headers)).status_code == 403
    restored = await client.post(rollback, headers=owner.headers)
    assert restored.status_code == 201, restored.text
    v3 = restored.json()
    assert (v3["number"], v3["reason"], v3["restored_from"]) == (3, "rollback", 1)
    assert v3["kit"] == v1["kit"]
    assert (await client.get(f"{BRAND}/diff?from=1&to=3", headers=owner.headers)).json()[
        "changes"
    ] == []
    latest = (await client.get(f"{BRAND}/diff", headers=owner.headers)).json()
    assert (latest["from_version"], latest["to_version"]) == (2, 3)
    assert {c["field"] for c in latest["changes"]} == {"background", "text", "font"}
    back = (await client.get(f"{BRAND}/kit", headers=owner.headers)).json()
    assert (back["version"], back["background"], back["font"]) == (3, "#14532d", "noto-serif")
    missing = await client.get(f"{BRAND}/versions/9", headers=owner.headers)
    assert missing.status_code == 404

    # An article records the kit version it is written with.
    principal = Principal(
        kind=PrincipalKind.USER, tenant_id=owner.tenant_id, role=Role.OWNER, user_id=owner.user_id
    )
    async with unit_of_work(sessionmaker, owner.tenant_id) as session:
        article = await articles.register(session, principal, ArticleCreate(topic="Compost"))
    assert article.brand_kit_version == 3


async def test_edit_before_accepting_and_reject(client: ApiClient) -> None:
    owner = await client.signup("Edits")
    first = (await _learn(client, owner)).json()
    accepted = await client.post(
        f"{BRAND}/proposals/{first['id']}/accept",
        headers=owner.headers,
        json={"edits": {"accent": "#F97316", "dont_phrases": ["synergy"]}},
    )
    assert accepted.status_code == 200, accepted.text
    kit = accepted.json()["kit"]
    assert kit["accent"] == "#f97316" and kit["tone"]["dont_phrases"] == ["synergy"]
    assert accepted.json()["note"] == "learned, edited before accepting"
    illegible = (await _learn(client, owner)).json()
    refused = await client.post(
        f"{BRAND}/proposals/{illegible['id']}/accept",
        headers=owner.headers,
        json={"edits": {"text": "#14532d"}},  # the same as the background
    )
    assert refused.status_code == 422
    rejected = await client.post(
        f"{BRAND}/proposals/{illegible['id']}/reject",
        headers=owner.headers,
        json={"reason": "not our colours"},
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    pending = await client.get(f"{BRAND}/proposals?status=pending", headers=owner.headers)
    assert pending.json() == []
    # Nothing learned needs a source: an empty request is refused, not proposed.
    empty = await client.post(f"{BRAND}/learn", headers=owner.headers, data={"name": "x"})
    assert empty.status_code == 422


async def test_a_url_to_an_internal_address_is_refused(client: ApiClient) -> None:
    owner = await client.signup("Guarded")
    refused = await client.post(
        f"{BRAND}/learn",
        headers=owner.headers,
        data={"url": "http://169.254.169.254/latest/meta-data/"},
    )
    assert refused.status_code == 422
    assert refused.json()["reason"] == "link_local"
