"""OpenAI (and OpenAI-compatible servers) through the official SDK's Chat Completions API.

Structured output uses ``response_format: json_schema`` with ``strict: true``: the schema is
rewritten into the strict subset first (see ``_strict_schema``). The SDK never retries
(``max_retries=0``): retries, backoff and fallback belong to the router, which needs to see every
failure. Responses are read through ``with_raw_response`` and decoded here, because the SDK's
lenient model construction turns an HTML error page or ``{}`` into an object whose fields are
silently ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import httpx
import openai

from icop.kit.http import error_text, redact
from icop.llm.providers._common import (
    Timer,
    as_int,
    caps,
    decode_structured,
    error_for_status,
    estimate_tokens,
    lookup_capabilities,
    result,
)
from icop.llm.providers._strict_schema import StrictSchemaError, to_strict_schema
from icop.llm.providers.base import (
    Capabilities,
    CompletionRequest,
    CompletionResult,
    ProviderBadRequest,
    ProviderBadResponse,
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
# The SDK refuses to start without a key; OpenAI-compatible servers on a private network
# (llama.cpp, vLLM) usually need none, and ignore the bearer token.
_KEYLESS_PLACEHOLDER = "no-key-required"

# Reasoning families reject ``temperature`` other than the default and ``stop``.
_REASONING_PREFIXES = ("o1", "o3", "o4", "gpt-5")

# Documented limits per family (context window, max output); longest prefix wins.
_CAPABILITIES: tuple[tuple[str, Capabilities], ...] = (
    ("gpt-5", caps(400_000, 128_000)),
    ("gpt-4.1", caps(1_047_576, 32_768)),
    ("gpt-4o", caps(128_000, 16_384)),
    ("o1", caps(200_000, 100_000)),
    ("o3", caps(200_000, 100_000)),
    ("o4-mini", caps(200_000, 100_000)),
    # Strict json_schema arrived with gpt-4o-2024-08-06; older families only have JSON mode.
    ("gpt-4-turbo", caps(128_000, 4_096, json_schema=False)),
    ("gpt-4", caps(8_192, 8_192, json_schema=False)),
    ("gpt-3.5-turbo", caps(16_385, 4_096, json_schema=False)),
)
# Unknown models (new families, or whatever an OpenAI-compatible server hosts): assume a small
# window and no schema support until the configuration says otherwise via ``models=``.
UNKNOWN_MODEL = caps(8_192, 4_096, json_schema=False)

MaxTokensParam = Literal["max_completion_tokens", "max_tokens"]


class OpenAIProvider:
    """``api_key`` None with the official ``base_url`` means not configured; a custom
    ``base_url`` (an OpenAI-compatible server) may run without a key."""

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str = DEFAULT_BASE_URL,
        timeout_s: float = 120.0,
        connect_timeout_s: float = 10.0,
        organization: str | None = None,
        project: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        models: Mapping[str, Capabilities] | None = None,
        max_tokens_param: MaxTokensParam | None = None,
        name: str = "openai",
    ) -> None:
        self.name = name
        self._api_key = api_key or None
        self._base_url = base_url.rstrip("/")
        self._official = self._base_url == DEFAULT_BASE_URL
        self._connect_timeout_s = connect_timeout_s
        self._models = dict(models or {})
        # OpenAI deprecated ``max_tokens`` (reasoning models reject it); many compatible servers
        # only know ``max_tokens``.
        self._max_tokens_param: MaxTokensParam = max_tokens_param or (
            "max_completion_tokens" if self._official else "max_tokens"
        )
        self._owns_http = http_client is None
        self._client: openai.AsyncOpenAI | None = None
        if self.configured():
            self._client = openai.AsyncOpenAI(
                api_key=self._api_key or _KEYLESS_PLACEHOLDER,
                organization=organization,
                project=project,
                base_url=self._base_url,
                timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s),
                max_retries=0,
                http_client=http_client,
            )
            # The SDK fills a None organization/project from OPENAI_ORG_ID/OPENAI_PROJECT_ID;
            # settings or the tenant's vault are the only source here, so a process-wide
            # variable cannot bill a tenant's calls to another organization.
            self._client.organization = organization
            self._client.project = project

    # -- LLMProvider --------------------------------------------------------------------------
    def configured(self) -> bool:
        return self._api_key is not None or not self._official

    def capabilities(self, model: str) -> Capabilities:
        return lookup_capabilities(model, _CAPABILITIES, UNKNOWN_MODEL, self._models)

    async def count_tokens(self, model: str, text: str) -> int:
        # No cheap exact endpoint for chat input, and tiktoken would download its encodings at
        # run time: a conservative estimate keeps budgets safe offline.
        return estimate_tokens(text)

    async def complete(self, request: CompletionRequest) -> CompletionResult:
        client = self._require_client()
        body = self._build_body(request)
        timer = Timer.start()
        try:
            raw = await client.chat.completions.with_raw_response.create(
                **body, timeout=httpx.Timeout(request.timeout_s, connect=self._connect_timeout_s)
            )
        except openai.APIError as exc:
            raise self._map_error(exc) from exc
        try:
            payload = raw.http_response.json()
        except ValueError as exc:
            raise ProviderBadResponse(self.name, "the completion body is not JSON") from exc
        return self._parse(payload, request, timer)

    async def aclose(self) -> None:
        if self._client is not None and self._owns_http:
            await self._client.close()

    # -- request ------------------------------------------------------------------------------
    def _require_client(self) -> openai.AsyncOpenAI:
        if self._client is None:
            raise ProviderUnavailable(self.name, "no API key configured")
        return self._client

    def _build_body(self, request: CompletionRequest) -> dict[str, Any]:
        reasoning = request.model.lower().startswith(_REASONING_PREFIXES)
        body: dict[str, Any] = {
            "model": request.model,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            self._max_tokens_param: request.max_tokens,
        }
        if not reasoning:
            body["temperature"] = request.temperature
            if request.stop:
                body["stop"] = list(request.stop)
        if request.seed is not None:
            body["seed"] = request.seed
        if request.json_schema is not None:
            try:
                strict = to_strict_schema(request.json_schema.schema)
            except StrictSchemaError as exc:
                raise ProviderBadRequest(
                    self.name, f"schema {request.json_schema.name!r} cannot be strict: {exc}"
                ) from exc
            spec: dict[str, Any] = {
                "name": request.json_schema.name,
                "schema": strict,
                "strict": True,
            }
            if request.json_schema.description:
                spec["description"] = request.json_schema.description
            body["response_format"] = {"type": "json_schema", "json_schema": spec}
        return body

    # -- response -----------------------------------------------------------------------------
    def _parse(self, payload: object, request: CompletionRequest, timer: Timer) -> CompletionResult:
        if not isinstance(payload, dict):
            raise ProviderBadResponse(self.name, "the completion body is not a JSON object")
        choices = payload.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise ProviderBadResponse(self.name, "the completion has no choices")
        choice = choices[0]
        message = choice.get("message")
        if not isinstance(message, dict):
            raise ProviderBadResponse(self.name, "the completion's choice has no message")
        finish = choice.get("finish_reason")
        finish_reason = str(finish) if finish is not None else None
        content = message.get("content")
        text = content if isinstance(content, str) else ""
        refusal = message.get("refusal")
        if refusal:
            # Structured Outputs report a safety refusal here instead of schema-shaped JSON.
            raise ProviderBadRequest(self.name, f"the model refused: {str(refusal)[:200]}")
        if finish_reason == "content_filter" and not text:
            raise ProviderBadRequest(self.name, "the answer was withheld by the content filter")

        parsed: Any | None = None
        if request.json_schema is not None:
            parsed = decode_structured(self.name, text, truncated=finish_reason == "length")

        usage = payload.get("usage")
        if isinstance(usage, dict):
            prompt_tokens = as_int(usage.get("prompt_tokens"))
            completion_tokens = as_int(usage.get("completion_tokens"))
        else:
            # Some compatible servers omit usage; the cost ledger is better served by an
            # over-estimate than by zero.
            prompt_tokens = sum(estimate_tokens(m.content) for m in request.messages)
            completion_tokens = estimate_tokens(text)
        return result(
            text=text,
            parsed=parsed,
            model=str(payload.get("model") or request.model),
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            finish_reason=finish_reason,
            timer=timer,
        )

    # -- errors -------------------------------------------------------------------------------
    def _map_error(self, exc: openai.APIError) -> ProviderError:
        if isinstance(exc, openai.APITimeoutError):
            return ProviderTimeout(self.name, "the request timed out")
        if isinstance(exc, openai.APIConnectionError):
            cause = redact(repr(exc.__cause__ or exc), self._api_key)
            return ProviderUnavailable(self.name, f"cannot reach {self._base_url}: {cause}")
        if isinstance(exc, openai.APIStatusError):
            body = exc.body
            message = error_text(exc.response, secrets=(self._api_key,))
            code = body.get("code") if isinstance(body, dict) else None
            return error_for_status(
                self.name,
                exc.status_code,
                message,
                headers=exc.response.headers,
                quota_exhausted=code == "insufficient_quota",
            )
        return ProviderBadResponse(self.name, redact(str(exc), self._api_key)[:300])
