"""Anthropic through the official SDK's Messages API.

System messages go into the top-level ``system`` field (the API has no system role). Structured
output is forced tool use: one tool whose ``input_schema`` is the schema and
``tool_choice={"type": "tool", "name": …}``, so the answer arrives as the ``tool_use`` block's
already-decoded ``input``. Token counts are exact, from the free ``/v1/messages/count_tokens``.

The SDK is pinned to 0.x: from 1.0 on it is built on ``httpx2``, which respx cannot intercept
and which cannot share the project's ``httpx`` client.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import anthropic
import httpx

from icop.kit.http import error_text, redact
from icop.llm.providers._common import (
    Timer,
    as_int,
    caps,
    error_for_status,
    estimate_tokens,
    lookup_capabilities,
    require_object_root,
    result,
    truncated_error,
)
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

DEFAULT_BASE_URL = "https://api.anthropic.com"

# Every Claude model since Claude 3 has a 200k window and tool use; outputs differ by family.
_CAPABILITIES: tuple[tuple[str, Capabilities], ...] = (
    ("claude-opus-4-0", caps(200_000, 32_000)),
    ("claude-opus-4-1", caps(200_000, 32_000)),
    ("claude-opus-4-2025", caps(200_000, 32_000)),
    ("claude-opus-", caps(200_000, 64_000)),
    ("claude-sonnet-", caps(200_000, 64_000)),
    ("claude-haiku-", caps(200_000, 64_000)),
    ("claude-3-7-sonnet", caps(200_000, 64_000)),
    ("claude-3-5-", caps(200_000, 8_192)),
    ("claude-3-", caps(200_000, 4_096)),
)
UNKNOWN_MODEL = caps(200_000, 4_096)

# stop_reason → the OpenAI-style vocabulary every provider reports, so the router can test
# ``finish_reason == "length"`` without knowing vendors.
_FINISH = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "tool_use": "stop",
    "pause_turn": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "refusal": "content_filter",
}
_DEFAULT_TOOL_DESCRIPTION = "Return the complete answer as the input of this tool."


class AnthropicProvider:
    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str = DEFAULT_BASE_URL,
        timeout_s: float = 120.0,
        connect_timeout_s: float = 10.0,
        http_client: httpx.AsyncClient | None = None,
        models: Mapping[str, Capabilities] | None = None,
        name: str = "anthropic",
    ) -> None:
        self.name = name
        self._api_key = api_key or None
        self._base_url = base_url.rstrip("/")
        self._timeout_s = timeout_s
        self._connect_timeout_s = connect_timeout_s
        self._models = dict(models or {})
        self._owns_http = http_client is None
        self._client: anthropic.AsyncAnthropic | None = None
        if self._api_key is not None:
            # An explicit api_key also stops the SDK from reading ANTHROPIC_* credentials.
            self._client = anthropic.AsyncAnthropic(
                api_key=self._api_key,
                base_url=self._base_url,
                timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s),
                max_retries=0,
                http_client=http_client,
            )

    # -- LLMProvider --------------------------------------------------------------------------
    def configured(self) -> bool:
        return self._api_key is not None

    def capabilities(self, model: str) -> Capabilities:
        return lookup_capabilities(model, _CAPABILITIES, UNKNOWN_MODEL, self._models)

    async def count_tokens(self, model: str, text: str) -> int:
        """Exact, from the count_tokens endpoint (the count includes the few tokens that wrap a
        user turn). Budgets must not fail a call: without a key, or when counting fails, the
        offline estimate is returned instead."""
        if self._client is None:
            return estimate_tokens(text)
        try:
            raw = await self._client.messages.with_raw_response.count_tokens(
                model=model,
                messages=[{"role": "user", "content": text}],
                timeout=min(self._timeout_s, 30.0),
            )
            payload = raw.http_response.json()
        except (anthropic.APIError, ValueError):
            return estimate_tokens(text)
        tokens = payload.get("input_tokens") if isinstance(payload, dict) else None
        return tokens if isinstance(tokens, int) and tokens >= 0 else estimate_tokens(text)

    async def complete(self, request: CompletionRequest) -> CompletionResult:
        if self._client is None:
            raise ProviderUnavailable(self.name, "no API key configured")
        body = self._build_body(request)
        timer = Timer.start()
        try:
            raw = await self._client.messages.with_raw_response.create(
                **body, timeout=httpx.Timeout(request.timeout_s, connect=self._connect_timeout_s)
            )
        except anthropic.APIError as exc:
            raise self._map_error(exc) from exc
        try:
            payload = raw.http_response.json()
        except ValueError as exc:
            raise ProviderBadResponse(self.name, "the message body is not JSON") from exc
        return self._parse(payload, request, timer)

    async def aclose(self) -> None:
        if self._client is not None and self._owns_http:
            await self._client.close()

    # -- request ------------------------------------------------------------------------------
    def _build_body(self, request: CompletionRequest) -> dict[str, Any]:
        system = "\n\n".join(m.content for m in request.messages if m.role == "system")
        body: dict[str, Any] = {
            "model": request.model,
            "max_tokens": request.max_tokens,
            "messages": [
                {"role": m.role, "content": m.content}
                for m in request.messages
                if m.role != "system"
            ],
            # Anthropic's range is 0..1 where OpenAI's is 0..2: clamp rather than have a
            # temperature tuned for another candidate fail the fallback.
            "temperature": min(max(request.temperature, 0.0), 1.0),
        }
        # The Messages API has no seed: requests are not reproducible here.
        if system:
            body["system"] = system
        if request.stop:
            body["stop_sequences"] = list(request.stop)
        if request.json_schema is not None:
            require_object_root(self.name, request.json_schema.schema)
            body["tools"] = [
                {
                    "name": request.json_schema.name,
                    "description": request.json_schema.description or _DEFAULT_TOOL_DESCRIPTION,
                    "input_schema": request.json_schema.schema,
                }
            ]
            body["tool_choice"] = {"type": "tool", "name": request.json_schema.name}
        return body

    # -- response -----------------------------------------------------------------------------
    def _parse(self, payload: object, request: CompletionRequest, timer: Timer) -> CompletionResult:
        if not isinstance(payload, dict) or not isinstance(payload.get("content"), list):
            raise ProviderBadResponse(self.name, "the message has no content list")
        blocks = [block for block in payload["content"] if isinstance(block, dict)]
        stop_reason = payload.get("stop_reason")
        finish_reason = _FINISH.get(str(stop_reason), str(stop_reason)) if stop_reason else None

        parsed: Any | None = None
        if request.json_schema is not None:
            tool = next(
                (
                    block
                    for block in blocks
                    if block.get("type") == "tool_use"
                    and block.get("name") == request.json_schema.name
                ),
                None,
            )
            if finish_reason == "content_filter":
                raise ProviderBadRequest(self.name, "the model refused to answer")
            if finish_reason == "length":
                # A forced tool call cut off by max_tokens carries a partial input, if any.
                raise truncated_error(self.name)
            if tool is None:
                raise ProviderBadResponse(self.name, "the answer has no tool_use block")
            parsed = tool.get("input")
            if not isinstance(parsed, dict):
                raise ProviderBadResponse(self.name, "the tool_use input is not an object")
            text = json.dumps(parsed, ensure_ascii=False)
        else:
            text = "".join(
                str(block.get("text", "")) for block in blocks if block.get("type") == "text"
            )
            if finish_reason == "content_filter" and not text:
                raise ProviderBadRequest(self.name, "the model refused to answer")

        usage = payload.get("usage")
        usage = usage if isinstance(usage, dict) else {}
        # Cache writes and reads are input too (priced differently); counting them keeps the
        # context accounting whole if prompt caching is ever turned on.
        prompt_tokens = (
            as_int(usage.get("input_tokens"))
            + as_int(usage.get("cache_creation_input_tokens"))
            + as_int(usage.get("cache_read_input_tokens"))
        )
        return result(
            text=text,
            parsed=parsed,
            model=str(payload.get("model") or request.model),
            prompt_tokens=prompt_tokens,
            completion_tokens=as_int(usage.get("output_tokens")),
            finish_reason=finish_reason,
            timer=timer,
        )

    # -- errors -------------------------------------------------------------------------------
    def _map_error(self, exc: anthropic.APIError) -> ProviderError:
        if isinstance(exc, anthropic.APITimeoutError):
            return ProviderTimeout(self.name, "the request timed out")
        if isinstance(exc, anthropic.APIConnectionError):
            cause = redact(repr(exc.__cause__ or exc), self._api_key)
            return ProviderUnavailable(self.name, f"cannot reach {self._base_url}: {cause}")
        if isinstance(exc, anthropic.APIStatusError):
            body = exc.body
            error = body.get("error") if isinstance(body, dict) else None
            details = error.get("details") if isinstance(error, dict) else None
            spend_cap = (
                isinstance(details, dict)
                and details.get("error_code") == "enforced_spend_limit_reached"
            )
            return error_for_status(
                self.name,
                exc.status_code,
                error_text(exc.response, secrets=(self._api_key,)),
                headers=exc.response.headers,
                quota_exhausted=spend_cap,
            )
        return ProviderBadResponse(self.name, redact(str(exc), self._api_key)[:300])
