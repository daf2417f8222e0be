"""A small async client for the local llama.cpp server's OpenAI-compatible API.

It speaks plain HTTP (httpx) rather than the OpenAI SDK: the server's extra fields (``timings``,
``/tokenize``, ``/props``) matter here, and failures are mapped to our typed errors in one place.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, Protocol, TypedDict

import httpx

from icop.llm.local.errors import (
    BadResponse,
    ContextLengthExceeded,
    LLMTimeout,
    ServerUnavailable,
    TruncatedAnswer,
)


class ChatMessage(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True, slots=True)
class Timing:
    wall_s: float  # as the caller saw it, queueing for a free slot included
    prompt_ms: float | None  # server-side prompt processing
    generation_ms: float | None  # server-side decoding of the completion
    # Speculative decoding (ServerConfig.speculative): tokens drafted and how many were kept.
    drafted: int = 0
    draft_accepted: int = 0


@dataclass(frozen=True, slots=True)
class ChatResult:
    text: str
    finish_reason: str | None
    model: str
    usage: Usage
    timing: Timing

    @property
    def tokens_per_s(self) -> float | None:
        """Decode speed of this request (server clock); slots share the cores, so it drops
        while other requests decode at the same time."""
        if not self.timing.generation_ms:
            return None
        return self.usage.completion_tokens / (self.timing.generation_ms / 1000.0)


@dataclass(frozen=True, slots=True)
class StructuredResult:
    data: Any
    result: ChatResult


@dataclass(frozen=True, slots=True)
class TokenCount:
    tokens: int
    exact: bool  # False: the server had no /tokenize and this is a byte-based upper estimate


@dataclass(frozen=True, slots=True)
class ServerInfo:
    model: str
    ctx_per_slot: int
    slots: int


class EndpointSource(Protocol):
    """Where the server is. ``LocalServer`` implements it with a lazy start."""

    async def endpoint(self) -> tuple[str, str | None]: ...

    def invalidate(self) -> None: ...


@dataclass(frozen=True)
class StaticEndpoint:
    base_url: str
    api_key: str | None = None

    async def endpoint(self) -> tuple[str, str | None]:
        return self.base_url.rstrip("/"), self.api_key

    def invalidate(self) -> None:
        return None


class LocalLLMClient:
    def __init__(
        self,
        source: EndpointSource | str,
        *,
        timeout_s: float = 600.0,
        connect_timeout_s: float = 5.0,
        max_connections: int = 32,
    ) -> None:
        self._source: EndpointSource = StaticEndpoint(source) if isinstance(source, str) else source
        # Generation on CPU is slow and requests queue for a free slot: the read timeout is the
        # whole answer's budget; connecting, however, must be quick or the server is not there.
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s),
            limits=httpx.Limits(max_connections=max_connections),
        )

    async def __aenter__(self) -> LocalLLMClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- public API ---------------------------------------------------------------------------
    async def chat(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int = 512,
        temperature: float = 0.7,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
        top_p: float | None = None,
        response_format: Mapping[str, Any] | None = None,
        sampling: Mapping[str, Any] | None = None,
    ) -> ChatResult:
        """``sampling``: llama.cpp's own sampler fields (``dry_multiplier``,
        ``repeat_penalty`` …), sent as they are."""
        body: dict[str, Any] = {
            **(sampling or {}),
            "messages": list(messages),
            "max_tokens": max_tokens,
            "temperature": temperature,
        }
        if seed is not None:
            body["seed"] = seed
        if stop:
            body["stop"] = list(stop)
        if top_p is not None:
            body["top_p"] = top_p
        if response_format is not None:
            body["response_format"] = dict(response_format)
        started = time.perf_counter()
        payload = await self._post_json("/v1/chat/completions", body)
        return _parse_chat(payload, time.perf_counter() - started)

    async def chat_json(
        self,
        messages: Sequence[ChatMessage],
        schema: Mapping[str, Any],
        *,
        name: str = "answer",
        max_tokens: int = 512,
        temperature: float = 0.2,
        seed: int | None = None,
    ) -> StructuredResult:
        """An answer constrained by llama.cpp's grammar to ``schema``, parsed.

        Bound the schema (``maxLength``, ``maxItems``): the grammar forces valid JSON, but a small
        model can fill an unbounded array until ``max_tokens`` cuts it off mid-document.
        """
        result = await self.chat(
            messages,
            max_tokens=max_tokens,
            temperature=temperature,
            seed=seed,
            response_format={
                "type": "json_schema",
                "json_schema": {"name": name, "schema": dict(schema), "strict": True},
            },
        )
        if result.finish_reason == "length":
            raise TruncatedAnswer(
                f"the structured answer was cut off at max_tokens={max_tokens}; "
                "raise max_tokens or bound the schema",
                text=result.text[-1500:],
            )
        try:
            data = json.loads(result.text)
        except ValueError as exc:
            raise BadResponse("the structured answer is not JSON", text=result.text[-500:]) from exc
        return StructuredResult(data=data, result=result)

    async def count_tokens(self, text: str) -> TokenCount:
        try:
            payload = await self._post_json("/tokenize", {"content": text, "add_special": False})
        except BadResponse as exc:
            if exc.extra.get("status") not in (404, 501):
                raise
            # Not a llama.cpp server, so not its tokenizer: err on the high side (English BPE
            # tokens average 3-4 bytes) so budgets computed from it stay safe.
            return TokenCount(tokens=math.ceil(len(text.encode()) / 2), exact=False)
        tokens = payload.get("tokens")
        if not isinstance(tokens, list):
            raise BadResponse("/tokenize answered without a token list")
        return TokenCount(tokens=len(tokens), exact=True)

    async def health(self) -> bool:
        try:
            response = await self._request(lambda base, headers: self._http.get(f"{base}/health"))
        except (ServerUnavailable, LLMTimeout):
            return False
        return response.status_code == 200

    async def server_info(self) -> ServerInfo:
        payload = await self._request_json(
            lambda base, headers: self._http.get(f"{base}/props", headers=headers)
        )
        try:
            settings = payload["default_generation_settings"]
            return ServerInfo(
                model=str(payload.get("model_alias") or payload.get("model_path") or ""),
                ctx_per_slot=int(settings["n_ctx"]),
                slots=int(payload["total_slots"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BadResponse("/props is missing n_ctx or total_slots") from exc

    # -- transport ----------------------------------------------------------------------------
    async def _post_json(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return await self._request_json(
            lambda base, headers: self._http.post(f"{base}{path}", json=body, headers=headers)
        )

    async def _request_json(
        self, send: Callable[[str, dict[str, str]], Awaitable[httpx.Response]]
    ) -> dict[str, Any]:
        response = await self._request(send)
        if response.status_code >= 400:
            raise _http_error(response)
        try:
            payload = response.json()
        except ValueError as exc:
            raise BadResponse("the server answered with invalid JSON") from exc
        if not isinstance(payload, dict):
            raise BadResponse("the server answered with a JSON value that is not an object")
        return payload

    async def _request(
        self, send: Callable[[str, dict[str, str]], Awaitable[httpx.Response]]
    ) -> httpx.Response:
        # A refused connection means the request never reached the server, so one retry after
        # re-resolving the endpoint is safe: it restarts a lazily started server that died.
        for attempt in (1, 2):
            base_url, api_key = await self._source.endpoint()
            headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
            try:
                return await send(base_url, headers)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                self._source.invalidate()
                if attempt == 2:
                    raise ServerUnavailable(f"cannot connect to {base_url}: {exc}") from exc
            except httpx.TimeoutException as exc:
                raise LLMTimeout(f"{base_url} did not answer in time ({exc!r})") from exc
            except httpx.HTTPError as exc:
                raise ServerUnavailable(f"{base_url} failed mid-request: {exc!r}") from exc
        raise AssertionError("unreachable")


def _http_error(response: httpx.Response) -> Exception:
    try:
        error = response.json().get("error", {})
    except ValueError:
        error = {}
    if not isinstance(error, dict):
        error = {"message": str(error)}
    message = str(error.get("message") or response.text[:300])
    if response.status_code == 503:
        return ServerUnavailable(f"the server is not ready: {message}", status=503)
    lowered = message.lower()
    if error.get("type") == "exceed_context_size_error" or (
        "context" in lowered and "exceed" in lowered
    ):
        return ContextLengthExceeded(
            message,
            status=response.status_code,
            prompt_tokens=error.get("n_prompt_tokens"),
            ctx_per_slot=error.get("n_ctx"),
        )
    return BadResponse(f"HTTP {response.status_code}: {message}", status=response.status_code)


def _parse_chat(payload: dict[str, Any], wall_s: float) -> ChatResult:
    try:
        choice = payload["choices"][0]
        text = choice["message"].get("content") or ""
        usage = payload.get("usage") or {}
        timings = payload.get("timings") or {}
        return ChatResult(
            text=str(text),
            finish_reason=choice.get("finish_reason"),
            model=str(payload.get("model", "")),
            usage=Usage(
                prompt_tokens=int(usage.get("prompt_tokens", 0)),
                completion_tokens=int(usage.get("completion_tokens", 0)),
            ),
            timing=Timing(
                wall_s=wall_s,
                prompt_ms=_float_or_none(timings.get("prompt_ms")),
                generation_ms=_float_or_none(timings.get("predicted_ms")),
                drafted=int(timings.get("draft_n") or 0),
                draft_accepted=int(timings.get("draft_n_accepted") or 0),
            ),
        )
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        raise BadResponse("the chat completion has no choices[0].message") from exc


def _float_or_none(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None
