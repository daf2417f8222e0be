"""``/docs`` works without internet: the page names no external URL and every asset it loads
is served by the app itself (the API's and the platform emulator's)."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI

from icop.api.app import create_app
from icop.config import Settings
from icop.emulators.platforms.app import create_app as create_emulator

_ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\s*:\s*["']([^"']+)["']""")


@pytest.mark.parametrize(
    ("make_app", "docs_url", "openapi_url"),
    [
        (lambda: create_app(Settings()), "/docs", "/api/v1/openapi.json"),
        (create_emulator, "/_emulator/docs", "/_emulator/openapi.json"),
    ],
    ids=["api", "emulator"],
)
async def test_swagger_ui_is_served_locally(
    make_app: object, docs_url: str, openapi_url: str
) -> None:
    app = make_app()  # type: ignore[operator]
    assert isinstance(app, FastAPI)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        page = await http.get(docs_url)
        assert page.status_code == 200
        assert "swagger-ui" in page.text.lower()
        assert not re.search(r"https?://", page.text), "the docs page names an external URL"
        referenced = {a or b for a, b in _ASSET.findall(page.text)}
        assets = {ref for ref in referenced if ref.startswith(f"{docs_url}/assets/")}
        bundle, css = f"{docs_url}/assets/swagger-ui-bundle.js", f"{docs_url}/assets/swagger-ui.css"
        assert {bundle, css} <= assets
        assert openapi_url in referenced
        for asset in assets | {openapi_url}:
            response = await http.get(asset)
            assert response.status_code == 200, asset
            assert len(response.content) > 100, asset
        script = (await http.get(bundle)).text
        assert "SwaggerUIBundle" in script
        redirect = await http.get(f"{docs_url}/oauth2-redirect")
        assert redirect.status_code == 200


def test_every_reference_in_the_openapi_document_resolves() -> None:
    """A route's hand-written request schema once referred to ``#/$defs/PlanImportRow``, which
    the document does not have: the dashboard's type generator and Swagger UI choke on it."""
    document = create_app(Settings()).openapi()
    schemas = document["components"]["schemas"]

    def refs(node: object) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
            return found + [ref for value in node.values() for ref in refs(value)]
        if isinstance(node, list):
            return [ref for value in node for ref in refs(value)]
        return []

    every = refs(document)
    assert every  # the walk found the document's references
    broken = [
        ref
        for ref in every
        if not ref.startswith("#/components/schemas/")
        or ref.removeprefix("#/components/schemas/") not in schemas
    ]
    assert broken == []
