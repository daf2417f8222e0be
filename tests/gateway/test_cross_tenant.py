"""The cross-tenant matrix. It walks the app's route table, so a route added later is tested
without editing this file: each id-taking route is tried with another tenant's id (404),
with a role below its guard (403) and with no credentials (401); each collection is listed by
another tenant and must not mention this tenant's resources.

A route with a path parameter that has no factory below fails loudly: add one.
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from PIL import Image as PILImage

from icop.api.app import create_app
from icop.articles.repository import ArticleRepository
from icop.auth.dependencies import RoleGuard, get_detached_principal, get_principal
from icop.db.session import unit_of_work
from icop.models import (
    GeneratedArticle,
    NotificationKind,
    PipelineRun,
    Role,
    Trend,
    TrendRun,
    TrendSuggestion,
)
from icop.planning.repository import PipelineRepository, RunRepository
from tests.helpers import Account, ApiClient

Factory = Callable[[ApiClient, Account], Awaitable[str]]


async def _credential(client: ApiClient, owner: Account) -> str:
    response = await client.post(
        "/api/v1/credentials",
        headers=owner.headers,
        json={
            "platform": "x",
            "label": f"c-{uuid.uuid4().hex[:6]}",
            "access_token": "secret-token",
        },
    )
    return str(response.json()["id"])


async def _user(client: ApiClient, owner: Account) -> str:
    return str((await client.add_member(owner, "editor")).user_id)


async def _api_key(client: ApiClient, owner: Account) -> str:
    response = await client.post(
        "/api/v1/api-keys", headers=owner.headers, json={"name": "matrix", "role": "viewer"}
    )
    return str(response.json()["id"])


async def _invitation(client: ApiClient, owner: Account) -> str:
    response = await client.post(
        "/api/v1/invitations",
        headers=owner.headers,
        json={"email": f"i{uuid.uuid4().hex[:6]}@example.com"},
    )
    return str(response.json()["id"])


async def _task(client: ApiClient, owner: Account) -> str:
    response = await client.put(
        "/api/v1/llm/routing/seo.meta",
        headers=owner.headers,
        json={"candidates": [{"provider": "local", "model": "default"}]},
    )
    assert response.status_code == 200, response.text
    return "seo.meta"


async def _knowledge_document(client: ApiClient, owner: Account) -> str:
    response = await client.post(
        "/api/v1/knowledge/documents",
        headers=owner.headers,
        json={"title": "Matrix document", "text": "Composting turns kitchen scraps into soil."},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _voice_sample(client: ApiClient, owner: Account) -> str:
    response = await client.post(
        "/api/v1/brand/voice-samples",
        headers=owner.headers,
        json={"text": "Grab your trowel, friends: spring is here."},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _image(client: ApiClient, owner: Account) -> str:
    response = await client.post(
        "/api/v1/images", headers=owner.headers, json={"prompt": "matrix card"}
    )
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


async def _design(client: ApiClient, owner: Account) -> str:
    image_id = await _image(client, owner)
    response = await client.post(
        "/api/v1/designs", headers=owner.headers, json={"image_id": image_id}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _video(client: ApiClient, owner: Account) -> str:
    # Without Temporal here the start waits in workflow_starts (the sweeper's): the row exists.
    response = await client.post(
        "/api/v1/videos",
        headers=owner.headers,
        json={"brief": {"title": "Matrix", "text": "A short brief for the matrix video."}},
    )
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


async def _media_tenant(client: ApiClient, owner: Account) -> str:
    return str(owner.tenant_id)


async def _media_object(client: ApiClient, owner: Account) -> str:
    # /media/{tenant}/{object_name} is public: the signed link, not a token, is the credential.
    image_id = await _image(client, owner)
    response = await client.get(f"/api/v1/images/{image_id}", headers=owner.headers)
    return f"{response.json()['sha256']}.jpg"


async def _article(client: ApiClient, owner: Account) -> str:
    # POST /articles needs Temporal (503 here): the row is inserted as the API would.
    context = client.http._transport.app.state.runtime  # type: ignore[attr-defined]
    article_id = uuid.uuid4()
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        await ArticleRepository(session).add(
            GeneratedArticle(
                id=article_id,
                tenant_id=owner.tenant_id,
                topic="matrix article",
                language="en",
                mode="compare",
                length_words=800,
                status="ready",
                final_markdown="# Matrix\n",
                workflow_id=f"article-{article_id}",
            )
        )
    return str(article_id)


async def _published(client: ApiClient, owner: Account) -> tuple[str, str]:
    """An article on the owner's public blog: (blog slug, article slug)."""
    article_id = await _article(client, owner)
    slug = f"matrix-{uuid.uuid4().hex[:8]}"
    context = client.http._transport.app.state.runtime  # type: ignore[attr-defined]
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        await ArticleRepository(session).update(uuid.UUID(article_id), seo={"slug": slug})
    response = await client.post(
        f"/api/v1/articles/{article_id}/publish-web", headers=owner.headers
    )
    assert response.status_code == 200, response.text
    return str(response.json()["blog_slug"]), slug


