"""Google Sheets API v4 over httpx: ``spreadsheets.values.get`` for the plan and
``spreadsheets.values.batchUpdate`` for the write-back.

- Reads ask for ``FORMATTED_VALUE`` (what a person sees), rows first; Google omits trailing
  empty cells and rows, and the ``values`` key altogether for an empty range.
- Writes use ``valueInputOption=RAW``: nothing we write is ever parsed as a formula (the layout
  neutralises values as well, for exports opened elsewhere).
- Quotas (60 requests/min/user, 300/min/project): a token bucket per principal paces requests
  before Google has to refuse them. 429, 5xx, a network failure and a token endpoint that is
  down are retried (tenacity) after an exponential backoff with jitter, never sooner than
  ``Retry-After``; a wait longer than we are willing to sleep is raised as
  ``SheetRateLimited`` for the activity's retry policy.
- A 401 refreshes the token once and retries once (within the same try, without backing off).
- Writes go through a queue that coalesces everything pending into one ``batchUpdate`` and
  keeps a batch that failed until a later flush succeeds. Writes overwrite cells, so sending one
  twice (an activity retried after a lost answer) is harmless.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from icop.kit.retry_after import retry_after
from icop.kit.token_bucket import Sleep, TokenBucket
from icop.planning.sheets.a1 import parse_a1
from icop.planning.sheets.auth import TokenSource
from icop.planning.sheets.exceptions import (
    SheetAuthFailed,
    SheetError,
    SheetNotFound,
    SheetPermissionDenied,
    SheetRangeInvalid,
    SheetRateLimited,
    SheetUnavailable,
)
from icop.planning.sheets.layout import (
    CellWrite,
    ColumnMapping,
    RowUpdate,
    cell_writes,
    collect_cells,
)

DEFAULT_BASE_URL = "https://sheets.googleapis.com"
# Google recommends request bodies under 2 MB; one batch stays well below it.
MAX_BATCH_CHARS = 1_000_000
MAX_BATCH_RANGES = 500

_BUCKETS: dict[tuple[str, float], TokenBucket] = {}


def bucket_for(identity: str, per_minute: float) -> TokenBucket:
    """One bucket per principal and process: every sheet of one tenant's account shares it."""
    key = (identity, per_minute)
    bucket = _BUCKETS.get(key)
    if bucket is None:
        bucket = _BUCKETS[key] = TokenBucket(per_minute)
    return bucket


@dataclass(frozen=True, slots=True)
class ValueRange:
    range: str
    values: list[list[str]]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int = 5
    base_s: float = 1.0
    max_s: float = 32.0
    # The longest wait we sleep through in-process; beyond it the caller's retry takes over.
    max_wait_s: float = 60.0

    def delay(self, attempt: int, retry_after: float | None, rand: Callable[[], float]) -> float:
        """Google's recipe: base * 2^attempt plus up to one base step of jitter (so that
        clients that failed together do not retry together), capped; never before
        ``Retry-After``."""
        backoff = min(self.max_s, self.base_s * 2.0**attempt + rand() * self.base_s)
        return max(backoff, retry_after or 0.0)


@dataclass(slots=True)
class _Call:
    """One API call and what its tries tell each other."""

    method: str
    url: str
    what: str
    params: dict[str, str] | None
    json: dict[str, Any] | None
    # The one 401-triggered refresh has been spent.
    refreshed: bool = False
    # Google rejected the token and its refresh has not succeeded yet: the next try forces one.
    stale_token: bool = False
    # The last failed answer's Retry-After, for the wait before the next try.
    retry_after: float | None = None


def _google_error(response: httpx.Response) -> tuple[str, str]:
    """(status, message) from Google's ``{"error": {"code", "message", "status"}}``."""
    try:
        body = response.json()
    except ValueError:
        return "", " ".join(response.text[:200].split())
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("status") or ""), str(error.get("message") or "")[:300]
    return "", ""


