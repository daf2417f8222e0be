"""One HTTP exchange with a web search API, its failures mapped to our error types.

The adapters do not retry: they report what the provider said (including how long it asked
us to wait), and the Researcher or the workflow's retry policy decides.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from icop.research.exceptions import (
    SearchProviderError,
    SearchRateLimited,
    SearchRejected,
    SearchResponseInvalid,
    SearchUnauthorized,
    SearchUnavailable,
)

RetryHint = Callable[[httpx.Response], float | None]
Classifier = Callable[[httpx.Response], SearchProviderError | None]


def retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds, whether given as seconds or as an HTTP date."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def excerpt(response: httpx.Response, limit: int = 200) -> str:
    try:
        body = response.json()
    except ValueError:
        return " ".join(response.text[:limit].split())
    # The common shapes: {"detail": …}, {"error": {"detail": …}}, {"message": …}.
    if isinstance(body, dict):
        for key in ("detail", "error", "message"):
            value = body.get(key)
            if isinstance(value, dict):
                value = value.get("detail") or value.get("error") or value.get("message")
            if isinstance(value, str):
                return value[:limit]
    return " ".join(response.text[:limit].split())


async def fetch_json(
    provider: str,
    client: httpx.AsyncClient,
    request: httpx.Request,
    *,
    timeout_s: float,
    retry_hint: RetryHint = retry_after,
    classify: Classifier | None = None,
) -> Any:
    """Send ``request``; return the parsed JSON body of a 2xx answer or raise."""
    try:
        # The per-request timeout lives in the request's extensions (what build_request sets).
        request.extensions["timeout"] = httpx.Timeout(timeout_s).as_dict()
        response = await client.send(request)
    except httpx.TimeoutException as error:
        raise SearchUnavailable(
            f"{provider} did not answer within {timeout_s:g} s", provider=provider
        ) from error
    except httpx.TransportError as error:
        raise SearchUnavailable(
            f"cannot reach {provider}: {type(error).__name__}", provider=provider
        ) from error
    if response.is_success:
        try:
            return response.json()
        except ValueError as error:
            raise SearchResponseInvalid(
                f"{provider} answered {response.status_code} with a body that is not JSON",
                provider=provider,
            ) from error
    failure = classify(response) if classify else None
    raise failure or _failure(provider, response, retry_hint)


def _failure(provider: str, response: httpx.Response, retry_hint: RetryHint) -> SearchProviderError:
    status = response.status_code
    said = excerpt(response)
    detail = f"{provider} answered {status}" + (f": {said}" if said else "")
    if status in (401, 403):
        return SearchUnauthorized(detail, provider=provider)
    if status == 429:
        return SearchRateLimited(detail, provider=provider, retry_after_s=retry_hint(response))
    if status >= 500:
        return SearchUnavailable(detail, provider=provider, retry_after_s=retry_after(response))
    return SearchRejected(detail, provider=provider)


def invalid(provider: str, what: str) -> SearchResponseInvalid:
    return SearchResponseInvalid(f"{provider} answered without {what}", provider=provider)
