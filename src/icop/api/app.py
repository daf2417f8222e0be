"""The FastAPI application: routers under /api/v1, problem+json errors, middleware, and the
lifespan that builds the process's ``Runtime`` and links it to Temporal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from icop import __version__
from icop.api.health import router as health_router
from icop.api.routers import API_PREFIX, api_router
from icop.config import Settings, get_settings
from icop.gateway.docs import install_offline_docs
from icop.gateway.middleware import RequestGuardMiddleware, RequestIdMiddleware
from icop.gateway.problems import install_problem_handlers
from icop.observability.middleware import TelemetryMiddleware
from icop.observability.router import router as metrics_router
from icop.orchestrator.queues import TaskQueue
from icop.runtime.clients import Runtime
from icop.runtime.orchestration import api_orchestration


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """Build the app. Tests pass a ready ``runtime`` (they own its clients); otherwise the
    lifespan creates one, sized for the task queues this process also serves."""
    settings = settings or (runtime.settings if runtime else get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if runtime is not None:
            yield
            return
        served = list(TaskQueue) if settings.api_workers else []
        app.state.runtime = Runtime.from_settings(settings, queues=served)
        try:
            async with api_orchestration(app.state.runtime):
                yield
        finally:
            await app.state.runtime.aclose()

    app = FastAPI(
        title="ICOP API",
        version=__version__,
        description="Intelligent Content Orchestration Platform: plans to published posts.",
        lifespan=lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        # Swagger UI is served offline below; ReDoc is not offered.
        docs_url=None,
        redoc_url=None,
        # FastAPI's native OpenTelemetry spans (no-ops until icop.observability.tracing
        # installs a provider); Prometheus metrics are ours (TelemetryMiddleware), and
        # exception logs to OpenTelemetry stay off (messages may quote request data).
        telemetry={"tracing": True, "operation_spans": True, "metrics": False, "logs": False},
    )
    if runtime is not None:
        app.state.runtime = runtime
    install_offline_docs(
        app, docs_url="/docs", openapi_url=f"{API_PREFIX}/openapi.json", title=app.title
    )
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
        expose_headers=["X-Request-ID", "Retry-After", "X-Next-Cursor"],
        max_age=600,
    )
    app.add_middleware(RequestIdMiddleware)
    # Outermost middleware: the request metrics cover every layer.
    app.add_middleware(TelemetryMiddleware)
    return app