class GoogleSheetsClient:
    def __init__(
        self,
        spreadsheet_id: str,
        *,
        http: httpx.AsyncClient,
        tokens: TokenSource,
        principal: str,
        base_url: str = DEFAULT_BASE_URL,
        bucket: TokenBucket | None = None,
        retry: RetryPolicy | None = None,
        timeout_s: float = 30.0,
        sleep: Sleep = asyncio.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        if not spreadsheet_id or "/" in spreadsheet_id:
            raise SheetNotFound(f"{spreadsheet_id!r} is not a spreadsheet id")
        self.spreadsheet_id = spreadsheet_id
        self._http = http
        self._tokens = tokens
        # Who Google sees (a service account's e-mail): the sheet must be shared with it.
        self._principal = principal
        self._base = f"{base_url.rstrip('/')}/v4/spreadsheets/{quote(spreadsheet_id, safe='')}"
        self._bucket = bucket or bucket_for(tokens.identity, 60)
        self._retry = retry or RetryPolicy()
        self._timeout_s = timeout_s
        self._sleep = sleep
        self._rand = rand

    def __repr__(self) -> str:
        return f"GoogleSheetsClient(spreadsheet_id={self.spreadsheet_id!r})"

    async def get_values(self, range_a1: str) -> ValueRange:
        body = await self._call(
            "GET",
            f"{self._base}/values/{quote(range_a1, safe='')}",
            params={"valueRenderOption": "FORMATTED_VALUE", "majorDimension": "ROWS"},
            what=f"read {range_a1}",
        )
        rows = body.get("values") or []
        values = [[_text(cell) for cell in row] for row in rows if isinstance(row, list)]
        return ValueRange(str(body.get("range") or range_a1), values)

    async def batch_update(self, writes: Sequence[CellWrite]) -> dict[str, Any]:
        payload = {
            "valueInputOption": "RAW",
            "data": [
                {"range": write.range_a1, "majorDimension": "ROWS", "values": write.values}
                for write in writes
            ],
        }
        ranges = ", ".join(write.range_a1 for write in writes[:3])
        more = f" and {len(writes) - 3} more" if len(writes) > 3 else ""
        return await self._call(
            "POST", f"{self._base}/values:batchUpdate", json=payload, what=f"write {ranges}{more}"
        )

    async def _call(
        self,
        method: str,
        url: str,
        *,
        what: str,
        params: dict[str, str] | None = None,
        json: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        call = _Call(method, url, what, params, json)
        retrying = AsyncRetrying(
            # The first try and up to max_retries more, of whatever may pass later unchanged.
            stop=stop_after_attempt(self._retry.max_retries + 1),
            retry=retry_if_exception(
                lambda error: isinstance(error, SheetError) and error.retryable
            ),
            # tenacity numbers tries from 1; the backoff counts retries from 0.
            wait=lambda state: self._retry.delay(
                state.attempt_number - 1, call.retry_after, self._rand
            ),
            before_sleep=self._leave_long_waits_to_the_caller,
            sleep=self._sleep,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                response = await self._try(call)
        # A success without a JSON body is not retried: Google did what was asked (a write may
        # have landed); asking again would not mend the answer.
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise SheetUnavailable(f"Google Sheets answered {what} without JSON")
        return body

    async def _try(self, call: _Call) -> httpx.Response:
        """One try: pace, authorize, send; a successful response or the failure it means. A
        first 401 refreshes the token and sends once more within this try: a token Google
        dropped early is no reason to back off."""
        call.retry_after = None
        await self._bucket.acquire()
        # A token endpoint that is down is as transient as the API being down: the failure is
        # retried like the API's own, and a token rejected before still gets its refresh.
        token = await self._tokens.token(force=call.stale_token)
        call.stale_token = False
        response = await self._send(call, token)
        if response.status_code == 401 and not call.refreshed:
            call.refreshed = call.stale_token = True
            token = await self._tokens.token(force=True)
            call.stale_token = False
            await self._bucket.acquire()
            response = await self._send(call, token)
        if response.is_success:
            return response
        call.retry_after = retry_after(response.headers)
        raise self._failure(response, call.what, call.retry_after)

    async def _send(self, call: _Call, token: str) -> httpx.Response:
        try:
            return await self._http.request(
                call.method,
                call.url,
                params=call.params,
                json=call.json,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
                timeout=self._timeout_s,
            )
        except httpx.TransportError as error:
            raise SheetUnavailable(
                f"cannot reach Google Sheets to {call.what}: {type(error).__name__}"
            ) from error

    def _leave_long_waits_to_the_caller(self, state: RetryCallState) -> None:
        """tenacity's ``before_sleep``: a wait longer than we sleep through in-process is
        raised as ``SheetRateLimited`` (with the wait) for the caller's retry policy."""
        wait = state.upcoming_sleep
        if wait <= self._retry.max_wait_s:
            return
        error = state.outcome.exception() if state.outcome is not None else None
        detail = error.detail if isinstance(error, SheetError) else None
        raise SheetRateLimited(detail, retry_after_s=wait) from error

    def _failure(self, response: httpx.Response, what: str, wait: float | None) -> SheetError:
        code = response.status_code
        status, message = _google_error(response)
        said = f" (Google: {message})" if message else ""
        sheet = f"spreadsheet {self.spreadsheet_id}"
        if code == 401:
            return SheetAuthFailed(
                f"Google rejected the access token to {what} in {sheet}{said}: reconnect the "
                "Google account",
                http_status=code,
            )
        if code == 403:
            return SheetPermissionDenied(
                f"no permission to {what} in {sheet}{said}: share the spreadsheet with "
                f"{self._principal} as an editor",
                http_status=code,
            )
        if code == 404:
            return SheetNotFound(
                f"{sheet} was not found{said}: check the spreadsheet id in the pipeline",
                http_status=code,
            )
        if code == 429:
            return SheetRateLimited(
                f"Google Sheets quota exhausted while trying to {what} in {sheet}{said}",
                retry_after_s=wait,
                http_status=code,
            )
        if code >= 500:
            return SheetUnavailable(
                f"Google Sheets failed to {what} in {sheet}: HTTP {code}{said}", http_status=code
            )
        if code == 400 and (status == "INVALID_ARGUMENT" or "range" in message.lower()):
            return SheetRangeInvalid(f"cannot {what} in {sheet}{said}", http_status=code)
        return SheetError(
            f"Google Sheets refused to {what} in {sheet}: HTTP {code}{said}", http_status=code
        )


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    return str(cell)


class GoogleSheet:
    """A ``SheetSource`` over one spreadsheet, with the write queue.

    ``write`` queues the updates and flushes; while a flush is on the wire, further writes wait
    and then go out together, so N updates that arrive together cost one request. A batch that
    fails stays queued (its exception reaches the caller) and goes out with the next flush."""

    def __init__(
        self,
        client: GoogleSheetsClient,
        *,
        mapping: ColumnMapping | None = None,
        sheet: str | None = None,
    ) -> None:
        self.client = client
        self.mapping = mapping or ColumnMapping()
        self.sheet = sheet
        self._pending: dict[tuple[int, int], str] = {}
        self._flush_lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"GoogleSheet({self.client.spreadsheet_id!r}, sheet={self.sheet!r})"

    async def read(self, range_a1: str) -> list[list[str]]:
        return (await self.client.get_values(range_a1)).values

    def enqueue(self, updates: Sequence[RowUpdate]) -> None:
        self._pending.update(collect_cells(updates, self.mapping))

    def pending(self) -> list[CellWrite]:
        """What has not reached Google yet."""
        return cell_writes(self._pending, sheet=self.sheet)

    async def write(self, updates: Sequence[RowUpdate]) -> None:
        self.enqueue(updates)
        await self.flush()

    async def flush(self) -> None:
        async with self._flush_lock:
            while self._pending:
                snapshot = dict(self._pending)
                for batch in _batches(cell_writes(snapshot, sheet=self.sheet)):
                    await self.client.batch_update(batch)
                    # A cell rewritten while this batch was on the wire keeps its newer value.
                    for key, value in _cells_of(batch, snapshot):
                        if self._pending.get(key) == value:
                            del self._pending[key]


def _batches(writes: list[CellWrite]) -> list[list[CellWrite]]:
    batches: list[list[CellWrite]] = []
    current: list[CellWrite] = []
    size = 0
    for write in writes:
        chars = sum(len(value) for row in write.values for value in row)
        if current and (size + chars > MAX_BATCH_CHARS or len(current) >= MAX_BATCH_RANGES):
            batches.append(current)
            current, size = [], 0
        current.append(write)
        size += chars
    if current:
        batches.append(current)
    return batches


def _cells_of(
    batch: list[CellWrite], snapshot: dict[tuple[int, int], str]
) -> list[tuple[tuple[int, int], str]]:
    cells: list[tuple[tuple[int, int], str]] = []
    for write in batch:
        rng = parse_a1(write.range_a1)
        assert rng.start_row is not None and rng.start_col is not None
        for offset, _ in enumerate(write.values[0]):
            key = (rng.start_row, rng.start_col + offset)
            cells.append((key, snapshot[key]))
    return cells
