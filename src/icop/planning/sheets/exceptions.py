"""Why a content-plan sheet could not be read or written. Each message says what to do next;
none carries a token, a key or more than a short excerpt of a response.

``retryable`` tells the caller (a Temporal activity) whether the same call may succeed later
without anyone changing anything; the rest need a person (share the sheet, fix the range,
reconnect the account)."""

from __future__ import annotations

from typing import Any, ClassVar

from icop.errors import ICOPError


class SheetError(ICOPError):
    status = 502
    code = "sheet_error"
    title = "The content plan sheet failed"
    retryable: ClassVar[bool] = False

    def __init__(self, detail: str | None = None, *, http_status: int | None = None, **extra: Any):
        super().__init__(detail, **extra)
        self.http_status = http_status


class SheetNotFound(SheetError):
    status = 422
    code = "sheet_not_found"
    title = "The spreadsheet or sheet file does not exist"


class SheetPermissionDenied(SheetError):
    status = 422
    code = "sheet_permission_denied"
    title = "No permission to use the spreadsheet"


class SheetRangeInvalid(SheetError):
    status = 422
    code = "sheet_range_invalid"
    title = "The sheet range is not valid"


class SheetAuthFailed(SheetError):
    status = 422
    code = "sheet_auth_failed"
    title = "Google rejected the sheet credentials"


class SheetRateLimited(SheetError):
    status = 429
    code = "sheet_rate_limited"
    title = "The Google Sheets quota is used up for now"
    retryable = True

    def __init__(
        self, detail: str | None = None, *, retry_after_s: float | None = None, **extra: Any
    ):
        super().__init__(detail, retry_after_s=retry_after_s, **extra)
        self.retry_after_s = retry_after_s

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(max(1, round(self.retry_after_s or 1)))}


class SheetUnavailable(SheetError):
    status = 503
    code = "sheet_unavailable"
    title = "The sheet could not be reached"
    retryable = True
