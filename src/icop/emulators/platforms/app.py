"""The emulator's ASGI app."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from icop.emulators.platforms.admin import admin_router
from icop.emulators.platforms.meta_api import graph_router
from icop.emulators.platforms.state import EmulatorState
from icop.emulators.platforms.threads_api import threads_router
from icop.emulators.platforms.trends_api import trends_router
from icop.emulators.platforms.video_api import video_router
from icop.emulators.platforms.x_api import x_router
from icop.gateway.docs import install_offline_docs


class CountChanges:
    """Bumps the state's revision after every request, so the keeper (persistence.py) knows
    there is something to save. Reads count too: container polls and rate windows change state.
    Plain ASGI, so a fault that drops the connection is passed through untouched."""

    def __init__(self, app: ASGIApp, state: EmulatorState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            if scope["type"] == "http":
                self.state.revision += 1


def create_app(state: EmulatorState | None = None) -> FastAPI:
    state = state or EmulatorState()
    app = FastAPI(
        title="ICOP platform emulator",
        description="Facebook Pages, Instagram, Threads and X, as far as ICOP uses them, and "
        "the trend sources (feeds, hashtag search, Pinterest trends, YouTube most popular).",
        docs_url=None,
        openapi_url="/_emulator/openapi.json",
        redoc_url=None,
    )
    install_offline_docs(
        app, docs_url="/_emulator/docs", openapi_url="/_emulator/openapi.json", title=app.title
    )
    app.state.emulator = state

    app.add_middleware(CountChanges, state=state)
    # The admin router first: its fixed paths must win over the APIs' path parameters.
    app.include_router(admin_router(state))
    # Before the Graph router: its /{version}/{node} catches ig_hashtag_search otherwise.
    app.include_router(trends_router())
    # Before the Graph API's generic ``/{node}`` routes (and with the admin view of videos).
    app.include_router(video_router(state))
    app.include_router(graph_router(state))
    app.include_router(threads_router(state))
    app.include_router(x_router(state))
    return app
