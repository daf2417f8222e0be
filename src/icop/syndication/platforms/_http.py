"""What every platform client does with the wire: send one request and turn transport failures
into the contract's errors.

The one distinction that matters is whether the request may have reached the platform
(:func:`icop.kit.http.transport_failure` tells). A connect error or a pool timeout means nothing
was sent: safe to retry (``TransientError``). Anything after the request went out — a read
timeout, a dropped connection, a half-written body — on the call that creates the visible post
is ``AmbiguousOutcome``: the post may exist. Messages are built here from the step's name, never
from the exception, whose text can carry a URL with a secret in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from icop.kit.http import transport_failure
from icop.syndication.platforms.base import (
    AmbiguousOutcome,
    Platform,
    PlatformBadRequest,
    TransientError,
)


async def send(
    http: httpx.AsyncClient,
    platform: Platform,
    method: str,
    url: str,
    *,
    step: str,
    creates: bool = False,
    **kwargs: Any,
) -> httpx.Response:
    try:
        return await http.request(method, url, **kwargs)
    except httpx.RequestError as exc:  # timeouts, drops, a body we could not decode
        failure = transport_failure(exc)
    if not failure.sent:
        raise TransientError(
            f"{platform.value}: could not reach the API ({step}: {failure.name})",
            platform=platform,
        )
    message = f"{platform.value}: no complete answer to {step} ({failure.name})"
    if creates:
        raise AmbiguousOutcome(message + "; the post may or may not exist", platform=platform)
    # Outside the handler: the exception's text (a URL can carry a secret) is not chained.
    raise TransientError(message, platform=platform)


def json_body(
    response: httpx.Response, platform: Platform, *, step: str, creates: bool
) -> dict[str, Any]:
    """The JSON object of a successful answer. A 2xx we cannot read on the create step is still
    ambiguous: the platform said yes, but we do not know to what id."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        message = f"{platform.value}: unreadable answer to {step} (HTTP {response.status_code})"
        if creates:
            raise AmbiguousOutcome(message, platform=platform, http_status=response.status_code)
        raise TransientError(message, platform=platform, http_status=response.status_code)
    return body


def require_id(body: Mapping[str, Any], key: str, platform: Platform, *, step: str) -> str:
    value = body.get(key)
    if value is None or value == "":
        raise PlatformBadRequest(
            f"{platform.value}: {step} answered without an id", platform=platform
        )
    return str(value)


def utcnow() -> datetime:
    return datetime.now(UTC)


def parse_time(value: object) -> datetime | None:
    """Meta writes ``2026-01-02T03:04:05+0000``, X ``2026-01-02T03:04:05.000Z``."""
    if not isinstance(value, str) or not value:
        return None
    text = value.replace("Z", "+00:00")
    if len(text) >= 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def safe_int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
