"""The one error hierarchy. Services raise these; the gateway renders them as RFC 9457
problem+json and the CLI prints them as one line. Nothing here knows about HTTP frameworks."""

from __future__ import annotations

from typing import Any, ClassVar


class ICOPError(Exception):
    """Base of every error we raise on purpose."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    title: ClassVar[str] = "Internal error"
    # Some failures must still persist what the unit of work recorded (a revoked token family,
    # a failed-login audit row) before the error reaches the caller.
    commit_before_raise: ClassVar[bool] = False

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        self.detail = detail or self.title
        self.extra = extra
        super().__init__(self.detail)

    def headers(self) -> dict[str, str]:
        return {}


class BadRequest(ICOPError):
    status = 400
    code = "bad_request"
    title = "Bad request"


class ValidationFailed(ICOPError):
    status = 422
    code = "validation_failed"
    title = "The request did not pass validation"


class Unauthorized(ICOPError):
    status = 401
    code = "unauthorized"
    title = "Authentication required"

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="icop"'}


class Forbidden(ICOPError):
    status = 403
    code = "forbidden"
    title = "You are not allowed to do this"


class NotFound(ICOPError):
    status = 404
    code = "not_found"
    title = "Not found"


class Conflict(ICOPError):
    status = 409
    code = "conflict"
    title = "Conflict"


class PayloadTooLarge(ICOPError):
    status = 413
    code = "payload_too_large"
    title = "Request body too large"


class RateLimited(ICOPError):
    status = 429
    code = "rate_limited"
    title = "Too many requests"

    def __init__(self, detail: str | None = None, *, retry_after_s: int, **extra: Any) -> None:
        super().__init__(detail, retry_after_s=retry_after_s, **extra)
        self.retry_after_s = retry_after_s

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(max(1, self.retry_after_s))}


class QuotaExceeded(ICOPError):
    status = 402
    code = "quota_exceeded"
    title = "Monthly quota exceeded"


class ServiceUnavailable(ICOPError):
    status = 503
    code = "service_unavailable"
    title = "A dependency is unavailable"


class ConfigurationError(ICOPError):
    """Settings or on-disk state that prevent start-up; always the operator's to fix."""

    status = 500
    code = "configuration_error"
    title = "Configuration error"
