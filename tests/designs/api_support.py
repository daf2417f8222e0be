"""Designs through the API: an image of the workspace's, and its design."""

from __future__ import annotations

from typing import Any

from tests.helpers import Account, ApiClient

PROBLEM = "application/problem+json"


async def image(
    client: ApiClient, owner: Account, title: str = "Compost at home"
) -> dict[str, Any]:
    """A local card (rendered inline: no Temporal here)."""
    response = await client.post(
        "/api/v1/images",
        headers=owner.headers,
        json={"prompt": "a compost heap", "title": title, "seed": 7},
    )
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == "ready", body
    return body


async def card_design(client: ApiClient, owner: Account) -> dict[str, Any]:
    made = await image(client, owner)
    response = await client.post(
        "/api/v1/designs", headers=owner.headers, json={"image_id": made["id"]}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def objects(design: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for item in design["document"]["objects"]:
        found.append(item)
        found.extend(item.get("objects", []))
    return found


def with_role(design: dict[str, Any], role: str) -> dict[str, Any]:
    return next(item for item in objects(design) if item.get("role") == role)
