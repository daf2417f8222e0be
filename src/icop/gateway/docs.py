"""The API's documentation. Swagger UI is served from the package, not a CDN: FastAPI's default
page loads its script and stylesheet from jsdelivr, so ``/docs`` is a blank page on an offline
machine — the embedded default's normal case. The assets come from the ``fastapi-offline`` wheel
(Swagger UI 5, which renders OpenAPI 3.1; the older ``swagger-ui-bundle`` ships 4.x, which does
not)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

ASSETS = Path(str(files("fastapi_offline") / "static"))
SWAGGER_PARAMETERS = {
    # Swagger UI otherwise sends the document to validator.swagger.io for a badge.
    "validatorUrl": None,
    "deepLinking": True,
}


def install_offline_docs(app: FastAPI, *, docs_url: str, openapi_url: str, title: str) -> None:
    """``docs_url`` (Swagger UI), its OAuth2 redirect page and ``{docs_url}/assets/*``. The
    app must be created with ``docs_url=None`` so FastAPI does not add its CDN page."""
    assets_url = f"{docs_url}/assets"
    redirect_url = f"{docs_url}/oauth2-redirect"
    app.mount(assets_url, StaticFiles(directory=ASSETS), name=f"docs-assets{docs_url}")

    @app.get(docs_url, include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} - Swagger UI",
            swagger_js_url=f"{assets_url}/swagger-ui-bundle.js",
            swagger_css_url=f"{assets_url}/swagger-ui.css",
            swagger_favicon_url=f"{assets_url}/favicon.png",
            oauth2_redirect_url=redirect_url,
            swagger_ui_parameters=SWAGGER_PARAMETERS,
        )

    @app.get(redirect_url, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON schema with its nested models written in place, for a route's
    ``openapi_extra``: Pydantic refers to them as ``#/$defs/…``, which points nowhere in the
    OpenAPI document (its models live under ``components``), and type generators and Swagger
    UI fail on such a reference. Only for models without cycles."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def resolved(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolved(definitions[ref.removeprefix("#/$defs/")])
            return {key: resolved(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolved(value) for value in node]
        return node

    return dict(resolved(schema))
