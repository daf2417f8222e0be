"""The client at the wire level (respx): request shapes llama.cpp documents, and every failure
mapped to its typed error."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from icop.llm.local import (
    BadResponse,
    ChatMessage,
    ContextLengthExceeded,
    LLMTimeout,
    LocalLLMClient,
    ServerUnavailable,
    StaticEndpoint,
    TokenCount,
)

BASE = "http://127.0.0.1:9999"
MESSAGES: list[ChatMessage] = [{"role": "user", "content": "hi"}]


def completion(content: str, finish_reason: str = "stop") -> dict[str, object]:
    return {
        "choices": [{"index": 0, "finish_reason": finish_reason, "message": {"content": content}}],
        "model": "qwen2.5-coder-0.5b-instruct",
        "usage": {"prompt_tokens": 11, "completion_tokens": 4, "total_tokens": 15},
        "timings": {"prompt_ms": 50.0, "predicted_ms": 200.0, "predicted_n": 4},
    }


class CountingEndpoint(StaticEndpoint):
    invalidations = 0

    def invalidate(self) -> None:
        type(self).invalidations += 1


@respx.mock
async def test_chat_sends_openai_fields_and_parses_usage_and_timing() -> None:
    route = respx.post(f"{BASE}/v1/chat/completions").respond(json=completion("Hello there"))
    async with LocalLLMClient(StaticEndpoint(BASE, api_key="k-1")) as client:
        result = await client.chat(
            MESSAGES, max_tokens=20, temperature=0.0, seed=7, stop=["\n\n"], top_p=0.9
        )
    request = route.calls.last.request
    assert json.loads(request.content) == {
        "messages": MESSAGES,
        "max_tokens": 20,
        "temperature": 0.0,
        "seed": 7,
        "stop": ["\n\n"],
        "top_p": 0.9,
    }
    assert request.headers["authorization"] == "Bearer k-1"
    assert result.text == "Hello there"
    assert result.finish_reason == "stop"
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (11, 4)
    assert result.usage.total_tokens == 15
    assert result.timing.generation_ms == 200.0
    assert result.tokens_per_s == pytest.approx(20.0)


@respx.mock
async def test_chat_json_requests_a_json_schema_and_parses_it() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    route = respx.post(f"{BASE}/v1/chat/completions").respond(json=completion('{"a": 3}'))
    async with LocalLLMClient(BASE) as client:
        structured = await client.chat_json(MESSAGES, schema, name="thing", max_tokens=40)
    body = json.loads(route.calls.last.request.content)
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "thing", "schema": schema, "strict": True},
    }
    assert "authorization" not in route.calls.last.request.headers
    assert structured.data == {"a": 3}
    assert structured.result.usage.completion_tokens == 4


@respx.mock
@pytest.mark.parametrize(
    ("content", "finish_reason", "message"),
    [('{"a": [1, 2', "length", "cut off"), ("not json", "stop", "not JSON")],
)
async def test_unusable_structured_answers_are_bad_responses(
    content: str, finish_reason: str, message: str
) -> None:
    respx.post(f"{BASE}/v1/chat/completions").respond(json=completion(content, finish_reason))
    async with LocalLLMClient(BASE) as client:
        with pytest.raises(BadResponse, match=message):
            await client.chat_json(MESSAGES, {"type": "object"})


@respx.mock
@pytest.mark.parametrize(
    ("response", "error", "message"),
    [
        (httpx.Response(200, text="<html>"), BadResponse, "invalid JSON"),
        (httpx.Response(200, json={"choices": []}), BadResponse, r"choices\[0\]"),
        (httpx.Response(200, json=[1]), BadResponse, "not an object"),
        (
            httpx.Response(503, json={"error": {"code": 503, "message": "Loading model"}}),
            ServerUnavailable,
            "Loading model",
        ),
        (
            httpx.Response(
                400,
                json={
                    "error": {
                        "code": 400,
                        "message": "request (1030 tokens) exceeds the available context size",
                        "type": "exceed_context_size_error",
                        "n_prompt_tokens": 1030,
                        "n_ctx": 512,
                    }
                },
            ),
            ContextLengthExceeded,
            "exceeds",
        ),
        (httpx.Response(500, text="boom"), BadResponse, "HTTP 500: boom"),
    ],
)
async def test_http_failures_map_to_typed_errors(
    response: httpx.Response, error: type[Exception], message: str
) -> None:
    respx.post(f"{BASE}/v1/chat/completions").mock(return_value=response)
    async with LocalLLMClient(BASE) as client:
        with pytest.raises(error, match=message) as raised:
            await client.chat(MESSAGES)
    if isinstance(raised.value, ContextLengthExceeded):
        assert raised.value.extra["prompt_tokens"] == 1030
        assert raised.value.extra["ctx_per_slot"] == 512


@respx.mock
async def test_refused_connection_reresolves_once_then_fails() -> None:
    route = respx.post(f"{BASE}/v1/chat/completions").mock(
        side_effect=httpx.ConnectError("refused")
    )
    respx.get(f"{BASE}/health").mock(side_effect=httpx.ConnectError("refused"))
    CountingEndpoint.invalidations = 0
    async with LocalLLMClient(CountingEndpoint(BASE)) as client:
        with pytest.raises(ServerUnavailable, match="cannot connect"):
            await client.chat(MESSAGES)
        assert await client.health() is False
    assert route.call_count == 2
    assert CountingEndpoint.invalidations == 4  # two tries each for chat and health


@respx.mock
async def test_refused_then_answered_succeeds() -> None:
    respx.post(f"{BASE}/v1/chat/completions").mock(
        side_effect=[httpx.ConnectError("refused"), httpx.Response(200, json=completion("ok"))]
    )
    async with LocalLLMClient(BASE) as client:
        assert (await client.chat(MESSAGES)).text == "ok"


@respx.mock
async def test_read_timeout_is_not_retried() -> None:
    route = respx.post(f"{BASE}/v1/chat/completions").mock(side_effect=httpx.ReadTimeout("slow"))
    async with LocalLLMClient(BASE, timeout_s=0.1) as client:
        with pytest.raises(LLMTimeout):
            await client.chat(MESSAGES)
    assert route.call_count == 1  # the server may still be generating: never send it twice


@respx.mock
async def test_count_tokens_uses_tokenize_and_estimates_without_it() -> None:
    route = respx.post(f"{BASE}/tokenize")
    route.respond(json={"tokens": [1, 2, 3]})
    async with LocalLLMClient(BASE) as client:
        assert await client.count_tokens("a b c") == TokenCount(tokens=3, exact=True)
        assert json.loads(route.calls.last.request.content) == {
            "content": "a b c",
            "add_special": False,
        }
        route.respond(status_code=404, json={"error": {"message": "Not Found"}})
        assert await client.count_tokens("abcdef") == TokenCount(tokens=3, exact=False)


@respx.mock
async def test_server_info_reads_props() -> None:
    respx.get(f"{BASE}/props").respond(
        json={
            "default_generation_settings": {"n_ctx": 2048},
            "total_slots": 3,
            "model_alias": "m",
        }
    )
    respx.get(f"{BASE}/health").respond(json={"status": "ok"})
    async with LocalLLMClient(BASE) as client:
        info = await client.server_info()
        assert (info.model, info.ctx_per_slot, info.slots) == ("m", 2048, 3)
        assert await client.health() is True
