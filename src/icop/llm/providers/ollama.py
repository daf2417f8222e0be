"""Ollama over plain HTTP: ``POST /api/chat`` (non-streaming), ``GET /api/tags``.

Ollama has no official async SDK worth a dependency and its API is small. Structured output
passes the JSON schema as ``format``, which Ollama compiles into a grammar for any model.
``num_ctx`` is always sent: without it Ollama silently truncates prompts to its small default
window, so the window we ask for is the one ``capabilities`` reports.

Choosing between sizes of a family (the seed's Qwen 2.5 7B vs 14B) is a routing rule, not
something this provider knows about.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from icop.kit.http import error_message, error_text, redact
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

DEFAULT_NUM_CTX = 8_192

# Native context windows of common families (output is bounded by the window).
_CAPABILITIES: tuple[tuple[str, Capabilities], ...] = (
    ("qwen2.5", caps(32_768, 8_192)),
    ("qwen3", caps(40_960, 8_192)),
    ("llama3.1", caps(131_072, 8_192)),
    ("llama3.2", caps(131_072, 8_192)),
    ("llama3.3", caps(131_072, 8_192)),
    ("gemma3", caps(131_072, 8_192)),
    ("mistral", caps(32_768, 8_192)),
    ("phi4", caps(16_384, 4_096)),
)
UNKNOWN_MODEL = caps(4_096, 2_048)


class OllamaProvider:
    """``base_url`` None means not configured. ``api_key`` is only for an Ollama behind an
    authenticating proxy (or a hosted one): it is sent as a bearer token."""

    def __init__(
        self,
        *,
        base_url: str | None,
        api_key: str | None = None,
        timeout_s: float = 120.0,
        connect_timeout_s: float = 5.0,
        num_ctx: int = DEFAULT_NUM_CTX,
        keep_alive: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        models: Mapping[str, Capabilities] | None = None,
        name: str = "ollama",
    ) -> None:
        self.name = name
        self._base_url = base_url.rstrip("/") if base_url else None
        self._api_key = api_key or None
        self._timeout_s = timeout_s
        self._connect_timeout_s = connect_timeout_s
        self._num_ctx = num_ctx
        self._keep_alive = keep_alive
        self._models = dict(models or {})
        self._owns_http = http_client is None
        # A local server either answers a connection at once or is not running.
        self._http = http_client or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s)
        )

    # -- LLMProvider --------------------------------------------------------------------------
    def configured(self) -> bool:
        return self._base_url is not None

    def capabilities(self, model: str) -> Capabilities:
        family = lookup_capabilities(model, _CAPABILITIES, UNKNOWN_MODEL, self._models)
        window = min(family.max_context_tokens, self._num_ctx)
        return Capabilities(
            json_schema=family.json_schema,
            max_context_tokens=window,
            max_output_tokens=min(family.max_output_tokens, window),
        )

    async def count_tokens(self, model: str, text: str) -> int:
        # Ollama exposes no tokenizer endpoint.
        return estimate_tokens(text)

    async def complete(self, request: CompletionRequest) -> CompletionResult:
        options: dict[str, Any] = {
            "num_predict": request.max_tokens,
            "temperature": request.temperature,
            "num_ctx": self._num_ctx,
        }
        if request.seed is not None:
            options["seed"] = request.seed
        if request.stop:
            options["stop"] = list(request.stop)
        body: dict[str, Any] = {
            "model": request.model,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "stream": False,
            "options": options,
        }
        if request.json_schema is not None:
            body["format"] = request.json_schema.schema
        if self._keep_alive is not None:
            body["keep_alive"] = self._keep_alive
        timer = Timer.start()
        payload = await self._request("POST", "/api/chat", json=body, timeout_s=request.timeout_s)
        return self._parse(payload, request, timer)

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    # -- availability -------------------------------------------------------------------------
    async def list_models(self) -> list[str]:
        """Names of the locally pulled models (``qwen2.5:7b`` …)."""
        payload = await self._request("GET", "/api/tags", timeout_s=min(self._timeout_s, 10.0))
        models = payload.get("models")
        if not isinstance(models, list):
            raise ProviderBadResponse(self.name, "/api/tags has no models list")
        return [
            str(entry.get("name") or entry.get("model"))
            for entry in models
            if isinstance(entry, dict) and (entry.get("name") or entry.get("model"))
        ]

    async def available(self, model: str) -> bool:
        """Whether the server answers and has ``model`` pulled (an untagged name means
        ``:latest``, as in Ollama itself)."""
        try:
            names = await self.list_models()
        except ProviderError:
            return False
        wanted = model if ":" in model else f"{model}:latest"
        return wanted in names

    # -- transport ----------------------------------------------------------------------------
    async def _request(
        self, method: str, path: str, *, timeout_s: float, json: object | None = None
    ) -> dict[str, Any]:
        if self._base_url is None:
            raise ProviderUnavailable(self.name, "no Ollama host configured")
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        url = f"{self._base_url}{path}"
        try:
            response = await self._http.request(
                method,
                url,
                json=json,
                headers=headers,
                timeout=httpx.Timeout(timeout_s, connect=self._connect_timeout_s),
            )
        except httpx.TimeoutException as exc:
            raise ProviderTimeout(self.name, f"{path} timed out") from exc
        except httpx.HTTPError as exc:
            cause = redact(repr(exc), self._api_key)
            raise ProviderUnavailable(self.name, f"cannot reach {self._base_url}: {cause}") from exc
        if response.status_code >= 400:
            message = error_text(response, secrets=(self._api_key,))
            raise error_for_status(
                self.name, response.status_code, message, headers=response.headers
            )
        try:
            payload = response.json()
        except ValueError as exc:
            raise ProviderBadResponse(self.name, f"{path} answered with invalid JSON") from exc
        if not isinstance(payload, dict):
            raise ProviderBadResponse(self.name, f"{path} answered with a non-object")
        return payload

    # -- response -----------------------------------------------------------------------------
    def _parse(
        self, payload: dict[str, Any], request: CompletionRequest, timer: Timer
    ) -> CompletionResult:
        if "error" in payload:
            raise ProviderBadRequest(self.name, error_message(payload, secrets=(self._api_key,)))
        message = payload.get("message")
        if not isinstance(message, dict) or not isinstance(message.get("content"), str):
            raise ProviderBadResponse(self.name, "the chat answer has no message content")
        text = message["content"]
        done_reason = payload.get("done_reason")
        finish_reason = str(done_reason) if done_reason else None

        parsed: Any | None = None
        if request.json_schema is not None:
            parsed = decode_structured(self.name, text, truncated=finish_reason == "length")
        # Ollama leaves prompt_eval_count out when the whole prompt came from its KV cache;
        # the ledger then gets an estimate rather than zero.
        if "prompt_eval_count" in payload:
            prompt_tokens = as_int(payload.get("prompt_eval_count"))
        else:
            prompt_tokens = sum(estimate_tokens(m.content) for m in request.messages)
        return result(
            text=text,
            parsed=parsed,
            model=str(payload.get("model") or request.model),
            prompt_tokens=prompt_tokens,
            completion_tokens=as_int(payload.get("eval_count")),
            finish_reason=finish_reason,
            timer=timer,
        )
