"""Google Gemini (the Gemini Developer API) through the official ``google-genai`` SDK.

Structured output sends the schema as ``responseJsonSchema`` (plain JSON Schema, Gemini 2.5 and
later) with ``responseMimeType: application/json``; the older ``responseSchema`` is an OpenAPI
subset that cannot express unions or ``$ref``. Token counts are exact, from ``countTokens``.

The SDK (3.x) speaks ``httpx2`` by default, or ``aiohttp`` when that happens to be installed.
This provider always hands it an ``httpx.AsyncClient`` (its own, or an injected one), which
makes the SDK use ``httpx``: one HTTP stack in the project, and respx sees every request.
The SDK does not retry when ``HttpRetryOptions(attempts=1)``: the router owns retries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from icop.kit.http import redact
from icop.llm.providers._common import (
    Timer,
    as_int,
    caps,
    decode_structured,
    error_for_status,
    estimate_tokens,
    lookup_capabilities,
    parse_duration,
    result,
)
from icop.llm.providers.base import (
    Capabilities,
    CompletionRequest,
    CompletionResult,
    ProviderAuthError,
    ProviderBadRequest,
    ProviderBadResponse,
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
)

DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com"
# v1beta is the version the REST reference documents responseJsonSchema under; the SDK's own
# default (v1) is overridable by GOOGLE_GENAI_API_VERSION, so it is always set explicitly.
DEFAULT_API_VERSION = "v1beta"

_CAPABILITIES: tuple[tuple[str, Capabilities], ...] = (
    # 2.5 and every family since have a 1M window and JSON Schema output.
    ("gemini-", caps(1_048_576, 65_536)),
    # responseJsonSchema needs 2.5 or later; these only know the OpenAPI-subset responseSchema.
    ("gemini-2.0", caps(1_048_576, 8_192, json_schema=False)),
    ("gemini-1.5-pro", caps(2_097_152, 8_192, json_schema=False)),
    ("gemini-1.5", caps(1_048_576, 8_192, json_schema=False)),
)
# Other models served by the API (e.g. Gemma): a modest window, no schema.
UNKNOWN_MODEL = caps(32_768, 8_192, json_schema=False)

_CONTENT_FILTER = {
    "SAFETY",
    "RECITATION",
    "BLOCKLIST",
    "PROHIBITED_CONTENT",
    "SPII",
    "IMAGE_SAFETY",
    "IMAGE_PROHIBITED_CONTENT",
}


class GeminiProvider:
    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str = DEFAULT_BASE_URL,
        api_version: str = DEFAULT_API_VERSION,
        timeout_s: float = 120.0,
        connect_timeout_s: float = 10.0,
        http_client: httpx.AsyncClient | None = None,
        models: Mapping[str, Capabilities] | None = None,
        name: str = "gemini",
    ) -> None:
        self.name = name
        self._api_key = api_key or None
        self._base_url = base_url.rstrip("/")
        self._timeout_s = timeout_s
        self._models = dict(models or {})
        self._owns_http = http_client is None
        self._http: httpx.AsyncClient | None = None
        self._client: genai.Client | None = None
        if self._api_key is not None:
            self._http = http_client or httpx.AsyncClient(
                timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s)
            )
            self._client = genai.Client(
                api_key=self._api_key,
                vertexai=False,
                http_options=types.HttpOptions(
                    base_url=self._base_url,
                    api_version=api_version,
                    timeout=int(timeout_s * 1000),
                    retry_options=types.HttpRetryOptions(attempts=1),
                    httpx_async_client=self._http,
                ),
            )

    # -- LLMProvider --------------------------------------------------------------------------
    def configured(self) -> bool:
        return self._api_key is not None

    def capabilities(self, model: str) -> Capabilities:
        return lookup_capabilities(
            model.removeprefix("models/"), _CAPABILITIES, UNKNOWN_MODEL, self._models
        )

    async def count_tokens(self, model: str, text: str) -> int:
        """Exact, from countTokens; the offline estimate without a key or when counting fails
        (a budget must not fail the call it is for)."""
        if self._client is None:
            return estimate_tokens(text)
        try:
            response = await self._client.aio.models.count_tokens(
                model=model,
                contents=text,
                config=types.CountTokensConfig(
                    http_options=types.HttpOptions(timeout=int(min(self._timeout_s, 30.0) * 1000))
                ),
            )
        except (genai_errors.APIError, httpx.HTTPError, ValueError):
            return estimate_tokens(text)
        total = response.total_tokens
        return total if isinstance(total, int) and total >= 0 else estimate_tokens(text)

    async def complete(self, request: CompletionRequest) -> CompletionResult:
        if self._client is None:
            raise ProviderUnavailable(self.name, "no API key configured")
        contents, config = self._build(request)
        timer = Timer.start()
        try:
            response = await self._client.aio.models.generate_content(
                model=request.model, contents=contents, config=config
            )
        except genai_errors.APIError as exc:
            raise self._map_api_error(exc) from exc
        except httpx.TimeoutException as exc:
            raise ProviderTimeout(self.name, "the request timed out") from exc
        except httpx.HTTPError as exc:
            cause = redact(repr(exc), self._api_key)
            raise ProviderUnavailable(self.name, f"cannot reach {self._base_url}: {cause}") from exc
        except ValueError as exc:
            # A 2xx body that is not JSON, or JSON the SDK's models reject.
            raise ProviderBadResponse(self.name, "the response body is malformed") from exc
        return self._parse(response, request, timer)

    async def aclose(self) -> None:
        if self._http is not None and self._owns_http:
            await self._http.aclose()

    # -- request ------------------------------------------------------------------------------
    def _build(
        self, request: CompletionRequest
    ) -> tuple[list[types.Content], types.GenerateContentConfig]:
        system = "\n\n".join(m.content for m in request.messages if m.role == "system")
        contents = [
            types.Content(
                role="model" if m.role == "assistant" else "user",
                parts=[types.Part(text=m.content)],
            )
            for m in request.messages
            if m.role != "system"
        ]
        config = types.GenerateContentConfig(
            system_instruction=system or None,
            max_output_tokens=request.max_tokens,
            temperature=request.temperature,
            seed=request.seed,
            stop_sequences=list(request.stop) or None,
            # The SDK turns this into the x-server-timeout header and the client deadline.
            http_options=types.HttpOptions(timeout=int(request.timeout_s * 1000)),
        )
        if request.json_schema is not None:
            config.response_mime_type = "application/json"
            config.response_json_schema = request.json_schema.schema
        return contents, config

    # -- response -----------------------------------------------------------------------------
    def _parse(
        self, response: types.GenerateContentResponse, request: CompletionRequest, timer: Timer
    ) -> CompletionResult:
        feedback = response.prompt_feedback
        if feedback is not None and feedback.block_reason is not None:
            raise ProviderBadRequest(
                self.name, f"the prompt was blocked ({_enum_name(feedback.block_reason)})"
            )
        if not response.candidates:
            raise ProviderBadResponse(self.name, "the response has no candidates")
        candidate = response.candidates[0]
        reason = _enum_name(candidate.finish_reason) if candidate.finish_reason else None
        if reason is None:
            finish_reason = None
        elif reason == "STOP":
            finish_reason = "stop"
        elif reason == "MAX_TOKENS":
            finish_reason = "length"
        elif reason in _CONTENT_FILTER:
            finish_reason = "content_filter"
        else:
            finish_reason = reason.lower()
        parts = candidate.content.parts if candidate.content and candidate.content.parts else []
        # Thought summaries (only sent when asked for) are not part of the answer.
        text = "".join(part.text for part in parts if part.text and not part.thought)
        if finish_reason == "content_filter" and not text:
            raise ProviderBadRequest(self.name, f"the answer was blocked ({reason})")

        parsed: Any | None = None
        if request.json_schema is not None:
            parsed = decode_structured(self.name, text, truncated=finish_reason == "length")

        usage = response.usage_metadata
        prompt_tokens = as_int(usage.prompt_token_count) if usage else 0
        # Thinking tokens are billed as output and count against max_output_tokens.
        completion_tokens = (
            as_int(usage.candidates_token_count) + as_int(usage.thoughts_token_count)
            if usage
            else 0
        )
        return result(
            text=text,
            parsed=parsed,
            model=response.model_version or request.model,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            finish_reason=finish_reason,
            timer=timer,
        )

    # -- errors -------------------------------------------------------------------------------
    def _map_api_error(self, exc: genai_errors.APIError) -> ProviderError:
        error = exc.details.get("error") if isinstance(exc.details, dict) else None
        error = error if isinstance(error, dict) else {}
        details = error.get("details")
        details = [d for d in details if isinstance(d, dict)] if isinstance(details, list) else []
        message = redact(str(exc.message or exc.status or ""), self._api_key)[:500]
        # Google answers an invalid key with 400 INVALID_ARGUMENT, not 401.
        if any(d.get("reason") == "API_KEY_INVALID" for d in details):
            return ProviderAuthError(self.name, f"HTTP {exc.code}: {message}")
        retry_after: float | None = None
        for detail in details:
            if str(detail.get("@type", "")).endswith("google.rpc.RetryInfo"):
                retry_after = parse_duration(detail.get("retryDelay"))
        response = exc.response
        headers = response.headers if isinstance(response, httpx.Response) else None
        return error_for_status(
            self.name, int(exc.code), message, headers=headers, retry_after_s=retry_after
        )


def _enum_name(value: object) -> str:
    return str(getattr(value, "value", value))
