"""``/api/v1/images`` without Temporal: the local renderer answers inline, the JPEG is behind
a working signed link, roles and tenancy hold, and the tenant's provider order applies."""

from __future__ import annotations

import hashlib
import io
import uuid

from PIL import Image

from icop.images.service import INLINE_SKIP
from tests.helpers import ApiClient


async def test_post_renders_inline_and_links_a_jpeg(api: ApiClient) -> None:
    owner = await api.signup("Images Co")
    response = await api.post(
        "/api/v1/images",
        headers=owner.headers,
        json={"prompt": "Ten ways to brew green tea", "preset": "square", "platform": "instagram"},
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert response.headers["location"] == f"/images/{body['id']}"
    assert body["status"] == "ready"
    assert (body["provider"], body["model"]) == ("local", "pillow-card")
    assert (body["width"], body["height"], body["content_type"]) == (1080, 1080, "image/jpeg")
    assert body["storage_key"].startswith(f"{owner.tenant_id}/")
    assert body["chain"] == ["openai", "local"]
    assert body["attempts"] == [
        {"provider": "openai", "outcome": "skipped", "detail": INLINE_SKIP},
        {"provider": "local", "outcome": "ok", "detail": None},
    ]
    assert body["workflow_id"] is None and body["completed_at"]

    served = await api.get(body["url"])
    assert served.status_code == 200
    assert hashlib.sha256(served.content).hexdigest() == body["sha256"]
    assert len(served.content) == body["size_bytes"]
    image = Image.open(io.BytesIO(served.content))
    assert (image.format, image.size) == ("JPEG", (1080, 1080))

    again = await api.get(f"/api/v1/images/{body['id']}", headers=owner.headers)
    assert again.status_code == 200
    assert again.json()["sha256"] == body["sha256"]
    listed = await api.get("/api/v1/images?status=ready", headers=owner.headers)
    assert [item["id"] for item in listed.json()] == [body["id"]]
    assert (await api.get("/api/v1/images?status=failed", headers=owner.headers)).json() == []


async def test_same_prompt_and_seed_store_one_object(api: ApiClient) -> None:
    owner = await api.signup("Seeds")
    payload = {"prompt": "Autumn sale", "seed": 7, "title": "Autumn sale: 30% off"}
    first = (await api.post("/api/v1/images", headers=owner.headers, json=payload)).json()
    second = (await api.post("/api/v1/images", headers=owner.headers, json=payload)).json()
    assert first["id"] != second["id"]
    assert first["storage_key"] == second["storage_key"]
    other_seed = {**payload, "seed": 8}
    third = (await api.post("/api/v1/images", headers=owner.headers, json=other_seed)).json()
    assert third["storage_key"] != first["storage_key"]


async def test_validation(api: ApiClient) -> None:
    owner = await api.signup("Strict")
    for payload in (
        {"prompt": ""},
        {"prompt": "x", "preset": "poster"},
        {"prompt": "x", "provider": "dall-e-3"},
        {"prompt": "x", "platform": "tiktok"},
        {"prompt": "x", "seed": -1},
        {"prompt": "x", "size": "portrait"},
        {"prompt": "x" * 4001},
    ):
        response = await api.post("/api/v1/images", headers=owner.headers, json=payload)
        assert response.status_code == 422, payload


async def test_roles_and_tenancy(api: ApiClient) -> None:
    owner = await api.signup("Owner Co")
    viewer = await api.add_member(owner, "viewer")
    editor = await api.add_member(owner, "editor")
    denied = await api.post("/api/v1/images", headers=viewer.headers, json={"prompt": "p"})
    assert denied.status_code == 403
    made = await api.post("/api/v1/images", headers=editor.headers, json={"prompt": "p"})
    assert made.status_code == 202
    image_id = made.json()["id"]
    assert (await api.get(f"/api/v1/images/{image_id}", headers=viewer.headers)).status_code == 200
    stranger = await api.signup("Stranger")
    assert (
        await api.get(f"/api/v1/images/{image_id}", headers=stranger.headers)
    ).status_code == 404
    assert (await api.get("/api/v1/images", headers=stranger.headers)).json() == []
    assert (
        await api.get(f"/api/v1/images/{uuid.uuid4()}", headers=owner.headers)
    ).status_code == 404
    assert (await api.get(f"/api/v1/images/{image_id}")).status_code == 401


async def test_tenant_routing(api: ApiClient) -> None:
    owner = await api.signup("Routing")
    editor = await api.add_member(owner, "editor")
    default = await api.get("/api/v1/images/routing", headers=owner.headers)
    assert default.status_code == 200
    assert default.json()["source"] == "default"
    assert default.json()["providers"] == ["openai", "local"]
    assert {p["name"]: p["configured"] for p in default.json()["available"]} == {
        "openai": False,
        "local": True,
    }

    body = {"providers": ["fal", "openai"]}
    assert (
        await api.put("/api/v1/images/routing", headers=editor.headers, json=body)
    ).status_code == 403
    updated = await api.put("/api/v1/images/routing", headers=owner.headers, json=body)
    assert updated.status_code == 200, updated.text
    assert updated.json()["source"] == "tenant"
    made = await api.post(
        "/api/v1/images", headers=owner.headers, json={"prompt": "p", "provider": "comfyui"}
    )
    assert made.json()["chain"] == ["comfyui", "fal", "openai", "local"]
    assert made.json()["requested_provider"] == "comfyui"
    assert [a["outcome"] for a in made.json()["attempts"]] == ["skipped"] * 3 + ["ok"]

    bad_bodies: list[dict[str, list[str]]] = [
        {"providers": []},
        {"providers": ["fal", "fal"]},
        {"providers": ["midjourney"]},
    ]
    for bad in bad_bodies:
        assert (
            await api.put("/api/v1/images/routing", headers=owner.headers, json=bad)
        ).status_code == 422
    assert (await api.delete("/api/v1/images/routing", headers=owner.headers)).status_code == 204
    assert (await api.get("/api/v1/images/routing", headers=owner.headers)).json()[
        "source"
    ] == "default"

    other = await api.signup("Other")
    assert (await api.get("/api/v1/images/routing", headers=other.headers)).json()[
        "source"
    ] == "default"
