"""A Google Sheets API v4 emulator for the tests of the real client (and for demos offline).

It speaks the wire format the client relies on, as Google documents it:
- ``GET /v4/spreadsheets/{id}/values/{range}``: a ValueRange ``{"range", "majorDimension",
  "values"}`` where ``range`` is the request closed at the grid (``ContentPlan!A2:E1000``) and
  trailing empty cells and rows are left out (``values`` is absent when nothing is left);
- ``POST /v4/spreadsheets/{id}/values:batchUpdate`` and ``PUT …/values/{range}``: RAW or
  USER_ENTERED input, ``totalUpdated*`` counters and one UpdateValuesResponse per range;
- ``POST /token``: the service-account JWT-bearer grant (RS256 assertion checked against the
  public key registered for its issuer) and the refresh-token grant;
- errors in Google's envelope ``{"error": {"code", "message", "status"}}``: 401 UNAUTHENTICATED
  without a valid token, 403 PERMISSION_DENIED when the sheet is not shared with the caller,
  404 NOT_FOUND, 400 INVALID_ARGUMENT for a range it cannot parse, and 429 RESOURCE_EXHAUSTED
  past a per-user / per-project requests-per-minute quota or when a fault is injected (from
  Python or ``POST /_emulator/faults``).

``EmulatorServer`` runs it with uvicorn in a thread on a free port (``start()``, ``url``,
``stop()``). State is guarded by a lock because tests change it from another thread.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from icop.planning.sheets.a1 import A1Range, column_letter, parse_a1, quote_sheet, trim
from icop.planning.sheets.auth import JWT_BEARER, SCOPE
from icop.planning.sheets.exceptions import SheetRangeInvalid

DEFAULT_ROWS = 1000
DEFAULT_COLS = 26
_MISSING_AUTH = (
    "Request is missing required authentication credential. Expected OAuth 2 access token, "
    "login cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)
_INVALID_AUTH = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
    "cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)
_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class ApiError(Exception):
    def __init__(self, code: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.headers = dict(headers or {})

    def response(self) -> JSONResponse:
        status = _STATUS.get(self.code, "UNKNOWN")
        body = {"error": {"code": self.code, "message": self.message, "status": status}}
        return JSONResponse(body, status_code=self.code, headers=self.headers)


class _OAuthError(Exception):
    def __init__(self, code: int, error: str, description: str):
        super().__init__(description)
        self.code = code
        self.error = error
        self.description = description


@dataclass
class Grid:
    rows: list[list[str]] = field(default_factory=list)
    row_count: int = DEFAULT_ROWS
    col_count: int = DEFAULT_COLS

    def set(self, row: int, col: int, value: str) -> None:
        while len(self.rows) < row:
            self.rows.append([])
        line = self.rows[row - 1]
        while len(line) < col:
            line.append("")
        line[col - 1] = value
        # values.update grows the grid rather than refusing writes past its edge.
        self.row_count = max(self.row_count, row)
        self.col_count = max(self.col_count, col)


@dataclass
class Spreadsheet:
    sheets: dict[str, Grid]
    writers: set[str] = field(default_factory=set)
    readers: set[str] = field(default_factory=set)


@dataclass
class Fault:
    """Answer the next ``count`` calls of ``operation`` (``values.get``,
    ``values.batchUpdate``, ``values.update``, ``token`` or ``*``) with ``status``."""

    operation: str
    status: int
    count: int = 1
    retry_after: float | None = None
    message: str | None = None


@dataclass(frozen=True)
class RecordedRequest:
    operation: str
    method: str
    path: str
    query: str
    body: Any
    principal: str | None


@dataclass
class _Token:
    principal: str
    scopes: frozenset[str]
    expires_at: float


class SheetsEmulator:
    def __init__(
        self,
        *,
        per_user_per_minute: int | None = None,
        per_project_per_minute: int | None = None,
        token_ttl_s: int = 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.per_user_per_minute = per_user_per_minute
        self.per_project_per_minute = per_project_per_minute
        self.token_ttl_s = token_ttl_s
        self.clock = clock
        self.base_url = "http://127.0.0.1"
        self._lock = threading.RLock()
        self.reset()
        self.app = self._build_app()

    def reset(self) -> None:
        """Forget every spreadsheet, account, token, fault and recorded request."""
        with self._lock:
            self._reset()

    def _reset(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._spreadsheets: dict[str, Spreadsheet] = {}
        self._service_accounts: dict[str, tuple[str, str | None]] = {}
        self._clients: dict[str, str] = {}
        self._refresh_tokens: dict[str, tuple[str, str]] = {}
        self._tokens: dict[str, _Token] = {}
        self._faults: list[Fault] = []
        self._calls: dict[str, deque[float]] = {}

    # --- set-up from tests --------------------------------------------------------------

    @property
    def token_uri(self) -> str:
        return f"{self.base_url}/token"

    def add_spreadsheet(
        self,
        spreadsheet_id: str,
        sheets: Mapping[str, Iterable[Iterable[str]]],
        *,
        writers: Iterable[str] = (),
        readers: Iterable[str] = (),
    ) -> None:
        with self._lock:
            self._spreadsheets[spreadsheet_id] = Spreadsheet(
                sheets={
                    name: Grid(
                        rows=(grid := [list(row) for row in rows]),
                        row_count=max(DEFAULT_ROWS, len(grid)),
                        col_count=max(DEFAULT_COLS, *(len(row) for row in grid), 0),
                    )
                    for name, rows in sheets.items()
                },
                writers=set(writers),
                readers=set(readers),
            )

    def share(self, spreadsheet_id: str, principal: str, *, writer: bool = True) -> None:
        with self._lock:
            spreadsheet = self._spreadsheets[spreadsheet_id]
            (spreadsheet.writers if writer else spreadsheet.readers).add(principal)

    def values(self, spreadsheet_id: str, sheet: str) -> list[list[str]]:
        """The sheet's cells as stored (trailing empties trimmed)."""
        with self._lock:
            return trim(
                [list(row) for row in self._spreadsheets[spreadsheet_id].sheets[sheet].rows]
            )

    def register_service_account(
        self, email: str, public_key_pem: str, key_id: str | None = None
    ) -> None:
        with self._lock:
            self._service_accounts[email] = (public_key_pem, key_id)

    def create_service_account(
        self, email: str = "planner@icop-test.iam.gserviceaccount.com"
    ) -> dict[str, str]:
        """A new RSA key registered here, returned as Google's key file JSON."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        public_pem = (
            key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        key_id = secrets.token_hex(20)
        self.register_service_account(email, public_pem, key_id)
        return {
            "type": "service_account",
            "project_id": "icop-test",
            "private_key_id": key_id,
            "private_key": private_pem,
            "client_email": email,
            "client_id": "1" * 21,
            "token_uri": self.token_uri,
        }

    def add_oauth_client(self, client_id: str, client_secret: str) -> None:
        with self._lock:
            self._clients[client_id] = client_secret

    def add_user(self, email: str, *, client_id: str) -> str:
        """A refresh token for ``email`` issued to ``client_id``."""
        token = "1//" + secrets.token_urlsafe(32)
        with self._lock:
            self._refresh_tokens[token] = (email, client_id)
        return token

    def issue_token(self, principal: str, *, ttl_s: float | None = None) -> str:
        token = "ya29." + secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = _Token(
                principal, frozenset({SCOPE}), self.clock() + (ttl_s or self.token_ttl_s)
            )
        return token

    def expire_tokens(self) -> None:
        with self._lock:
            for token in self._tokens.values():
                token.expires_at = 0.0

    def inject(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def calls(self, operation: str) -> list[RecordedRequest]:
        with self._lock:
            return [request for request in self.requests if request.operation == operation]

    # --- request handling ---------------------------------------------------------------

    def _fault(self, operation: str) -> ApiError | None:
        with self._lock:
            for fault in self._faults:
                if fault.count > 0 and fault.operation in (operation, "*"):
                    fault.count -= 1
                    headers = (
                        {"Retry-After": f"{fault.retry_after:g}"}
                        if fault.retry_after is not None
                        else {}
                    )
                    message = fault.message or (
                        "Quota exceeded for quota metric 'Requests' and limit 'Requests per "
                        "minute per user' of service 'sheets.googleapis.com'."
                        if fault.status == 429
                        else f"Injected failure {fault.status}"
                    )
                    return ApiError(fault.status, message, headers)
            self._faults = [fault for fault in self._faults if fault.count > 0]
        return None

    def _authenticate(self, request: Request) -> str:
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("bearer "):
            raise ApiError(401, _MISSING_AUTH, {"WWW-Authenticate": 'Bearer realm="emulator"'})
        with self._lock:
            token = self._tokens.get(header[7:].strip())
            if token is None or token.expires_at <= self.clock():
                raise ApiError(
                    401, _INVALID_AUTH, {"WWW-Authenticate": 'Bearer error="invalid_token"'}
                )
            if SCOPE not in token.scopes:
                raise ApiError(403, "Request had insufficient authentication scopes.")
            return token.principal

    def _quota(self, principal: str, operation: str) -> None:
        now = self.clock()
        with self._lock:
            for key, limit in (
                (f"user:{principal}", self.per_user_per_minute),
                ("project", self.per_project_per_minute),
            ):
                if limit is None:
                    continue
                window = self._calls.setdefault(key, deque())
                while window and window[0] <= now - 60:
                    window.popleft()
                if len(window) >= limit:
                    kind = "Write" if operation != "values.get" else "Read"
                    limit_name = f"{kind} requests per minute" + (
                        " per user" if key != "project" else ""
                    )
                    raise ApiError(
                        429,
                        f"Quota exceeded for quota metric '{kind} requests' and limit "
                        f"'{limit_name}' of service 'sheets.googleapis.com' for consumer "
                        "'project_number:0'.",
                    )
            for key, limit in (
                (f"user:{principal}", self.per_user_per_minute),
                ("project", self.per_project_per_minute),
            ):
                if limit is not None:
                    self._calls[key].append(now)

    def _spreadsheet(self, spreadsheet_id: str, principal: str, *, write: bool) -> Spreadsheet:
        spreadsheet = self._spreadsheets.get(spreadsheet_id)
        if spreadsheet is None:
            raise ApiError(404, "Requested entity was not found.")
        allowed = spreadsheet.writers | (set() if write else spreadsheet.readers)
        if principal not in allowed and "*" not in allowed:
            raise ApiError(403, "The caller does not have permission")
        return spreadsheet

    @staticmethod
    def _range(spreadsheet: Spreadsheet, text: str) -> tuple[A1Range, Grid]:
        try:
            rng = parse_a1(text)
        except SheetRangeInvalid as error:
            raise ApiError(400, f"Unable to parse range: {text}") from error
        name = rng.sheet if rng.sheet is not None else next(iter(spreadsheet.sheets))
        grid = spreadsheet.sheets.get(name)
        if grid is None:
            raise ApiError(400, f"Unable to parse range: {text}")
        return A1Range(name, rng.start_row, rng.start_col, rng.end_row, rng.end_col), grid

    def get_values(
        self, spreadsheet_id: str, range_text: str, principal: str, params: Mapping[str, str]
    ) -> dict[str, Any]:
        if params.get("majorDimension", "ROWS") != "ROWS":
            raise ApiError(400, "The emulator only serves majorDimension=ROWS")
        with self._lock:
            spreadsheet = self._spreadsheet(spreadsheet_id, principal, write=False)
            rng, grid = self._range(spreadsheet, range_text)
            full = rng.bounded(grid.row_count, grid.col_count)
            top, left = full.first_row, full.first_col
            bottom = min(full.end_row or grid.row_count, grid.row_count)
            right = min(full.end_col or grid.col_count, grid.col_count)
            box = A1Range(full.sheet, top, left, bottom, right)
            rows = [list(line[left - 1 : right]) for line in grid.rows[top - 1 : bottom]]
        body: dict[str, Any] = {"range": str(box), "majorDimension": "ROWS"}
        if values := trim(rows):
            body["values"] = values
        return body

    def update(
        self, spreadsheet_id: str, principal: str, data: Mapping[str, Any], option: str | None
    ) -> dict[str, Any]:
        if option not in ("RAW", "USER_ENTERED"):
            raise ApiError(
                400,
                "'valueInputOption' is required but not specified"
                if option is None
                else f"Invalid value at 'value_input_option' ({option})",
            )
        if data.get("majorDimension", "ROWS") != "ROWS":
            raise ApiError(400, "The emulator only accepts majorDimension=ROWS")
        values = data.get("values") or []
        if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
            raise ApiError(400, "Invalid values: expected a list of rows")
        spreadsheet = self._spreadsheet(spreadsheet_id, principal, write=True)
        rng, grid = self._range(spreadsheet, str(data.get("range", "")))
        top, left = rng.first_row, rng.first_col
        width = max((len(row) for row in values), default=0)
        if rng.end_col is not None and left + width - 1 > rng.end_col:
            raise ApiError(
                400,
                f"Requested writing within range [{data.get('range')}], but tried writing to "
                f"column [{column_letter(left + width - 1)}]",
            )
        if rng.end_row is not None and top + len(values) - 1 > rng.end_row:
            raise ApiError(
                400,
                f"Requested writing within range [{data.get('range')}], but tried writing to "
                f"row [{top + len(values) - 1}]",
            )
        cells = 0
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                if value is None:  # null leaves the cell as it is
                    continue
                text = value if isinstance(value, str) else _json_text(value)
                grid.set(top + r, left + c, text)
                cells += 1
        rows = len(values)
        updated = f"{quote_sheet(rng.sheet or '')}!{column_letter(left)}{top}" + (
            f":{column_letter(left + width - 1)}{top + rows - 1}" if rows * width > 1 else ""
        )
        return {
            "spreadsheetId": spreadsheet_id,
            "updatedRange": updated,
            "updatedRows": rows,
            "updatedColumns": width,
            "updatedCells": cells,
        }

    def batch_update(
        self, spreadsheet_id: str, principal: str, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        data = body.get("data")
        if not isinstance(data, list) or not data:
            raise ApiError(400, "Invalid requests: 'data' must hold at least one ValueRange")
        with self._lock:
            # Google applies a batch all or nothing: validate on a copy, then swap it in.
            spreadsheet = self._spreadsheet(spreadsheet_id, principal, write=True)
            backup = {
                name: Grid([list(r) for r in g.rows], g.row_count, g.col_count)
                for name, g in spreadsheet.sheets.items()
            }
            try:
                responses = [
                    self.update(spreadsheet_id, principal, item, body.get("valueInputOption"))
                    for item in data
                ]
            except ApiError:
                spreadsheet.sheets = backup
                raise
        rows = {
            (r["updatedRange"].split("!")[0], n)
            for r in responses
            for n in _rows(r["updatedRange"])
        }
        columns = {
            (r["updatedRange"].split("!")[0], n)
            for r in responses
            for n in _cols(r["updatedRange"])
        }
        return {
            "spreadsheetId": spreadsheet_id,
            "totalUpdatedRows": len(rows),
            "totalUpdatedColumns": len(columns),
            "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
            "totalUpdatedSheets": len({r["updatedRange"].split("!")[0] for r in responses}),
            "responses": responses,
        }

    def token(self, form: Mapping[str, str], token_url: str) -> dict[str, Any]:
        grant = form.get("grant_type")
        if grant == JWT_BEARER:
            principal, scopes = self._verify_assertion(form.get("assertion", ""), token_url)
        elif grant == "refresh_token":
            client_id = form.get("client_id", "")
            with self._lock:
                if self._clients.get(client_id) != form.get("client_secret") or not client_id:
                    raise _OAuthError(401, "invalid_client", "The OAuth client was not found.")
                owner = self._refresh_tokens.get(form.get("refresh_token", ""))
            if owner is None or owner[1] != client_id:
                raise _OAuthError(400, "invalid_grant", "Token has been expired or revoked.")
            principal, scopes = owner[0], frozenset({SCOPE})
        else:
            raise _OAuthError(400, "unsupported_grant_type", f"Invalid grant_type: {grant}")
        token = "ya29." + secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = _Token(principal, scopes, self.clock() + self.token_ttl_s)
        return {
            "access_token": token,
            "expires_in": self.token_ttl_s,
            "scope": " ".join(sorted(scopes)),
            "token_type": "Bearer",
        }

    def _verify_assertion(self, assertion: str, token_url: str) -> tuple[str, frozenset[str]]:
        try:
            unverified = jwt.decode(assertion, options={"verify_signature": False})
            header = jwt.get_unverified_header(assertion)
        except jwt.PyJWTError as error:
            raise _OAuthError(400, "invalid_grant", "Invalid JWT assertion.") from error
        issuer = str(unverified.get("iss", ""))
        with self._lock:
            registered = self._service_accounts.get(issuer)
        if registered is None:
            raise _OAuthError(400, "invalid_grant", "Invalid grant: account not found")
        public_key, key_id = registered
        if key_id is not None and header.get("kid") not in (None, key_id):
            raise _OAuthError(400, "invalid_grant", "Invalid JWT Signature.")
        try:
            claims = jwt.decode(
                assertion,
                public_key,
                algorithms=["RS256"],
                audience=token_url,
                options={"require": ["iss", "aud", "iat", "exp"]},
                leeway=60,
            )
        except jwt.InvalidSignatureError as error:
            raise _OAuthError(400, "invalid_grant", "Invalid JWT Signature.") from error
        except jwt.PyJWTError as error:
            raise _OAuthError(400, "invalid_grant", f"Invalid JWT: {error}") from error
        if int(claims["exp"]) - int(claims["iat"]) > 3600:
            raise _OAuthError(
                400,
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                "reasonable timeframe. Check your iat and exp values in the JWT claim.",
            )
        return issuer, frozenset(str(claims.get("scope", "")).split())

    # --- the app ------------------------------------------------------------------------

    def _build_app(self) -> FastAPI:
        app = FastAPI(title="Google Sheets API emulator", openapi_url=None, docs_url=None)
        emulator = self

        async def serve(
            request: Request, operation: str, handler: Callable[[str], dict[str, Any]]
        ) -> JSONResponse:
            try:
                body: Any = await request.json() if request.method in ("POST", "PUT") else None
            except ValueError:
                body = None
            principal: str | None = None
            try:
                principal = emulator._authenticate(request)
                if (fault := emulator._fault(operation)) is not None:
                    raise fault
                emulator._quota(principal, operation)
                return JSONResponse(handler(principal))
            except ApiError as error:
                return error.response()
            finally:
                with emulator._lock:
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
        async def get_values(
            spreadsheet_id: str, range_text: str, request: Request
        ) -> JSONResponse:
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
                with emulator._lock:
                    return emulator.update(
                        spreadsheet_id, who, {**body, "range": range_text}, option
                    )

            return await serve(request, "values.update", handle)

        @app.post("/token")
        async def token(request: Request) -> JSONResponse:
            form = {key: str(value) for key, value in (await request.form()).items()}
            url = str(request.url.replace(query=""))
            with emulator._lock:
                emulator.requests.append(
                    RecordedRequest("token", "POST", "/token", "", form.get("grant_type"), None)
                )
            if (fault := emulator._fault("token")) is not None:
                return fault.response()
            try:
                return JSONResponse(emulator.token(form, url))
            except _OAuthError as error:
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


def _json_text(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(updated: str) -> range:
    rng = parse_a1(updated)
    return range(rng.first_row, (rng.end_row or rng.first_row) + 1)


def _cols(updated: str) -> range:
    rng = parse_a1(updated)
    return range(rng.first_col, (rng.end_col or rng.first_col) + 1)


class EmulatorServer:
    """The emulator on ``127.0.0.1:<free port>`` in a background thread."""

    def __init__(self, emulator: SheetsEmulator | None = None, *, host: str = "127.0.0.1") -> None:
        self.emulator = emulator or SheetsEmulator()
        self._host = host
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None

    @property
    def url(self) -> str:
        if self._port is None:
            raise RuntimeError("the emulator is not running")
        return f"http://{self._host}:{self._port}"

    def start(self, timeout_s: float = 10.0) -> str:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, 0))
        self._port = sock.getsockname()[1]
        self.emulator.base_url = self.url
        config = uvicorn.Config(self.emulator.app, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True, name="sheets-emulator"
        )
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Sheets emulator did not start")
            time.sleep(0.01)
        return self.url

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def __enter__(self) -> EmulatorServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