async def _blog_slug(client: ApiClient, owner: Account) -> str:
    return (await _published(client, owner))[0]


async def _article_slug(client: ApiClient, owner: Account) -> str:
    return (await _published(client, owner))[1]


async def _logo(client: ApiClient, owner: Account) -> str:
    png = io.BytesIO()
    PILImage.new("RGBA", (64, 48), (200, 30, 30, 255)).save(png, format="PNG")
    response = await client.put(
        "/api/v1/brand/logo",
        headers=owner.headers,
        files={"file": ("logo.png", png.getvalue(), "image/png")},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


async def _pipeline(client: ApiClient, owner: Account) -> str:
    response = await client.post(
        "/api/v1/pipelines",
        headers=owner.headers,
        json={"name": f"matrix-{uuid.uuid4().hex[:8]}", "source_type": "import"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _run(client: ApiClient, owner: Account) -> str:
    # Runs need Temporal (503 here): the row is inserted as the API would, for the pipeline
    # the {pipeline_id} factory made just before (path parameters are filled in order).
    context = client.http._transport.app.state.runtime  # type: ignore[attr-defined]
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        pipelines = await PipelineRepository(session).list(limit=1000, offset=0)
        pipeline_id = pipelines[-1].id if pipelines else uuid.UUID(await _pipeline(client, owner))
        run_id = uuid.uuid4()
        await RunRepository(session).add(
            PipelineRun(
                id=run_id,
                tenant_id=owner.tenant_id,
                pipeline_id=pipeline_id,
                trigger="manual",
                status="succeeded",
                workflow_id=f"pipeline-run-{pipeline_id}-{run_id}",
            )
        )
    return str(run_id)


async def _trend_run(client: ApiClient, owner: Account) -> str:
    # Trend runs are started through Temporal (503 here): the row is inserted as a run has it.
    context = client.http._transport.app.state.runtime  # type: ignore[attr-defined]
    run_id = uuid.uuid4()
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        session.add(
            TrendRun(
                id=run_id,
                tenant_id=owner.tenant_id,
                trigger="manual",
                status="succeeded",
                workflow_id=f"trend-run-{owner.tenant_id}-manual-{run_id}",
            )
        )
    return str(run_id)


async def _suggestion(client: ApiClient, owner: Account) -> str:
    # Suggestions are made by a trend run's cluster step: inserted as that step does.
    context = client.http._transport.app.state.runtime  # type: ignore[attr-defined]
    run_id = uuid.UUID(await _trend_run(client, owner))
    trend_id, suggestion_id = uuid.uuid4(), uuid.uuid4()
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        session.add(
            Trend(
                id=trend_id,
                tenant_id=owner.tenant_id,
                run_id=run_id,
                label="matrix trend",
                size=1,
                score=1.0,
                centroid=[1.0] + [0.0] * 383,
                first_seen_at=datetime.now(UTC),
            )
        )
        await session.flush()
        session.add(
            TrendSuggestion(
                id=suggestion_id,
                tenant_id=owner.tenant_id,
                trend_id=trend_id,
                topic="matrix topic",
                matched_topic="matrix",
                similarity=0.5,
                score=0.5,
            )
        )
    return str(suggestion_id)


async def _social_account(client: ApiClient, owner: Account) -> str:
    from tests.syndication.support import make_account

    context = client.http._transport.app.state.runtime  # type: ignore[attr-defined]
    return str(await make_account(context.sessionmaker, context.keyring, owner.tenant_id))


async def _post(client: ApiClient, owner: Account) -> str:
    # POST /posts needs Temporal (503 here): the rows are inserted as the API would.
    from tests.syndication.support import make_post

    context = client.http._transport.app.state.runtime  # type: ignore[attr-defined]
    account_id = uuid.UUID(await _social_account(client, owner))
    return str(await make_post(context.sessionmaker, owner.tenant_id, account_id, ["matrix"]))


async def _provider(client: ApiClient, owner: Account) -> str:
    return "x"


async def _notification(client: ApiClient, owner: Account) -> str:
    # Notifications are written by the events that cause them (workflows): inserted as those do.
    from icop.notifications.service import notify

    context = client.http._transport.app.state.runtime  # type: ignore[attr-defined]
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        notification = await notify(
            session,
            tenant_id=owner.tenant_id,
            kind=NotificationKind.RUN_FAILED,
            title="matrix notification",
            target_type="run",
            target_id=uuid.uuid4(),
        )
    return str(notification.id)


async def _brand_proposal(client: ApiClient, owner: Account) -> str:
    response = await client.post(
        "/api/v1/brand/learn",
        headers=owner.headers,
        data={"sample_text": "We grow our own soil. You can too, with kitchen scraps."},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _version_number(client: ApiClient, owner: Account) -> str:
    # An article's version 1 is recorded when its history is first read or edited.
    return "1"


FACTORIES: dict[str, Factory] = {
    "task": _task,
    "credential_id": _credential,
    "user_id": _user,
    "api_key_id": _api_key,
    "invitation_id": _invitation,
    "image_id": _image,
    "design_id": _design,
    "video_id": _video,
    "tenant": _media_tenant,
    "object_name": _media_object,
    "document_id": _knowledge_document,
    "sample_id": _voice_sample,
    "logo_id": _logo,
    "article_id": _article,
    "notification_id": _notification,
    "pipeline_id": _pipeline,
    "run_id": _run,
    "trend_run_id": _trend_run,
    "suggestion_id": _suggestion,
    "account_id": _social_account,
    "post_id": _post,
    "provider": _provider,
    "number": _version_number,
    "proposal_id": _brand_proposal,
    "blog_slug": _blog_slug,
    "article_slug": _article_slug,
}


def _calls(dependant: Any) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _calls(dependency)


def _routes() -> list[tuple[str, str, Any]]:
    """(method, full path, route context) for every API operation, nested routers included."""
    cases = []
    for route in iter_route_contexts(create_app().routes):
        if isinstance(route.original_route, APIRoute) and (route.path or "").startswith("/api/"):
            for method in sorted(route.methods or ()):
                cases.append((method, route.path, route))
    return cases


ROUTES = _routes()


def _requires_auth(route: Any) -> bool:
    calls = list(_calls(route.dependant))
    return get_principal in calls or get_detached_principal in calls


def _minimum_role(route: Any) -> Role:
    guards = [call.minimum for call in _calls(route.dependant) if isinstance(call, RoleGuard)]
    return max(guards, key=lambda role: role.rank, default=Role.VIEWER)


def _example(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """A small valid instance of a JSON schema (enough for the routes' request bodies)."""
    if "$ref" in schema:
        return _example(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    if "anyOf" in schema:
        return _example(next(s for s in schema["anyOf"] if s.get("type") != "null"), components)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {
            name: _example(sub, components)
            for name, sub in schema.get("properties", {}).items()
            if name in schema.get("required", [])
        } or {
            name: _example(sub, components)
            for name, sub in list(schema.get("properties", {}).items())[:1]
        }
    if kind == "string":
        if schema.get("format") == "email":
            return f"m{uuid.uuid4().hex[:6]}@example.com"
        if schema.get("format") == "uuid":
            return str(uuid.uuid4())
        if schema.get("format") == "date-time":
            return "2030-01-01T00:00:00Z"
        return "x" * max(schema.get("minLength", 1), 12)
    if kind == "integer":
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    return None


def _body(route: Any, method: str, openapi: dict[str, Any]) -> Any:
    operation = openapi["paths"][route.path][method.lower()]
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    return _example(content["schema"], openapi["components"]["schemas"])


async def _fill(path: str, client: ApiClient, owner: Account) -> str:
    for name in re.findall(r"{(\w+)}", path):
        assert name in FACTORIES, f"add a factory for path parameter {{{name}}} to this test"
        path = path.replace(f"{{{name}}}", await FACTORIES[name](client, owner))
    return path


@pytest.mark.parametrize(
    ("method", "path", "route"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
async def test_route_respects_tenancy_and_roles(
    client: ApiClient, method: str, path: str, route: Any
) -> None:
    openapi = (await client.get("/api/v1/openapi.json")).json()
    tenant_a = await client.signup("Tenant A")
    tenant_b = await client.signup("Tenant B")
    url = await _fill(path, client, tenant_a)
    body = _body(route, method, openapi)

    async def call(headers: dict[str, str] | None) -> Any:
        return await client.request(method, url, headers=headers, json=body)

    if not _requires_auth(route):
        return  # public routes (sign-up, login …) take no tenant-scoped id
    anonymous = await call(None)
    assert anonymous.status_code == 401, anonymous.text

    if re.search(r"{\w+_id}", path):
        foreign = await call(tenant_b.headers)
        assert foreign.status_code == 404, (foreign.status_code, foreign.text)
    elif method == "GET" and "{" not in path:
        listed = await call(tenant_b.headers)
        assert listed.status_code == 200
        assert str(tenant_a.tenant_id) not in listed.text
        assert str(tenant_a.user_id) not in listed.text

    minimum = _minimum_role(route)
    if minimum is not Role.VIEWER:
        viewer = await client.add_member(tenant_a, "viewer")
        denied = await call(viewer.headers)
        assert denied.status_code == 403, denied.text

    # Sanity: the owner of the resource gets past the tenancy check with the same request.
    own = await call(tenant_a.headers)
    assert own.status_code != 404 or not re.search(r"{\w+_id}", path), own.text
    context = client.http._transport.app.state.runtime  # type: ignore[attr-defined]
    if own.status_code == 503 and context.temporal is None:
        # Routes that start a workflow cannot run without Temporal (absent in this context).
        assert "workflow engine" in own.text, own.text
        return
    assert own.status_code < 500, own.text


async def test_collections_do_not_leak_between_tenants(client: ApiClient) -> None:
    tenant_a = await client.signup("Tenant A")
    created = [
        await factory(client, tenant_a)
        for name, factory in FACTORIES.items()
        if name.endswith("_id")
    ]
    tenant_b = await client.signup("Tenant B")
    for method, path, route in ROUTES:
        if method != "GET" or "{" in path or not _requires_auth(route):
            continue
        response = await client.get(path, headers=tenant_b.headers)
        assert response.status_code == 200, (path, response.text)
        for resource_id in [*created, str(tenant_a.tenant_id)]:
            assert resource_id not in response.text, (path, resource_id)
