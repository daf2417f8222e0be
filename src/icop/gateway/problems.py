"""RFC 9457 problem details: the one place errors become HTTP responses."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from icop.errors import ICOPError
from icop.gateway.request_context import current_request_id

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://icop.dev/problems/"


class Problem(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    code: str
    request_id: str | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries so that clients (and schemathesis) know the error shape."""
    schema = {"schema": {"$ref": "#/components/schemas/Problem"}}
    return {
        code: {
            "model": Problem,
            "content": {PROBLEM_MEDIA_TYPE: schema},
            "description": HTTPStatus(code).phrase,
        }
        for code in statuses
    }


def problem_response(
    request: Request,
    *,
    status: int,
    code: str,
    title: str,
    detail: str | None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "code": code,
        "request_id": current_request_id(),
        **extra,
    }
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


async def _icop_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ICOPError)
    if error.status >= 500:
        logger.error("request failed: %s", error.code, exc_info=error)
    return problem_response(
        request,
        status=error.status,
        code=error.code,
        title=error.title,
        detail=error.detail,
        headers=error.headers(),
        **error.extra,
    )


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [
        {"loc": list(item.get("loc", ())), "msg": item.get("msg", ""), "type": item.get("type", "")}
        for item in error.errors()
    ]
    malformed = any(item["type"] == "json_invalid" for item in errors)
    return problem_response(
        request,
        status=400 if malformed else 422,
        code="malformed_json" if malformed else "validation_failed",
        title="The request body is not valid JSON"
        if malformed
        else "The request did not pass validation",
        detail="; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)[:2000],
        errors=errors,
    )


_HTTP_CODES = {413: "payload_too_large", 404: "not_found", 405: "method_not_allowed"}


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    phrase = HTTPStatus(error.status_code).phrase
    code = _HTTP_CODES.get(error.status_code) or phrase.lower().replace(" ", "_").replace("-", "_")
    return problem_response(
        request,
        status=error.status_code,
        code=code,
        title=phrase,
        detail=str(error.detail) if error.detail else None,
        headers=dict(error.headers or {}),
    )


async def _unhandled(request: Request, error: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=error)
    return problem_response(
        request,
        status=500,
        code="internal_error",
        title="Internal error",
        detail="An unexpected error occurred; quote the request id.",
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ICOPError, _icop_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unhandled)
