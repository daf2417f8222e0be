"""The emulator's HTTP surface: Google's paths, request parsing and error envelopes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from icop.emulators.sheets.state import (
    ApiError,
    Fault,
    OAuthError,
    RecordedRequest,
    SheetsEmulator,
)


def build_app(emulator: SheetsEmulator) -> FastAPI:
    app = FastAPI(title="Google Sheets API emulator", openapi_url=None, docs_url=None)

    async def serve(
        request: Request, operation: str, handler: Callable[[str], dict[str, Any]]
    ) -> JSONResponse:
        try:
            body: Any = await request.json() if request.method in ("POST", "PUT") else None
        except ValueError:
            body = None
        principal: str | None = None
        try:
            principal = emulator.authenticate(request.headers.get("authorization"))
            if (fault := emulator.take_fault(operation)) is not None:
                raise fault
            emulator.charge_quota(principal, operation)
            return JSONResponse(handler(principal))
        except ApiError as error:
            return error.response()
        finally:
            with emulator.lock:
                emulator.requests.append(
                    RecordedRequest(
                        operation,
                        request.method,
                        request.url.path,
                        request.url.query,
                        body,
                        principal,
                    )
                )

    @app.post("/v4/spreadsheets/{spreadsheet_id}/values:batchUpdate")
    async def batch_update(spreadsheet_id: str, request: Request) -> JSONResponse:
        body = await _json(request)
        return await serve(
            request,
            "values.batchUpdate",
            lambda who: emulator.batch_update(spreadsheet_id, who, body),
        )

    @app.get("/v4/spreadsheets/{spreadsheet_id}/values/{range_text:path}")
    async def get_values(spreadsheet_id: str, range_text: str, request: Request) -> JSONResponse:
        params = dict(request.query_params)
        return await serve(
            request,
            "values.get",
            lambda who: emulator.get_values(spreadsheet_id, range_text, who, params),
        )

    @app.put("/v4/spreadsheets/{spreadsheet_id}/values/{range_text:path}")
    async def update(spreadsheet_id: str, range_text: str, request: Request) -> JSONResponse:
        body = await _json(request)
        option = request.query_params.get("valueInputOption")

        def handle(who: str) -> dict[str, Any]:
            if body.get("range") not in (None, range_text):
                raise ApiError(400, "The range in the body does not match the URL")
            with emulator.lock:
                return emulator.update(spreadsheet_id, who, {**body, "range": range_text}, option)

        return await serve(request, "values.update", handle)

    @app.post("/token")
    async def token(request: Request) -> JSONResponse:
        form = {key: str(value) for key, value in (await request.form()).items()}
        url = str(request.url.replace(query=""))
        with emulator.lock:
            emulator.requests.append(
                RecordedRequest("token", "POST", "/token", "", form.get("grant_type"), None)
            )
        if (fault := emulator.take_fault("token")) is not None:
            return fault.response()
        try:
            return JSONResponse(emulator.token(form, url))
        except OAuthError as error:
            return JSONResponse(
                {"error": error.error, "error_description": error.description},
                status_code=error.code,
            )

    @app.post("/_emulator/faults")
    async def add_fault(request: Request) -> JSONResponse:
        body = await _json(request)
        emulator.inject(
            Fault(
                operation=str(body.get("operation", "*")),
                status=int(body.get("status", 429)),
                count=int(body.get("count", 1)),
                retry_after=body.get("retry_after"),
                message=body.get("message"),
            )
        )
        return JSONResponse({"ok": True})

    @app.post("/_emulator/expire-tokens")
    async def expire() -> JSONResponse:
        emulator.expire_tokens()
        return JSONResponse({"ok": True})

    return app


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
