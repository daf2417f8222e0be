"""Designs through the API: an image becomes a design, commands (English and Korean) and hand
edits add versions, undo/redo/restore move through the history (a change after an undo starts
a new branch), stale and invalid edits are refused with nothing stored, and the renders."""

from __future__ import annotations

import io
import uuid

from PIL import Image as PILImage
from sqlalchemy import func, select

from icop.db.session import unit_of_work
from icop.models import AuditEvent, DesignVersionRecord
from icop.runtime.clients import Runtime
from tests.designs.api_support import PROBLEM, card_design, image, objects, with_role
from tests.helpers import ApiClient


async def _versions(context: Runtime, tenant_id: uuid.UUID, design_id: str) -> int:
    async with unit_of_work(context.sessionmaker, tenant_id) as session:
        count = await session.scalar(
            select(func.count())
            .select_from(DesignVersionRecord)
            .where(DesignVersionRecord.design_id == uuid.UUID(design_id))
        )
    return int(count or 0)


async def test_an_image_becomes_one_design(client: ApiClient) -> None:
    owner = await client.signup("Design Cards")
    made = await image(client, owner)
    first = await client.post(
        "/api/v1/designs", headers=owner.headers, json={"image_id": made["id"]}
    )
    assert first.status_code == 201, first.text
    design = first.json()
    assert design["image_id"] == made["id"] and design["head"] == 1 and design["versions"] == 1
    assert (design["width"], design["height"]) == (1080, 1350)
    assert not design["can_undo"] and not design["can_redo"]
    assert design["preview_url"] == f"/api/v1/designs/{design['id']}/render.png?v=1"
    assert with_role(design, "title")["text"] == "Compost at home"
    assert design["document"]["version"].startswith("6.")

    again = await client.post(
        "/api/v1/designs", headers=owner.headers, json={"image_id": made["id"]}
    )
    assert again.status_code == 200 and again.json()["id"] == design["id"]
    listed = await client.get(f"/api/v1/designs?image_id={made['id']}", headers=owner.headers)
    assert [d["id"] for d in listed.json()] == [design["id"]]

    blank = await client.post("/api/v1/designs", headers=owner.headers, json={"preset": "square"})
    assert blank.status_code == 201, blank.text
    assert (blank.json()["width"], blank.json()["height"]) == (1080, 1080)
    both = await client.post(
        "/api/v1/designs",
        headers=owner.headers,
        json={"preset": "square", "image_id": made["id"]},
    )
    assert both.status_code == 422 and both.headers["content-type"] == PROBLEM


async def test_commands_undo_redo_branch_and_restore(client: ApiClient, context: Runtime) -> None:
    owner = await client.signup("Design History")
    design = await card_design(client, owner)
    base = f"/api/v1/designs/{design['id']}"
    size = with_role(design, "title")["fontSize"]

    bigger = await client.post(
        f"{base}/commands",
        headers=owner.headers,
        json={"text": "make the title bigger", "expected_head": 1},
    )
    assert bigger.status_code == 200, bigger.text
    result = bigger.json()
    assert result["source"] == "fast_path" and result["description"]
    assert result["actions"][0]["kind"] == "resize"
    v2 = result["design"]
    assert v2["head"] == 2 and v2["can_undo"] and not v2["can_redo"]
    title = with_role(v2, "title")
    assert title["fontSize"] * title.get("scaleY", 1) > size

    korean = await client.post(
        f"{base}/commands",
        headers=owner.headers,
        json={"text": "제목을 더 크게", "expected_head": 2},
    )
    assert korean.status_code == 200, korean.text
    assert korean.json()["design"]["head"] == 3

    undone = await client.post(f"{base}/undo", headers=owner.headers, json={"expected_head": 3})
    assert undone.status_code == 200, undone.text
    assert undone.json()["head"] == 2 and undone.json()["can_redo"]
    redone = await client.post(f"{base}/redo", headers=owner.headers, json={"expected_head": 2})
    assert redone.json()["head"] == 3 and not redone.json()["can_redo"]
    nothing = await client.post(f"{base}/redo", headers=owner.headers, json={"expected_head": 3})
    assert nothing.status_code == 409 and nothing.json()["code"] == "nothing_to_redo"

    # Undo twice, then a hand edit: a new branch from version 1; 2 and 3 stay in the history.
    await client.post(f"{base}/undo", headers=owner.headers, json={"expected_head": 3})
    at_one = await client.post(f"{base}/undo", headers=owner.headers, json={"expected_head": 2})
    assert at_one.json()["head"] == 1 and not at_one.json()["can_undo"]
    title_id = with_role(at_one.json(), "title")["id"]
    moved = await client.post(
        f"{base}/actions",
        headers=owner.headers,
        json={
            "expected_head": 1,
            "actions": [{"kind": "move", "targets": [title_id], "x": 10, "y": 20}],
        },
    )
    assert moved.status_code == 200, moved.text
    branch = moved.json()
    assert branch["head"] == 4 and not branch["can_redo"] and branch["versions"] == 4
    assert with_role(branch, "title")["top"] == with_role(at_one.json(), "title")["top"] + 20

    versions = (await client.get(f"{base}/versions", headers=owner.headers)).json()
    assert [(v["number"], v["parent"], v["is_head"]) for v in versions] == [
        (1, None, False),
        (2, 1, False),
        (3, 2, False),
        (4, 1, True),
    ]
    assert versions[3]["actions_count"] == 1
    restored = await client.post(
        f"{base}/versions/3/restore", headers=owner.headers, json={"expected_head": 4}
    )
    assert restored.status_code == 200, restored.text
    assert restored.json()["head"] == 5
    three = await client.get(f"{base}/render.png?v=3", headers=owner.headers)
    five = await client.get(f"{base}/render.png?v=5", headers=owner.headers)
    assert three.content == five.content  # the same document, drawn the same

    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        actions = (
            await session.scalars(
                select(AuditEvent.action).where(AuditEvent.target_id == design["id"])
            )
        ).all()
    # One test transaction: the rows share a timestamp, so compare what was recorded.
    assert sorted(actions) == sorted(
        ["design.created"]
        + ["design.changed"] * 3
        + ["design.undone"] * 3
        + ["design.redone", "design.restored"]
    )


