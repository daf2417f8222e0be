"""Errors of the embedded local LLM runtime, inside the project's one hierarchy so the gateway and
the CLI render them like every other failure."""

from __future__ import annotations

from icop.errors import ConfigurationError, ICOPError, ServiceUnavailable


class LocalLLMError(ICOPError):
    """Base of everything the local runtime raises on purpose."""

    status = 503
    code = "local_llm_error"
    title = "The local language model failed"


class ModelNotFound(LocalLLMError, ConfigurationError):
    status = 500
    code = "local_model_not_found"
    title = "Unknown local model"


class ModelUnavailable(LocalLLMError, ConfigurationError):
    """The model's parts are neither installed nor fetchable (offline, no installer)."""

    status = 500
    code = "local_model_unavailable"
    title = "The local model's files are not available"


class ModelIntegrityError(LocalLLMError, ConfigurationError):
    """Assembled bytes do not match the pinned sha256: a changed upload or a corrupt download."""

    status = 500
    code = "local_model_integrity"
    title = "The local model failed its integrity check"


class ServerStartError(LocalLLMError, ServiceUnavailable):
    code = "local_llm_start_failed"
    title = "The local LLM server did not start"


class ServerConflict(LocalLLMError, ServiceUnavailable):
    """A server is running under this home with another model or slot layout."""

    code = "local_llm_conflict"
    title = "Another local LLM server is running"


class ServerUnavailable(LocalLLMError, ServiceUnavailable):
    code = "local_llm_unavailable"
    title = "The local LLM server is not reachable"


class LLMTimeout(LocalLLMError, ServiceUnavailable):
    status = 504
    code = "local_llm_timeout"
    title = "The local LLM did not answer in time"


class BadResponse(LocalLLMError):
    """The server answered, but not with what the protocol (or the requested schema) promises."""

    status = 502
    code = "local_llm_bad_response"
    title = "The local LLM answered with an unusable response"


class TruncatedAnswer(BadResponse):
    """A structured answer cut off at ``max_tokens`` (finish_reason "length")."""


class ContextLengthExceeded(BadResponse):
    """The prompt (plus max_tokens) does not fit a slot's context: trim, or use a larger model."""

    status = 413
    code = "local_llm_context_exceeded"
    title = "The prompt does not fit the local model's context"
