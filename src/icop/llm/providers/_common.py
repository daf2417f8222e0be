"""What every remote LLM provider shares: turning HTTP facts into ``ProviderError``s, reading
how long a rate limit asks us to wait (the providers' own headers on top of ``Retry-After``),
estimating tokens offline, decoding structured answers, and looking up a model's capabilities.
Redaction and error-body reading are domain-free and live in :mod:`icop.kit.http`.

Each provider maps its SDK's exception types to a status code, a message and the response
headers, and hands them to :func:`error_for_status`, so the status → error table lives once.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from icop.kit.retry_after import retry_after
from icop.llm.providers.base import (
    Capabilities,
    CompletionResult,
    ProviderAuthError,
    ProviderBadRequest,
    ProviderBadResponse,
    ProviderError,
    ProviderRateLimited,
    ProviderServerError,
    ProviderTimeout,
    ProviderTruncated,
)


class ProviderQuotaExhausted(ProviderAuthError):
    """The account's credit, spend cap or billing is exhausted (a 402, OpenAI's
    ``insufficient_quota`` 429, Anthropic's ``enforced_spend_limit_reached``).

    It answers 429 like a rate limit, but waiting does not clear it: it is an ``AuthError`` so
    the router treats the credential as unusable instead of backing off and retrying."""


# -- rate limits ------------------------------------------------------------------------------
_GO_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
# (reset header, remaining header) pairs: a reset only matters for the limit that ran out.
_RESET_HEADERS = (
    ("x-ratelimit-reset-requests", "x-ratelimit-remaining-requests"),  # OpenAI: "6m0s", "20ms"
    ("x-ratelimit-reset-tokens", "x-ratelimit-remaining-tokens"),
    ("anthropic-ratelimit-requests-reset", "anthropic-ratelimit-requests-remaining"),  # RFC 3339
    ("anthropic-ratelimit-tokens-reset", "anthropic-ratelimit-tokens-remaining"),
    ("anthropic-ratelimit-input-tokens-reset", "anthropic-ratelimit-input-tokens-remaining"),
    ("anthropic-ratelimit-output-tokens-reset", "anthropic-ratelimit-output-tokens-remaining"),
)


def retry_after_seconds(
    headers: Mapping[str, str] | None, *, now: float | None = None
) -> float | None:
    """How long the provider asked us to wait, from the most precise header present.

    ``retry-after-ms`` (OpenAI and Anthropic) beats ``retry-after`` (seconds or an HTTP date),
    which beats the per-limit reset headers; of those, only limits with nothing remaining count
    (all of them when the ``remaining`` headers are absent), and the longest wins.
    """
    if not headers:
        return None
    lower = {key.lower(): value for key, value in headers.items()}
    now = time.time() if now is None else now
    if (value := _float(lower.get("retry-after-ms"))) is not None:
        return max(value / 1000.0, 0.0)
    if (wait := retry_after(lower, now=now)) is not None:
        return wait
    waits: list[float] = []
    for reset_key, remaining_key in _RESET_HEADERS:
        reset = lower.get(reset_key)
        if reset is None:
            continue
        remaining = _float(lower.get(remaining_key))
        if remaining is not None and remaining > 0:
            continue
        if (wait := _reset_wait(reset, now)) is not None:
            waits.append(wait)
    return max(waits) if waits else None


def _reset_wait(value: str, now: float) -> float | None:
    value = value.strip()
    if (seconds := _float(value)) is not None:
        return max(seconds, 0.0)
    parts = _GO_DURATION.findall(value)
    if parts and "".join(f"{number}{unit}" for number, unit in parts) == value:
        return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in parts)
    try:
        return max(datetime.fromisoformat(value).timestamp() - now, 0.0)
    except ValueError:
        return None


def parse_duration(value: object) -> float | None:
    """A protobuf ``Duration`` as JSON (``"37s"``, ``"0.5s"``), as Google's RetryInfo sends it."""
    if isinstance(value, str) and value.endswith("s"):
        seconds = _float(value[:-1])
        if seconds is not None:
            return max(seconds, 0.0)
    return None


def _float(value: object) -> float | None:
    if value is None:
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


