"""Wire helpers shared by the emulated APIs: request parameters, bearer tokens, both error
envelopes, the usage headers, and the response that never arrives."""

from __future__ import annotations

import asyncio
import itertools
import json
import math
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from icop.emulators.platforms.state import EmulatorState, Fault

_trace_ids = itertools.count(1)


async def params(request: Request) -> dict[str, str]:
    """Graph API parameters may come in the query string or a form body, like the real one."""
    merged = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if "form" in content_type:
        form = await request.form()
        merged.update({key: str(value) for key, value in form.items() if isinstance(value, str)})
    elif "json" in content_type:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            merged.update({key: str(value) for key, value in body.items()})
    return merged


def bearer(request: Request, values: dict[str, str] | None = None) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() in ("bearer", "oauth") and token:
        return token.strip()
    if values is not None and values.get("access_token"):
        return values["access_token"]
    return request.query_params.get("access_token")


def meta_error(
    status: int,
    message: str,
    code: int,
    *,
    type_: str = "OAuthException",
    subcode: int | None = None,
    transient: bool | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    error: dict[str, Any] = {
        "message": message,
        "type": type_,
        "code": code,
        "fbtrace_id": f"Emu{next(_trace_ids):08d}",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    if transient is not None:
        error["is_transient"] = transient
    return JSONResponse({"error": error}, status_code=status, headers=headers)


def x_problem(
    status: int,
    title: str,
    detail: str,
    *,
    type_: str = "about:blank",
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        {"title": title, "detail": detail, "type": type_, "status": status},
        status_code=status,
        headers=headers,
    )


def x_invalid(message: str, parameter: str) -> JSONResponse:
    return JSONResponse(
        {
            "errors": [{"parameters": {parameter: []}, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        },
        status_code=400,
    )


def buc_header(account_id: str, *, percent: float, regain_min: int, kind: str) -> dict[str, str]:
    value = {
        account_id: [
            {
                "type": kind,
                "call_count": round(percent),
                "total_cputime": round(percent / 2),
                "total_time": round(percent / 2),
                "estimated_time_to_regain_access": regain_min,
            }
        ]
    }
    return {"X-Business-Use-Case-Usage": json.dumps(value)}


def regain_minutes(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60))


class DropConnection(Response):
    """A response whose status line goes out and whose body never does: uvicorn closes the
    socket, and the client sees the connection die after its request was processed."""

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")],
            }
        )


async def after(fault: Fault | None, response: Response) -> Response:
    """Faults that act after the work was done: the answer is late, or never comes."""
    if fault is not None and fault.kind == "drop_after_create":
        return DropConnection()
    if fault is not None and fault.kind == "timeout":
        await asyncio.sleep(fault.delay_s)
    return response


def fault_meta(state: EmulatorState, fault: Fault, token: str | None, account_id: str) -> Any:
    """The response a pre-processing fault produces on a Meta API (or None to go on)."""
    if fault.kind == "rate_limit":
        return meta_error(
            400,
            "(#4) Application request limit reached",
            4,
            transient=True,
            headers=buc_header(
                account_id, percent=100, regain_min=regain_minutes(fault.reset_s), kind="pages"
            ),
        )
    if fault.kind == "server_error":
        return meta_error(
            500,
            "An unexpected error has occurred. Please retry your request later.",
            2,
            transient=True,
        )
    if fault.kind == "expire_token":
        if token:
            state.expire(token)
        return meta_error(
            400,
            "Error validating access token: Session has expired.",
            190,
            subcode=463,
        )
    return None


def fault_x(state: EmulatorState, fault: Fault, token: str | None) -> Any:
    if fault.kind == "rate_limit":
        reset = math.ceil(state.now() + fault.reset_s)
        return x_problem(
            429,
            "Too Many Requests",
            "Too Many Requests",
            headers={
                "x-rate-limit-limit": "100",
                "x-rate-limit-remaining": "0",
                "x-rate-limit-reset": str(reset),
            },
        )
    if fault.kind == "server_error":
        return x_problem(503, "Service Unavailable", "Service Unavailable")
    if fault.kind == "expire_token":
        if token:
            state.expire(token)
        return x_problem(401, "Unauthorized", "Unauthorized")
    return None
