"""The brand logo: upload (raster only, size and dimension limits), what is stored (a clean
PNG), serving, replace and remove with their audit, roles, and the logo on the rendered cards
(the brand page's sample card and the local renderer's images)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image, PngImagePlugin

from icop.brand.logo import MAX_LOGO_BYTES, normalise
from icop.images.render import BrandKit, render_card_image
from tests.helpers import Account, ApiClient

LOGO = "/api/v1/brand/logo"
KIT = "/api/v1/brand/kit"
PREVIEW = "/api/v1/images/card-preview"
RED = (220, 20, 20)
WHITE_KIT = {"name": "Garden Co", "background": "#ffffff", "accent": "#b45309", "text": "#14532d"}


def _png(size: tuple[int, int] = (200, 120), colour: tuple[int, ...] = (*RED, 255)) -> bytes:
    out = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret-metadata")
    Image.new("RGBA", size, colour).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def _encoded(fmt: str, size: tuple[int, int] = (120, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, RED).save(out, format=fmt)
    return out.getvalue()


async def _upload(
    client: ApiClient,
    account: Account,
    data: bytes,
    name: str = "logo.png",
    kind: str = "image/png",
) -> Any:
    return await client.put(LOGO, headers=account.headers, files={"file": (name, data, kind)})


async def test_upload_serve_replace_remove_and_audit(client: ApiClient) -> None:
    owner = await client.signup("Logo Co")
    assert (await client.get(KIT, headers=owner.headers)).json()["logo"] is None

    uploaded = await _upload(client, owner, _png())
    assert uploaded.status_code == 200, uploaded.text
    logo = uploaded.json()
    assert (logo["width"], logo["height"], logo["source_format"]) == (200, 120, "png")
    assert logo["url"] == f"{LOGO}/{logo['id']}"
    assert logo["uploaded_by"] == str(owner.user_id)
    # The kit reports it, with the default colours (no kit of its own yet).
    kit = (await client.get(KIT, headers=owner.headers)).json()
    assert kit["is_default"] is True and kit["logo"] == logo

    viewer = await client.add_member(owner, "viewer")
    served = await client.get(logo["url"], headers=viewer.headers)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert "immutable" in served.headers["cache-control"]
    image = Image.open(io.BytesIO(served.content))
    assert (image.format, image.size, image.mode) == ("PNG", (200, 120), "RGBA")
    # Made from the pixels alone: the upload's text chunk is not kept.
    assert "Comment" not in image.info

    replaced = await _upload(client, owner, _encoded("WEBP"), "logo.webp", "image/webp")
    assert replaced.status_code == 200, replaced.text
    second = replaced.json()
    assert second["id"] != logo["id"] and second["source_format"] == "webp"
    assert (await client.get(logo["url"], headers=owner.headers)).status_code == 404
    assert (await client.get(second["url"], headers=owner.headers)).status_code == 200

    # Resetting the colours keeps the logo.
    assert (await client.delete(KIT, headers=owner.headers)).status_code == 204
    assert (await client.get(KIT, headers=owner.headers)).json()["logo"]["id"] == second["id"]

    removed = await client.delete(LOGO, headers=owner.headers)
    assert removed.status_code == 204
    assert (await client.get(KIT, headers=owner.headers)).json()["logo"] is None
    assert (await client.get(second["url"], headers=owner.headers)).status_code == 404
    assert (await client.delete(LOGO, headers=owner.headers)).status_code == 204  # idempotent

    audit = (await client.get("/api/v1/audit-log", headers=owner.headers)).json()
    actions = [event["action"] for event in audit]
    assert actions.count("brand.logo_updated") == 2 and actions.count("brand.logo_removed") == 1
    updated = next(event for event in audit if event["action"] == "brand.logo_updated")
    assert updated["details"]["source_format"] in {"png", "webp"}


async def test_only_owners_and_admins_change_the_logo(client: ApiClient) -> None:
    owner = await client.signup("Roles Co")
    admin = await client.add_member(owner, "admin")
    assert (await _upload(client, admin, _png())).status_code == 200
    for role in ("editor", "viewer"):
        member = await client.add_member(owner, role)
        assert (await _upload(client, member, _png())).status_code == 403
        assert (await client.delete(LOGO, headers=member.headers)).status_code == 403
    assert (await client.get(KIT, headers=owner.headers)).json()["logo"] is not None


async def test_another_tenant_cannot_read_the_logo(client: ApiClient) -> None:
    owner = await client.signup("Mine Co")
    other = await client.signup("Theirs Co")
    logo = (await _upload(client, owner, _png())).json()
    assert (await client.get(logo["url"], headers=other.headers)).status_code == 404
    assert (await client.get(KIT, headers=other.headers)).json()["logo"] is None
    # Their removal removes theirs (none), not ours.
    assert (await client.delete(LOGO, headers=other.headers)).status_code == 204
    assert (await client.get(logo["url"], headers=owner.headers)).status_code == 200


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    ("data", "name", "kind", "reason", "words"),
    [
        (SVG, "logo.svg", "image/svg+xml", "svg", "SVG logos are not accepted"),
        (b"<svg viewBox='0 0 1 1'/>", "logo.svg", "image/svg+xml", "svg", "export it as PNG"),
        (_encoded("GIF"), "logo.gif", "image/gif", "unsupported_format", "PNG, JPEG or WebP"),
        (b"%PDF-1.7 not a picture", "logo.pdf", "application/pdf", "unsupported_format", "not a"),
        (b"", "logo.png", "image/png", "empty", "empty"),
        (_png((20, 200)), "logo.png", "image/png", "too_small", "at least 32"),
        (_png((4100, 40)), "logo.png", "image/png", "too_big", "at most 4096"),
        (_png()[:60], "logo.png", "image/png", "corrupt", "damaged"),
    ],
    ids=["svg", "bare-svg", "gif", "pdf", "empty", "too-small", "too-big", "cut-short"],
)
async def test_unusable_uploads_are_422_with_a_reason(
    client: ApiClient, data: bytes, name: str, kind: str, reason: str, words: str
) -> None:
    owner = await client.signup("Strict Co")
    response = await _upload(client, owner, data, name, kind)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["reason"] == reason, problem
    assert words in problem["detail"], problem
    assert (await client.get(KIT, headers=owner.headers)).json()["logo"] is None


async def test_a_file_over_the_limit_is_413(client: ApiClient) -> None:
    owner = await client.signup("Big Co")
    # Noise does not compress: a PNG of it is larger than the limit.
    # Under the API's 1 MiB body limit, so it is the logo's own limit that answers.
    noise = Image.frombytes("RGB", (450, 450), bytes(range(256)) * (450 * 450 * 3 // 256 + 1))
    out = io.BytesIO()
    noise.save(out, format="PNG", compress_level=0)
    assert MAX_LOGO_BYTES < len(out.getvalue()) < 1_000_000
    response = await _upload(client, owner, out.getvalue())
    assert response.status_code == 413, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "logo_too_large" in problem["type"] and "512 KiB" in problem["detail"]


def test_a_photo_is_stored_upright_and_large_logos_shrink() -> None:
    tall = Image.new("RGB", (2000, 600), RED)
    exif = tall.getexif()
    exif[0x0112] = 6  # stored sideways: shown rotated 90° clockwise
    out = io.BytesIO()
    tall.save(out, format="JPEG", exif=exif.tobytes())
    logo = normalise(out.getvalue())
    assert logo.source_format == "jpeg"
    # Upright (600 wide, 2000 tall), then fitted into 1024 pixels a side.
    assert (logo.width, logo.height) == (307, 1024)
    assert Image.open(io.BytesIO(logo.png)).size == (307, 1024)


def _pixels(image: Image.Image, box: tuple[int, int, int, int]) -> list[tuple[int, ...]]:
    data = image.convert("RGB").crop(box).tobytes()
    return [tuple(data[i : i + 3]) for i in range(0, len(data), 3)]


def _red_share(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    pixels = _pixels(image, box)
    red = [p for p in pixels if p[0] > 180 and p[1] < 90 and p[2] < 90]
    return len(red) / len(pixels)


# Where the logo goes on a portrait card: the safe area's bottom-right corner (margin 81).
LOGO_CORNER = (999 - 80, 1269 - 80, 999, 1269)


async def test_the_sample_card_draws_the_saved_logo(client: ApiClient) -> None:
    owner = await client.signup("Card Co")
    body = {**WHITE_KIT, "title": "Five ways to keep a garden green", "logo": True}
    without = await client.post(PREVIEW, headers=owner.headers, json=body)
    assert without.status_code == 200, without.text  # no logo yet: drawn without one
    assert _red_share(Image.open(io.BytesIO(without.content)), LOGO_CORNER) == 0

    assert (await _upload(client, owner, _png((120, 120)))).status_code == 200
    drawn = await client.post(PREVIEW, headers=owner.headers, json=body)
    assert _red_share(Image.open(io.BytesIO(drawn.content)), LOGO_CORNER) > 0.9
    # Only when asked: the kit being tried may be shown without it.
    plain = await client.post(PREVIEW, headers=owner.headers, json={**body, "logo": False})
    assert plain.content == without.content


async def test_the_local_renderer_draws_the_logo_on_images(client: ApiClient) -> None:
    owner = await client.signup("Render Co")
    assert (await client.put(KIT, headers=owner.headers, json=WHITE_KIT)).status_code == 200
    order = {"prompt": "a garden", "title": "A garden in May", "provider": "local", "seed": 7}
    before = (await client.post("/api/v1/images", headers=owner.headers, json=order)).json()
    assert before["status"] == "ready", before
    assert (await _upload(client, owner, _png((120, 120)))).status_code == 200
    after = (await client.post("/api/v1/images", headers=owner.headers, json=order)).json()
    assert after["status"] == "ready", after
    assert after["sha256"] != before["sha256"]
    context = client.http._transport.app.state.runtime  # type: ignore[attr-defined]
    card = Image.open(io.BytesIO(await context.object_store.get(after["storage_key"])))
    assert _red_share(card, LOGO_CORNER) > 0.9


def test_the_brand_name_makes_room_for_the_logo() -> None:
    """A long name is cut before it reaches the logo, and the logo stays inside the margin."""
    name = "An extremely long brand name that would run across the whole footer of the card"
    kit = BrandKit(name=name, background=(255, 255, 255), text=(0, 0, 0), logo=_png((300, 60)))
    card = render_card_image("Title", brand=kit)
    # The logo: 324 x 65 at most, in the bottom-right corner of the safe area.
    assert _red_share(card, (999 - 300, 1269 - 55, 999, 1269)) > 0.9
    # None of it in the margin to its right.
    assert _red_share(card, (999, 1269 - 55, 1080, 1269)) == 0
    # No text (the name is grey here) inside the logo's box.
    grey = [
        p
        for p in _pixels(card, (999 - 324, 1269 - 86, 999, 1269))
        if max(p) - min(p) < 30 and max(p) < 200
    ]
    assert not grey