async def test_stale_and_invalid_edits_store_nothing(client: ApiClient, context: Runtime) -> None:
    owner = await client.signup("Design Refusals")
    design = await card_design(client, owner)
    base = f"/api/v1/designs/{design['id']}"
    title_id = with_role(design, "title")["id"]
    move = {"kind": "move", "targets": [title_id], "x": 5, "y": 5}

    first = await client.post(
        f"{base}/actions", headers=owner.headers, json={"expected_head": 1, "actions": [move]}
    )
    assert first.status_code == 200, first.text
    # A second edit made against version 1: refused, with the head to reload.
    second = await client.post(
        f"{base}/actions", headers=owner.headers, json={"expected_head": 1, "actions": [move]}
    )
    assert second.status_code == 409 and second.headers["content-type"] == PROBLEM
    assert second.json()["code"] == "design_version_conflict" and second.json()["head"] == 2
    stale_command = await client.post(
        f"{base}/commands",
        headers=owner.headers,
        json={"text": "make the title bigger", "expected_head": 1},
    )
    assert stale_command.status_code == 409
    assert await _versions(context, owner.tenant_id, design["id"]) == 2

    refused = [
        {"kind": "move", "targets": [title_id], "x": 9000, "y": 0, "relative": False},
        {"kind": "set_style", "targets": [title_id], "style": {"fontFamily": "Comic Sans MS"}},
        {"kind": "move", "targets": ["no-such-object"], "x": 1, "y": 1},
        {
            "kind": "add",
            "object": {
                "type": "Image",
                "id": "outside",
                "src": "https://attacker.example/pixel.png",
                "width": 10,
                "height": 10,
            },
        },
    ]
    for action in refused:
        response = await client.post(
            f"{base}/actions", headers=owner.headers, json={"expected_head": 2, "actions": [action]}
        )
        assert response.status_code == 422, (action, response.text)
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] in ("invalid_design_action", "validation_failed"), action
    assert await _versions(context, owner.tenant_id, design["id"]) == 2

    # A workspace's own image may be placed; its signed URL comes back as the stored key.
    other = await image(client, owner, title="Worm bin")
    added = await client.post(
        f"{base}/actions",
        headers=owner.headers,
        json={
            "expected_head": 2,
            "actions": [
                {
                    "kind": "add",
                    "object": {
                        "type": "Image",
                        "id": "worms",
                        "src": other["url"],
                        "width": 200,
                        "height": 250,
                    },
                }
            ],
        },
    )
    assert added.status_code == 200, added.text
    placed = next(item for item in objects(added.json()) if item["id"] == "worms")
    assert other["sha256"] in placed["src"] and "/api/v1/media/" in placed["src"]


async def test_renders_and_roles(client: ApiClient) -> None:
    owner = await client.signup("Design Renders")
    design = await card_design(client, owner)
    base = f"/api/v1/designs/{design['id']}"
    png = await client.get(f"{base}/render.png?v=1", headers=owner.headers)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert "immutable" in png.headers["cache-control"]
    with PILImage.open(io.BytesIO(png.content)) as drawn:
        assert drawn.size == (1080, 1350)
    jpeg = await client.get(f"{base}/render.jpg?platform=instagram", headers=owner.headers)
    assert jpeg.status_code == 200 and jpeg.content[:2] == b"\xff\xd8"
    missing = await client.get(f"{base}/render.png?v=9", headers=owner.headers)
    assert missing.status_code == 404

    viewer = await client.add_member(owner, "viewer")
    assert (await client.get(base, headers=viewer.headers)).status_code == 200
    denied = await client.post(
        f"{base}/commands",
        headers=viewer.headers,
        json={"text": "make the title bigger", "expected_head": 1},
    )
    assert denied.status_code == 403
    stranger = await client.signup("Design Stranger")
    assert (await client.get(base, headers=stranger.headers)).status_code == 404