# -- status → error ---------------------------------------------------------------------------
def error_for_status(
    provider: str,
    status: int,
    message: str,
    *,
    headers: Mapping[str, str] | None = None,
    quota_exhausted: bool = False,
    retry_after_s: float | None = None,
) -> ProviderError:
    """The one table from an HTTP status to our error classes.

    ``message`` must already be redacted. ``retry_after_s`` overrides the headers when the body
    says more precisely when to come back (Google's RetryInfo).
    """
    text = f"HTTP {status}: {message}" if message else f"HTTP {status}"
    if status == 402 or quota_exhausted:
        return ProviderQuotaExhausted(provider, text)
    if status in (401, 403):
        return ProviderAuthError(provider, text)
    if status == 429:
        wait = retry_after_s if retry_after_s is not None else retry_after_seconds(headers)
        return ProviderRateLimited(provider, text, retry_after_s=wait)
    if status == 408:
        return ProviderTimeout(provider, text)
    # 409 is a conflict with a concurrent change on the provider's side (Anthropic documents
    # it as retryable); 5xx includes Anthropic's 529 "overloaded".
    if status >= 500 or status == 409:
        return ProviderServerError(provider, text)
    if 400 <= status < 500:
        return ProviderBadRequest(provider, text)
    return ProviderBadResponse(provider, f"unexpected {text}")


# -- tokens -----------------------------------------------------------------------------------
def estimate_tokens(text: str) -> int:
    """A conservative offline token count for BPE tokenizers.

    ASCII text averages about four characters per token in GPT-4o/Claude/Gemini vocabularies;
    three is assumed. Every other code point (Hangul, CJK, accents, emoji) is counted as a whole
    token, which over-counts Korean by roughly a third. Over-counting only makes context
    trimming a little earlier; under-counting would overflow a context window.
    """
    if not text:
        return 0
    ascii_chars = len(text.encode("ascii", "ignore"))
    return math.ceil(ascii_chars / 3) + (len(text) - ascii_chars)


# -- structured answers -----------------------------------------------------------------------
def decode_structured(provider: str, text: str, *, truncated: bool) -> Any:
    """The JSON document of a structured answer, or a ``ProviderBadResponse`` (retryable: a
    second sample usually completes) when it was cut off or is not JSON."""
    if truncated:
        raise truncated_error(provider)
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ProviderBadResponse(
            provider, f"the structured answer is not valid JSON: {text[:200]!r}"
        ) from exc


def truncated_error(provider: str) -> ProviderTruncated:
    return ProviderTruncated(
        provider,
        "the structured answer was cut off at max_tokens; raise max_tokens or bound the "
        "schema (maxItems, maxLength)",
    )


def require_object_root(provider: str, schema: Mapping[str, Any]) -> None:
    """Tool inputs and strict schemas must describe an object: callers pass Pydantic models,
    whose schemas always are."""
    types = schema.get("type")
    if types != "object" and not (isinstance(types, list) and types == ["object"]):
        raise ProviderBadRequest(
            provider, "structured output needs a JSON schema whose root is an object"
        )


@dataclass(frozen=True, slots=True)
class Timer:
    started: float

    @classmethod
    def start(cls) -> Timer:
        return cls(time.perf_counter())

    def elapsed(self) -> float:
        return time.perf_counter() - self.started


def result(
    *,
    text: str,
    parsed: Any | None,
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    finish_reason: str | None,
    timer: Timer,
) -> CompletionResult:
    return CompletionResult(
        text=text,
        parsed=parsed,
        model=model,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        finish_reason=finish_reason,
        latency_s=timer.elapsed(),
    )


def as_int(value: object) -> int:
    """A usage counter from a response body; absent or malformed counts are zero."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return max(value, 0)
    if isinstance(value, float) and math.isfinite(value):
        return max(int(value), 0)
    return 0


# -- capabilities -----------------------------------------------------------------------------
def caps(context: int, output: int, *, json_schema: bool = True) -> Capabilities:
    """Shorthand for the capability tables."""
    return Capabilities(
        json_schema=json_schema, max_context_tokens=context, max_output_tokens=output
    )


def lookup_capabilities(
    model: str,
    table: Iterable[tuple[str, Capabilities]],
    default: Capabilities,
    overrides: Mapping[str, Capabilities] | None = None,
) -> Capabilities:
    """Capabilities of ``model``: an exact override, else the longest matching prefix (the
    table is keyed by family, so dated snapshots and new minor versions match), else the
    default for unknown models."""
    name = model.strip().lower()
    if overrides:
        lowered = {key.lower(): value for key, value in overrides.items()}
        if name in lowered:
            return lowered[name]
        table = [*lowered.items(), *table]
    best: tuple[int, Capabilities] | None = None
    for prefix, caps in table:
        if name.startswith(prefix.lower()) and (best is None or len(prefix) > best[0]):
            best = (len(prefix), caps)
    return best[1] if best else default
