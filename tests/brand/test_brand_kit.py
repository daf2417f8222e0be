"""The brand kit: the API (default → put → get → delete), validation at the edge, roles,
tenancy under row-level security, the contrast rule and the demo workspace's kit."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.auth.principal import Principal, PrincipalKind
from icop.brand import kit as brand_kits
from icop.brand.fonts import CATALOG, BrandFont, resolve_font
from icop.brand.palette import (
    DEFAULT_SPEC,
    MIN_TEXT_CONTRAST,
    contrast_ratio,
    hex_to_rgb,
    normalise_hex,
    relative_luminance,
)
from icop.brand.repository import BrandKitRepository
from icop.cli.demo import DEMO_BRAND, ensure_demo_brand
from icop.db.session import unit_of_work
from icop.models import Role
from tests.helpers import Account, ApiClient

KIT = "/api/v1/brand/kit"
GARDEN = {
    "name": "Green Thumbs",
    "background": "#14532D",
    "accent": "#a3e635",
    "text": "#FFF",
    "font": "dejavu-serif",
}


async def _put(client: ApiClient, account: Account, body: dict[str, Any]) -> Any:
    return await client.put(KIT, headers=account.headers, json=body)


async def test_default_put_get_delete_round_trip(client: ApiClient) -> None:
    owner = await client.signup("Green Thumbs")
    default = (await client.get(KIT, headers=owner.headers)).json()
    assert default["is_default"] is True
    assert (default["name"], default["background"]) == (DEFAULT_SPEC.name, DEFAULT_SPEC.background)
    assert default["updated_at"] is None and default["text_contrast"] >= MIN_TEXT_CONTRAST

    saved = await _put(client, owner, GARDEN)
    assert saved.status_code == 200, saved.text
    body = saved.json()
    # Normalised: lower case, #rgb expanded.
    assert (body["background"], body["text"]) == ("#14532d", "#ffffff")
    assert body["is_default"] is False and body["font"] == "dejavu-serif"
    assert body["updated_by"] == str(owner.user_id) and body["updated_at"]
    assert body["text_contrast"] == pytest.approx(9.11, abs=0.01)

    fetched = (await client.get(KIT, headers=owner.headers)).json()
    assert fetched == body

    replaced = await _put(client, owner, {**GARDEN, "name": "Green Thumbs Co", "font": None})
    assert replaced.json()["name"] == "Green Thumbs Co" and replaced.json()["font"] is None

    deleted = await client.delete(KIT, headers=owner.headers)
    assert deleted.status_code == 204
    assert (await client.get(KIT, headers=owner.headers)).json()["is_default"] is True
    # Deleting again is not an error: the tenant already has the default.
    assert (await client.delete(KIT, headers=owner.headers)).status_code == 204

    audit = (await client.get("/api/v1/audit-log", headers=owner.headers)).json()
    actions = [event["action"] for event in audit]
    assert actions.count("brand.kit_updated") == 2 and actions.count("brand.kit_reset") == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"background": "green"}, "#rrggbb or #rgb"),
        ({"accent": "#12345"}, "#rrggbb or #rgb"),
        ({"text": "#gggggg"}, "#rrggbb or #rgb"),
        ({"text": "ffffff"}, "#rrggbb or #rgb"),
        ({"text": "#2f6b43"}, "contrast ratio of 1.43:1"),
        ({"font": "/etc/passwd"}, "'dejavu-sans'"),
        ({"font": "Comic Sans"}, "'noto-serif'"),
        ({"name": ""}, "at least 1 character"),
        ({"logo": "x.png"}, "Extra inputs are not permitted"),
    ],
)
async def test_invalid_kits_are_422_problems(
    client: ApiClient, change: dict[str, Any], message: str
) -> None:
    owner = await client.signup("Strict")
    response = await _put(client, owner, {**GARDEN, **change})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "validation_failed"
    assert message in problem["detail"], problem["detail"]
    assert (await client.get(KIT, headers=owner.headers)).json()["is_default"] is True


async def test_low_contrast_message_names_the_rule(client: ApiClient) -> None:
    owner = await client.signup("Grey")
    response = await _put(client, owner, {**GARDEN, "background": "#777", "text": "#999999"})
    detail = response.json()["detail"]
    assert "text #999999 on background #777777" in detail
    assert "at least 3.0:1 (WCAG AA for large text)" in detail


@pytest.mark.parametrize("role", ["viewer", "editor"])
async def test_only_admins_change_the_kit(client: ApiClient, role: str) -> None:
    owner = await client.signup("Roles")
    member = await client.add_member(owner, role)
    assert (await _put(client, member, GARDEN)).status_code == 403
    assert (await client.delete(KIT, headers=member.headers)).status_code == 403
    # Everyone in the tenant may read it.
    assert (await client.get(KIT, headers=member.headers)).status_code == 200
    admin = await client.add_member(owner, "admin")
    assert (await _put(client, admin, GARDEN)).status_code == 200
    assert (await client.get(KIT, headers=member.headers)).json()["name"] == GARDEN["name"]


async def test_another_tenant_never_sees_the_kit(
    client: ApiClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    owner = await client.signup("Owner Co")
    stranger = await client.signup("Stranger Co")
    assert (await _put(client, owner, GARDEN)).status_code == 200
    theirs = (await client.get(KIT, headers=stranger.headers)).json()
    assert theirs["is_default"] is True and theirs["name"] == DEFAULT_SPEC.name
    # Under RLS, even asking for the owner's row by its key finds nothing from the stranger's
    # tenant, and the stranger's delete leaves it alone.
    async with unit_of_work(sessionmaker, stranger.tenant_id) as session:
        assert await BrandKitRepository(session).get(owner.tenant_id) is None
        assert await BrandKitRepository(session).delete(owner.tenant_id) is False
        assert await brand_kits.spec_for(session, owner.tenant_id) == DEFAULT_SPEC
    async with unit_of_work(sessionmaker, owner.tenant_id) as session:
        spec = await brand_kits.spec_for(session, owner.tenant_id)
    assert (spec.name, spec.background, spec.font) == ("Green Thumbs", "#14532d", "dejavu-serif")


async def test_fonts_lists_the_catalog(client: ApiClient) -> None:
    owner = await client.signup("Fonts")
    fonts = (await client.get("/api/v1/brand/fonts", headers=owner.headers)).json()
    assert [f["name"] for f in fonts] == [font.value for font in CATALOG]
    by_name = {f["name"]: f for f in fonts}
    assert by_name["dejavu-serif"]["label"] == "DejaVu Serif"
    assert by_name["dejavu-serif"]["installed"] is (resolve_font("dejavu-serif") is not None)
    assert (await client.get("/api/v1/brand/fonts")).status_code == 401


def test_fonts_resolve_to_installed_files_or_the_default() -> None:
    assert resolve_font(None) is None
    assert resolve_font("no-such-family") is None  # dropped from a later catalog
    path = resolve_font(BrandFont.DEJAVU_SANS.value)
    if path is not None:  # DejaVu ships with most Linux images
        assert path.endswith("DejaVuSans-Bold.ttf")


def test_contrast_is_wcag_relative_luminance() -> None:
    assert relative_luminance((0, 0, 0)) == 0
    assert relative_luminance((255, 255, 255)) == pytest.approx(1)
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21)
    assert contrast_ratio((255, 255, 255), (0, 0, 0)) == pytest.approx(21)
    # Reference values (WebAIM's contrast checker): #777 on white 4.48, #767676 4.54.
    assert contrast_ratio(hex_to_rgb("#777"), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(hex_to_rgb("#767676"), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)
    assert normalise_hex(" #AbC ") == "#aabbcc"
    for bad in ("abc", "#abcd", "#12345g", "", "rgb(0,0,0)"):
        with pytest.raises(ValueError, match="#rrggbb"):
            normalise_hex(bad)


async def test_the_demo_kit_is_created_once_and_never_overwrites(
    client: ApiClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    owner = await client.signup("Local workspace")
    principal = Principal(
        kind=PrincipalKind.USER, tenant_id=owner.tenant_id, role=Role.OWNER, user_id=owner.user_id
    )
    assert await ensure_demo_brand(sessionmaker, principal) is True
    first = (await client.get(KIT, headers=owner.headers)).json()
    assert first["name"] == "ICOP Demo Garden" and first["is_default"] is False
    assert first["text_contrast"] >= MIN_TEXT_CONTRAST and first["font"] == DEMO_BRAND.font
    # A second run changes nothing.
    assert await ensure_demo_brand(sessionmaker, principal) is False
    assert (await client.get(KIT, headers=owner.headers)).json() == first
    # The user's own kit survives later runs.
    assert (await _put(client, owner, GARDEN)).status_code == 200
    assert await ensure_demo_brand(sessionmaker, principal) is False
    assert (await client.get(KIT, headers=owner.headers)).json()["name"] == GARDEN["name"]
