"""HTTP plumbing every remote client needs and no domain owns: secrets kept out of messages,
the human message of an error response, and what a failed httpx call means for a retry.

Each caller keeps its own error types and its own status → error table; this module only
answers the questions they all ask of the wire.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import httpx

# Failures that happen before a single byte of the request is on the wire: the server cannot
# have acted on it.
NOT_SENT: tuple[type[httpx.HTTPError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
)


# -- secrets ----------------------------------------------------------------------------------
def redact(text: str, *secrets: str | None) -> str:
    """``text`` with every secret replaced by ``***``: provider messages and exception strings
    can echo what was sent (a key in a URL, a token in a header), and they end up in logs."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


# -- transport failures -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TransportFailure:
    """What an httpx exception means to a caller deciding what to do next."""

    error: httpx.HTTPError
    timed_out: bool
    """No answer in time (connect, write, read or pool timeout)."""
    sent: bool
    """The request may have reached the server: retrying a call that creates something may
    create it twice."""

    @property
    def name(self) -> str:
        """The exception's type name: safe in any message, unlike its text."""
        return type(self.error).__name__

    def describe(self, *secrets: str | None) -> str:
        """The exception's text (its type name when empty) with ``secrets`` redacted."""
        return redact(str(self.error) or self.name, *secrets)


def transport_failure(error: httpx.HTTPError) -> TransportFailure:
    """Classify a failed httpx call: timed out or not, and whether the request may have left."""
    return TransportFailure(
        error=error,
        timed_out=isinstance(error, httpx.TimeoutException),
        sent=not isinstance(error, NOT_SENT),
    )


# -- error bodies -----------------------------------------------------------------------------
def error_message(
    body: object, fallback: str = "", *, secrets: Iterable[str | None] = (), limit: int = 500
) -> str:
    """The human message of the usual JSON error envelopes, redacted, at most ``limit`` long:

    - ``{"error": {"message" | "detail" | "error", "code"?, "details"?}}`` (OpenAI, Anthropic,
      Google, ComfyUI, Brave): a string ``code`` and non-empty ``details`` join the message;
    - ``{"error": "…"}`` (Ollama);
    - ``{"detail": "…" | {"error" | "message" | "detail": "…"} | [{"type", "msg"}, …]}``
      (FastAPI and pydantic validation, fal, Tavily);
    - ``{"message": "…"}``.

    Anything else gives ``fallback``. Secrets are replaced before cutting, so no part of one
    survives the cut.
    """
    message = _envelope_message(body) or fallback
    return redact(message, *secrets)[:limit]


def error_text(
    response: httpx.Response, *, secrets: Iterable[str | None] = (), limit: int = 500
) -> str:
    """The message of an error response: from its JSON envelope (see :func:`error_message`),
    else the start of its body with whitespace collapsed; empty when the body is empty or was
    not read."""
    try:
        body: object = response.json()
    except (ValueError, httpx.ResponseNotRead):
        body = None
    return error_message(body, _body_text(response), secrets=secrets, limit=limit)


def _body_text(response: httpx.Response) -> str:
    try:
        return " ".join(response.text.split())
    except (httpx.ResponseNotRead, UnicodeDecodeError):
        return ""


def _envelope_message(body: object) -> str:
    if not isinstance(body, Mapping):
        return ""
    error = body.get("error")
    if isinstance(error, Mapping):
        code = error.get("code")
        details = error.get("details")
        parts = [
            code if isinstance(code, str) else "",
            _first_text(error, ("message", "detail", "error")),
            details if isinstance(details, str) else "",
        ]
        if joined := ": ".join(part for part in parts if part):
            return joined
    elif isinstance(error, str) and error:
        return error
    detail = body.get("detail")
    if isinstance(detail, str) and detail:
        return detail
    if isinstance(detail, Mapping) and (
        text := _first_text(detail, ("message", "error", "detail"))
    ):
        return text
    if isinstance(detail, list) and detail:
        return "; ".join(
            f"{item.get('type', 'error')}: {item.get('msg', '')}"
            if isinstance(item, Mapping)
            else str(item)
            for item in detail
        )
    message = body.get("message")
    return message if isinstance(message, str) else ""


def _first_text(mapping: Mapping[str, object], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = mapping.get(key)
        if isinstance(value, str) and value:
            return value
    return ""
