"""The API's request metrics middleware, labelled with the route *template*.

Server spans are FastAPI's own (its native OpenTelemetry support, configured in
``icop.api.app``: it continues the caller's W3C ``traceparent`` through the global
propagator and adds dependency/endpoint/serialization spans); this middleware only counts and
times. Pure ASGI, like the gateway's other middleware. The template is read after the app
ran: the router writes the matched route into the (shared) scope. Requests that match no
route are labelled ``unmatched`` so that scanners cannot mint new label values.
"""

from __future__ import annotations

import time
import weakref
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from icop.observability.metrics import record_http_request

UNMATCHED = "unmatched"


# FastAPI keeps included routers as they were declared: the matched route in the scope carries
# its path *within* its router ("/users/{user_id}"). The full template comes from the app's
# route contexts, computed once per app.
_templates: weakref.WeakKeyDictionary[Any, dict[int, str]] = weakref.WeakKeyDictionary()


def _templates_of(app: Any) -> dict[int, str]:
    table = _templates.get(app)
    if table is None:
        table = {}
        for context in iter_route_contexts(getattr(app, "routes", [])):
            path = context.path
            if path:
                table.setdefault(id(context.original_route), path)
        _templates[app] = table
    return table


def _route_template(scope: Scope) -> str:
    route: Any = scope.get("route")
    if route is None:
        return UNMATCHED
    app = scope.get("app")
    template = _templates_of(app).get(id(route)) if app is not None else None
    path = template or getattr(route, "path_format", None) or getattr(route, "path", None)
    return str(path) if path else UNMATCHED


class TelemetryMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def send_recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_recording)
        finally:
            record_http_request(
                scope["method"], _route_template(scope), status, time.perf_counter() - started
            )
