"""``POST /images/card-preview``: the brand page's sample card, the local renderer's JPEG for a
kit not saved yet, stored nowhere, refused below the kit's contrast rule."""

from __future__ import annotations

import io

from PIL import Image

from tests.helpers import ApiClient

KIT = {"name": "Garden Co", "background": "#ffffff", "accent": "#b45309", "text": "#14532d"}


async def test_renders_the_kit_as_a_jpeg_and_stores_nothing(api: ApiClient) -> None:
    owner = await api.signup("Preview Co")
    viewer = await api.add_member(owner, "viewer")
    body = {**KIT, "title": "Five ways to keep a garden green", "kicker": "Guide"}
    response = await api.post("/api/v1/images/card-preview", headers=viewer.headers, json=body)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["cache-control"] == "no-store"
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.size) == ("JPEG", (1080, 1350))
    # The kit's background where nothing is drawn (a corner inside the margin, off the accent
    # decoration, which sits at the right and the top).
    red, green, blue = image.convert("RGB").getpixel((20, 1330))  # type: ignore[misc]
    assert min(red, green, blue) > 245

    dark = {**body, "background": "#111827", "text": "#f8fafc", "preset": "landscape"}
    other = await api.post("/api/v1/images/card-preview", headers=owner.headers, json=dark)
    assert other.status_code == 200
    dark_image = Image.open(io.BytesIO(other.content)).convert("RGB")
    assert dark_image.size == (1200, 630)
    corner = dark_image.getpixel((10, 620))
    # #111827, give or take the JPEG's rounding.
    assert all(abs(a - b) <= 6 for a, b in zip(corner, (17, 24, 39), strict=True))  # type: ignore[arg-type]
    # The same request draws the same card.
    again = await api.post("/api/v1/images/card-preview", headers=owner.headers, json=dark)
    assert again.content == other.content

    assert (await api.get("/api/v1/images", headers=owner.headers)).json() == []
    kit = (await api.get("/api/v1/brand/kit", headers=owner.headers)).json()
    assert kit["is_default"] is True


async def test_refuses_an_illegible_kit_and_strangers(api: ApiClient) -> None:
    owner = await api.signup("Preview Refusals")
    low = {**KIT, "text": "#cccccc", "title": "Pale"}
    refused = await api.post("/api/v1/images/card-preview", headers=owner.headers, json=low)
    assert refused.status_code == 422
    assert "contrast ratio" in refused.text
    no_title = await api.post("/api/v1/images/card-preview", headers=owner.headers, json=KIT)
    assert no_title.status_code == 422
    anonymous = await api.post("/api/v1/images/card-preview", json={**KIT, "title": "x"})
    assert anonymous.status_code == 401
