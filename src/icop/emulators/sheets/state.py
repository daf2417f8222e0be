"""What the Sheets API emulator knows (spreadsheets, accounts, tokens, quotas, injected
faults) and how it answers each call; ``app.py`` puts Google's HTTP paths in front of it. State is
guarded by ``lock`` because tests change it from another thread than the server's."""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
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


class OAuthError(Exception):
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
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        """Forget every spreadsheet, account, token, fault and recorded request."""
        with self.lock:
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
        with self.lock:
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
        with self.lock:
            spreadsheet = self._spreadsheets[spreadsheet_id]
            (spreadsheet.writers if writer else spreadsheet.readers).add(principal)

    def values(self, spreadsheet_id: str, sheet: str) -> list[list[str]]:
        """The sheet's cells as stored (trailing empties trimmed)."""
        with self.lock:
            return trim(
                [list(row) for row in self._spreadsheets[spreadsheet_id].sheets[sheet].rows]
            )

    def register_service_account(
        self, email: str, public_key_pem: str, key_id: str | None = None
    ) -> None:
        with self.lock:
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
        with self.lock:
            self._clients[client_id] = client_secret

    def add_user(self, email: str, *, client_id: str) -> str:
        """A refresh token for ``email`` issued to ``client_id``."""
        token = "1//" + secrets.token_urlsafe(32)
        with self.lock:
            self._refresh_tokens[token] = (email, client_id)
        return token

    def issue_token(self, principal: str, *, ttl_s: float | None = None) -> str:
        token = "ya29." + secrets.token_urlsafe(32)
        with self.lock:
            self._tokens[token] = _Token(
                principal, frozenset({SCOPE}), self.clock() + (ttl_s or self.token_ttl_s)
            )
        return token

    def expire_tokens(self) -> None:
        with self.lock:
            for token in self._tokens.values():
                token.expires_at = 0.0

    def inject(self, fault: Fault) -> None:
        with self.lock:
            self._faults.append(fault)

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()

    def calls(self, operation: str) -> list[RecordedRequest]:
        with self.lock:
            return [request for request in self.requests if request.operation == operation]

    # --- request handling ---------------------------------------------------------------

    def take_fault(self, operation: str) -> ApiError | None:
        with self.lock:
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

    def authenticate(self, authorization: str | None) -> str:
        """The principal behind an ``Authorization: Bearer …`` header."""
        header = authorization or ""
        if not header.lower().startswith("bearer "):
            raise ApiError(401, _MISSING_AUTH, {"WWW-Authenticate": 'Bearer realm="emulator"'})
        with self.lock:
            token = self._tokens.get(header[7:].strip())
            if token is None or token.expires_at <= self.clock():
                raise ApiError(
                    401, _INVALID_AUTH, {"WWW-Authenticate": 'Bearer error="invalid_token"'}
                )
            if SCOPE not in token.scopes:
                raise ApiError(403, "Request had insufficient authentication scopes.")
            return token.principal

    def charge_quota(self, principal: str, operation: str) -> None:
        now = self.clock()
        with self.lock:
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
        with self.lock:
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
        with self.lock:
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
            with self.lock:
                if self._clients.get(client_id) != form.get("client_secret") or not client_id:
                    raise OAuthError(401, "invalid_client", "The OAuth client was not found.")
                owner = self._refresh_tokens.get(form.get("refresh_token", ""))
            if owner is None or owner[1] != client_id:
                raise OAuthError(400, "invalid_grant", "Token has been expired or revoked.")
            principal, scopes = owner[0], frozenset({SCOPE})
        else:
            raise OAuthError(400, "unsupported_grant_type", f"Invalid grant_type: {grant}")
        token = "ya29." + secrets.token_urlsafe(32)
        with self.lock:
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
            raise OAuthError(400, "invalid_grant", "Invalid JWT assertion.") from error
        issuer = str(unverified.get("iss", ""))
        with self.lock:
            registered = self._service_accounts.get(issuer)
        if registered is None:
            raise OAuthError(400, "invalid_grant", "Invalid grant: account not found")
        public_key, key_id = registered
        if key_id is not None and header.get("kid") not in (None, key_id):
            raise OAuthError(400, "invalid_grant", "Invalid JWT Signature.")
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
            raise OAuthError(400, "invalid_grant", "Invalid JWT Signature.") from error
        except jwt.PyJWTError as error:
            raise OAuthError(400, "invalid_grant", f"Invalid JWT: {error}") from error
        if int(claims["exp"]) - int(claims["iat"]) > 3600:
            raise OAuthError(
                400,
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                "reasonable timeframe. Check your iat and exp values in the JWT claim.",
            )
        return issuer, frozenset(str(claims.get("scope", "")).split())


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
