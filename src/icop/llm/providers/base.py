"""The provider protocol: what the smart router needs from any LLM backend.

Every provider (the bundled local server, OpenAI, Anthropic, Gemini, Ollama, and the
deterministic fake used in tests) implements ``LLMProvider``. Providers translate one request
into their native API, enforce structured output with their native mechanism, and map every
failure to one of the ``ProviderError`` subclasses below, so that the router can decide between
retrying, falling back and giving up without knowing any vendor's error shapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class JsonSchema:
    """A JSON schema the answer must satisfy. ``name`` is what APIs that name schemas need
    (OpenAI's ``json_schema.name``, Anthropic's tool name): ``^[a-zA-Z0-9_-]{1,64}$``."""

    name: str
    schema: dict[str, Any]
    description: str | None = None


@dataclass(frozen=True, slots=True)
class CompletionRequest:
    model: str
    messages: list[Message]
    max_tokens: int = 512
    temperature: float = 0.2
    seed: int | None = None
    stop: list[str] = field(default_factory=list)
    json_schema: JsonSchema | None = None
    timeout_s: float = 120.0


@dataclass(frozen=True, slots=True)
class CompletionResult:
    text: str
    """The raw text; for structured requests, the JSON document as text."""
    parsed: Any | None
    """The decoded JSON for structured requests (not yet validated against the schema)."""
    model: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str | None
    latency_s: float


@dataclass(frozen=True, slots=True)
class Capabilities:
    json_schema: bool
    max_context_tokens: int
    max_output_tokens: int


class ProviderError(Exception):
    """Base of all provider failures. ``retryable`` tells the router whether the same
    candidate may be tried again after a backoff; otherwise it falls back at once."""

    retryable: bool = False

    def __init__(self, provider: str, message: str) -> None:
        super().__init__(f"{provider}: {message}")
        self.provider = provider
        self.message = message


class ProviderUnavailable(ProviderError):
    """Not configured (no key or host) or not reachable (connection refused, DNS)."""

    retryable = True


class ProviderAuthError(ProviderError):
    """The key was rejected (401/403). Retrying cannot help."""


class ProviderRateLimited(ProviderError):
    retryable = True

    def __init__(self, provider: str, message: str, retry_after_s: float | None) -> None:
        super().__init__(provider, message)
        self.retry_after_s = retry_after_s


class ProviderTimeout(ProviderError):
    retryable = True


class ProviderServerError(ProviderError):
    """5xx or an overloaded backend."""

    retryable = True


class ProviderBadRequest(ProviderError):
    """The provider refused this request (400/404/422: unknown model, too long a prompt …)."""


class ProviderBadResponse(ProviderError):
    """The provider answered 2xx with something we could not use (malformed JSON, no
    choices, a truncated structured answer)."""

    retryable = True


class ProviderTruncated(ProviderBadResponse):
    """A structured answer cut off at ``max_tokens``: the model, not the provider, ran long.
    The router retries it with more room rather than the same limit — unless the model was
    going round in a loop (``looping``), which more room only makes longer."""

    def __init__(self, provider: str, message: str, *, tail: str = "") -> None:
        super().__init__(provider, message)
        self.looping = is_looping(tail)


LOOP_DISTINCT_TRIGRAMS = 0.5
"""Fewer distinct word trigrams than this share of all of them in the last part of an answer
is a generation loop (prose, even repetitive prose, stays above 0.8)."""


def is_looping(text: str) -> bool:
    """Whether the end of a cut-off answer repeats itself: at least 60 words, and fewer than
    ``LOOP_DISTINCT_TRIGRAMS`` of their trigrams distinct."""
    words = re.findall(r"[^\W_]+", text.lower())
    if len(words) < 60:
        return False
    trigrams = list(zip(words, words[1:], words[2:], strict=False))
    return len(set(trigrams)) / len(trigrams) < LOOP_DISTINCT_TRIGRAMS


@runtime_checkable
class LLMProvider(Protocol):
    name: str

    def capabilities(self, model: str) -> Capabilities: ...

    def configured(self) -> bool:
        """True when keys/hosts are set; the router skips unconfigured providers."""
        ...

    async def complete(self, request: CompletionRequest) -> CompletionResult: ...

    async def count_tokens(self, model: str, text: str) -> int:
        """Tokens of ``text`` for ``model`` (exact where the provider can count, otherwise a
        conservative estimate)."""
        ...

    async def aclose(self) -> None: ...
