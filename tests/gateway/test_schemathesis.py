"""Property-based API testing over our own OpenAPI schema: no 5xx, and every response has a
documented status, content type and body shape."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from starlette.testclient import TestClient

from icop.config import Settings
from icop.db.engine import DatabaseUrls, asyncpg_url
from icop.gateway.app import create_app
from icop.gateway.context import AppContext

APP: Any = create_app()
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def auth_headers(database_urls: DatabaseUrls, settings: Settings) -> dict[str, str]:
    """Wire the module's app to the test database (committed data, NullPool: each request of
    the schemathesis transport may run in its own event loop) and sign a tenant up."""
    engine = create_async_engine(asyncpg_url(database_urls.app), poolclass=NullPool)
    APP.state.context = AppContext.create(settings, engine=engine)
    with TestClient(APP) as http:
        response = http.post(
            "/api/v1/auth/signup",
            json={
                "email": f"fuzz{uuid.uuid4().hex[:8]}@example.com",
                "password": "fuzzing-password",
                "company_name": "Fuzz",
            },
        )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@schema.exclude(path="/api/v1/auth/logout").parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_api_conforms_to_its_schema(case: schemathesis.Case, auth_headers: dict[str, str]) -> None:
    headers = dict(case.headers or {})
    if "Authorization" not in headers and "X-API-Key" not in headers:
        headers.update(auth_headers)
    case.call_and_validate(headers=headers, checks=CHECKS)


def test_openapi_documents_problem_details() -> None:
    document = APP.openapi()
    operation = document["paths"]["/api/v1/credentials"]["post"]
    assert "application/problem+json" in operation["responses"]["422"]["content"]
    assert "HTTPValidationError" not in str(operation["responses"]["422"])
