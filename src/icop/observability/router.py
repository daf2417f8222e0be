"""``GET /metrics``: Prometheus' text format, outside /api/v1 and the OpenAPI schema.

Unauthenticated, like /healthz: keep it off the public internet (the nginx example serves it
only to the internal network) and let Prometheus scrape the API directly.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import Response

from icop.observability.metrics import CONTENT_TYPE_LATEST, exposition

router = APIRouter(include_in_schema=False)


@router.get("/metrics")
async def metrics() -> Response:
    body = await asyncio.to_thread(exposition)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
