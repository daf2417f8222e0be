"""Bad input gets a specific 4xx problem document and changes nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest

from icop.api.app import create_app
from icop.config import Settings
from icop.gateway.ratelimit import RateLimiter
from icop.runtime.clients import Runtime
from tests.helpers import ApiClient

PROBLEM = "application/problem+json"


def _is_problem(
    response: httpx.Response, status: int, code: str | None = None
) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, object] = response.json()
    assert body["status"] == status and body["title"] and body["request_id"]
    if code:
        assert body["code"] == code, body
    return body


async def test_malformed_json(client: ApiClient) -> None:
    response = await client.post(
        "/api/v1/auth/signup", content=b'{"email": ', headers={"content-type": "application/json"}
    )
    _is_problem(response, 400, "malformed_json")


async def test_unknown_fields_are_rejected(client: ApiClient) -> None:
    response = await client.post(
        "/api/v1/auth/signup",
        json={
            "email": "a@example.com",
            "password": "long enough pw",
            "company_name": "X",
            "plan": "agency",
        },
    )
    body = _is_problem(response, 422, "validation_failed")
    assert "plan" in str(body["detail"])


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.com", "a b@example.com", ""])
async def test_invalid_emails(client: ApiClient, email: str) -> None:
    response = await client.post(
        "/api/v1/auth/signup",
        json={"email": email, "password": "long enough pw", "company_name": "X"},
    )
    _is_problem(response, 422, "validation_failed")


async def test_short_password_and_nul_characters(client: ApiClient) -> None:
    short = await client.post(
        "/api/v1/auth/signup",
        json={"email": "a@example.com", "password": "short", "company_name": "X"},
    )
    _is_problem(short, 422)
    nul = await client.post(
        "/api/v1/auth/signup",
        json={"email": "a@example.com", "password": "long enough pw", "company_name": "X\x00Y"},
    )
    _is_problem(nul, 422)
    query = await client.get("/api/v1/healthz?x=%00")
    _is_problem(query, 400, "bad_request")


async def test_oversized_bodies(client: ApiClient, settings: Settings) -> None:
    big = b'{"email": "' + b"a" * (settings.max_body_bytes + 10) + b'"}'
    declared = await client.post(
        "/api/v1/auth/signup", content=big, headers={"content-type": "application/json"}
    )
    _is_problem(declared, 413, "payload_too_large")

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(settings.max_body_bytes // 65536 + 2):
            yield b"x" * 65536

    streamed = await client.post(
        "/api/v1/auth/signup", content=chunks(), headers={"content-type": "application/json"}
    )
    _is_problem(streamed, 413, "payload_too_large")


async def test_unknown_route_and_method(client: ApiClient) -> None:
    _is_problem(await client.get("/api/v1/nope"), 404, "not_found")
    _is_problem(await client.put("/api/v1/usage"), 405, "method_not_allowed")


async def test_foreign_ids_and_malformed_ids(client: ApiClient) -> None:
    owner = await client.signup()
    _is_problem(await client.get("/api/v1/credentials/not-a-uuid", headers=owner.headers), 422)
    _is_problem(
        await client.get(
            "/api/v1/credentials/00000000-0000-0000-0000-000000000000", headers=owner.headers
        ),
        404,
        "not_found",
    )


async def test_request_id_is_echoed_or_generated(client: ApiClient) -> None:
    mine = await client.get("/healthz", headers={"X-Request-ID": "req-12345678"})
    assert mine.headers["x-request-id"] == "req-12345678"
    generated = await client.get("/healthz", headers={"X-Request-ID": "bad id!"})
    assert len(generated.headers["x-request-id"]) == 32


async def test_cors_preflight_for_the_dashboard(client: ApiClient, settings: Settings) -> None:
    origin = settings.cors_origins[0]
    allowed = await client.options(
        "/api/v1/me",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == origin
    denied = await client.options(
        "/api/v1/me",
        headers={"Origin": "https://evil.example.com", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in denied.headers


async def test_health_and_readiness(client: ApiClient, context: Runtime) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"]["database"]["ok"] is True

    async def broken() -> None:
        raise ConnectionError("temporal unreachable")

    context.readiness_checks["temporal"] = broken
    not_ready = await client.get("/readyz")
    assert not_ready.status_code == 503
    assert "temporal unreachable" in not_ready.json()["checks"]["temporal"]["error"]


@pytest.fixture
async def limited_client(context: Runtime) -> AsyncIterator[ApiClient]:
    limiter = RateLimiter.from_settings(
        context.settings.model_copy(
            update={
                "rate_limit_user": "3/minute",
                "rate_limit_tenant": "5/minute",
                "rate_limit_anonymous": "4/minute",
            }
        )
    )
    limited = dataclasses.replace(context, rate_limiter=limiter)
    transport = httpx.ASGITransport(app=create_app(runtime=limited))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield ApiClient(http)


async def test_rate_limits_per_user_tenant_and_client(
    limited_client: ApiClient, client: ApiClient
) -> None:
    owner = await client.signup()  # through the unlimited client
    second = await client.add_member(owner, "editor")
    statuses = [
        (await limited_client.get("/api/v1/me", headers=owner.headers)).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    limited = await limited_client.get("/api/v1/me", headers=owner.headers)
    body = _is_problem(limited, 429, "rate_limited")
    assert int(limited.headers["retry-after"]) >= 1 and "retry" in str(body["detail"])
    # The tenant-wide limit (5) catches a second user of the same tenant.
    assert (await limited_client.get("/api/v1/me", headers=second.headers)).status_code == 200
    assert (await limited_client.get("/api/v1/me", headers=second.headers)).status_code == 200
    assert (await limited_client.get("/api/v1/me", headers=second.headers)).status_code == 429
    # Anonymous callers are limited per address.
    anonymous = [
        (
            await limited_client.post(
                "/api/v1/auth/login", json={"email": "x@example.com", "password": "whatever"}
            )
        ).status_code
        for _ in range(5)
    ]
    assert anonymous[-1] == 429 and 401 in anonymous, anonymous
