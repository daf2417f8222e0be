"""The FastAPI application: routers under /api/v1, problem+json errors, middleware."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from icop import __version__
from icop.api_keys.router import router as api_keys_router
from icop.articles.router import router as articles_router
from icop.audit.router import router as audit_router
from icop.auth.router import router as auth_router
from icop.brand.router import router as brand_router
from icop.config import Settings, get_settings
from icop.credentials.router import router as credentials_router
from icop.gateway.context import AppContext
from icop.gateway.health import router as health_router
from icop.gateway.middleware import RequestGuardMiddleware, RequestIdMiddleware
from icop.gateway.problems import install_problem_handlers, problem_responses
from icop.images.router import router as images_router
from icop.invitations.router import router as invitations_router
from icop.knowledge.router import router as knowledge_router
from icop.llm.router import router as llm_router
from icop.observability.middleware import TelemetryMiddleware
from icop.observability.router import router as metrics_router
from icop.planning.router import router as pipelines_router
from icop.quotas.router import router as usage_router
from icop.storage.router import router as media_router
from icop.syndication.router import accounts_router, posts_router
from icop.tenants.router import router as tenants_router
from icop.users.router import router as users_router

API_PREFIX = "/api/v1"


def api_router() -> APIRouter:
    # Any API operation can meet these: a malformed or oversized body, a failed validation,
    # a rate limit.
    router = APIRouter(prefix=API_PREFIX, responses=problem_responses(400, 413, 422, 429))
    for domain_router in (
        auth_router,
        tenants_router,
        users_router,
        invitations_router,
        api_keys_router,
        credentials_router,
        usage_router,
        audit_router,
        llm_router,
        knowledge_router,
        brand_router,
        media_router,
        images_router,
        articles_router,
        pipelines_router,
        accounts_router,
        posts_router,
    ):
        router.include_router(domain_router)
    return router


def create_app(settings: Settings | None = None, context: AppContext | None = None) -> FastAPI:
    """Build the app. Tests pass a ready ``context``; otherwise the lifespan creates one."""
    settings = settings or (context.settings if context else get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if context is not None:  # a test's context: it owns its clients
            yield
            return
        from icop.runtime.orchestration import api_orchestration

        app.state.context = AppContext.create(settings)
        try:
            async with api_orchestration(app.state.context):
                yield
        finally:
            await app.state.context.close()

    app = FastAPI(
        title="ICOP API",
        version=__version__,
        description="Intelligent Content Orchestration Platform: plans to published posts.",
        lifespan=lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        # FastAPI's native OpenTelemetry spans (no-ops until icop.observability.tracing
        # installs a provider); Prometheus metrics are ours (TelemetryMiddleware), and
        # exception logs to OpenTelemetry stay off (messages may quote request data).
        telemetry={"tracing": True, "operation_spans": True, "metrics": False, "logs": False},
    )
    if context is not None:
        app.state.context = context
    install_problem_handlers(app)
    app.include_router(health_router)
    app.include_router(metrics_router)
    app.include_router(api_router())
    # Added last = outermost: request ids wrap everything, including CORS and size rejections.
    app.add_middleware(RequestGuardMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "X-Request-ID", "X-API-Key"],
        expose_headers=["X-Request-ID", "Retry-After"],
        max_age=600,
    )
    app.add_middleware(RequestIdMiddleware)
    # Outermost middleware: the request metrics cover every layer.
    app.add_middleware(TelemetryMiddleware)
    return app
