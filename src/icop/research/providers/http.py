"""One HTTP exchange with a web search API, its failures mapped to our error types.

The adapters do not retry: they report what the provider said (including how long it asked
us to wait), and the Researcher or the workflow's retry policy decides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from icop.kit.http import error_text, transport_failure
from icop.kit.retry_after import retry_after
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
EXCERPT_CHARS = 200


def retry_after_header(response: httpx.Response) -> float | None:
    """The standard hint: ``Retry-After``, in seconds or as an HTTP date."""
    return retry_after(response.headers)


def excerpt(response: httpx.Response) -> str:
    """What the provider said, short enough for an error message."""
    return error_text(response, limit=EXCERPT_CHARS)


async def fetch_json(
    provider: str,
    client: httpx.AsyncClient,
    request: httpx.Request,
    *,
    timeout_s: float,
    retry_hint: RetryHint = retry_after_header,
    classify: Classifier | None = None,
) -> Any:
    """Send ``request``; return the parsed JSON body of a 2xx answer or raise."""
    try:
        # The per-request timeout lives in the request's extensions (what build_request sets).
        request.extensions["timeout"] = httpx.Timeout(timeout_s).as_dict()
        response = await client.send(request)
    except httpx.TransportError as error:
        transport = transport_failure(error)
        if transport.timed_out:
            detail = f"{provider} did not answer within {timeout_s:g} s"
        else:
            detail = f"cannot reach {provider}: {transport.name}"
        raise SearchUnavailable(detail, provider=provider) from error
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
        return SearchUnavailable(
            detail, provider=provider, retry_after_s=retry_after_header(response)
        )
    return SearchRejected(detail, provider=provider)


def invalid(provider: str, what: str) -> SearchResponseInvalid:
    return SearchResponseInvalid(f"{provider} answered without {what}", provider=provider)
