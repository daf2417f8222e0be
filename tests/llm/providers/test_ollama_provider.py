"""Ollama's /api/chat and /api/tags at the wire level, against the shapes in Ollama's API doc."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from icop.llm.providers.base import (
    Capabilities,
    LLMProvider,
    ProviderAuthError,
    ProviderBadRequest,
    ProviderBadResponse,
    ProviderError,
    ProviderRateLimited,
    ProviderServerError,
    ProviderTimeout,
    ProviderUnavailable,
)
from icop.llm.providers.ollama import OllamaProvider

from .conftest import ARTICLE_SCHEMA, chat_request, sent_json

BASE = "http://127.0.0.1:11434"
CHAT = f"{BASE}/api/chat"
TAGS = f"{BASE}/api/tags"
MODEL = "qwen2.5:7b"


def chat_answer(content: str, done_reason: str = "stop", **extra: Any) -> dict[str, Any]:
    """The documented non-streaming /api/chat response."""
    return {
        "model": MODEL,
        "created_at": "2024-12-06T00:46:58.265747Z",
        "message": {"role": "assistant", "content": content},
        "done_reason": done_reason,
        "done": True,
        "total_duration": 2254970291,
        "load_duration": 574751416,
        "prompt_eval_count": 34,
        "prompt_eval_duration": 1502000000,
        "eval_count": 12,
        "eval_duration": 175000000,
        **extra,
    }


@pytest.fixture
async def provider(http: httpx.AsyncClient) -> Any:
    p = OllamaProvider(base_url=BASE + "/", http_client=http)
    yield p
    await p.aclose()


def test_is_an_llm_provider() -> None:
    assert isinstance(OllamaProvider(base_url=None), LLMProvider)


@respx.mock
async def test_chat_request_and_result(provider: OllamaProvider) -> None:
    route = respx.post(CHAT).respond(json=chat_answer("Green tea, calmly."))
    result = await provider.complete(chat_request(MODEL, stop=["\n\n"]))

    request = route.calls.last.request
    assert "authorization" not in request.headers
    assert sent_json(request) == {
        "model": MODEL,
        "messages": [
            {"role": "system", "content": "You write headlines."},
            {"role": "user", "content": "Write a headline about tea."},
            {"role": "assistant", "content": "Tea, again?"},
            {"role": "user", "content": "Yes, about green tea."},
        ],
        "stream": False,
        "options": {
            "num_predict": 64,
            "temperature": 0.3,
            "num_ctx": 8192,
            "seed": 7,
            "stop": ["\n\n"],
        },
    }
    assert result.text == "Green tea, calmly."
    assert (result.prompt_tokens, result.completion_tokens) == (34, 12)
    assert result.finish_reason == "stop"
    assert result.model == MODEL


@respx.mock
async def test_structured_output_sends_the_schema_as_format(http: httpx.AsyncClient) -> None:
    provider = OllamaProvider(
        base_url=BASE, api_key="proxy-token", keep_alive="10m", num_ctx=4096, http_client=http
    )
    route = respx.post(CHAT).respond(json=chat_answer('{"title": "Tea", "tags": []}'))
    result = await provider.complete(chat_request(MODEL, schema=ARTICLE_SCHEMA, seed=None))

    request = route.calls.last.request
    body = sent_json(request)
    assert body["format"] == ARTICLE_SCHEMA
    assert body["keep_alive"] == "10m"
    assert body["options"] == {"num_predict": 64, "temperature": 0.3, "num_ctx": 4096}
    assert request.headers["authorization"] == "Bearer proxy-token"
    assert result.parsed == {"title": "Tea", "tags": []}


@respx.mock
async def test_a_fully_cached_prompt_is_estimated(provider: OllamaProvider) -> None:
    answer = chat_answer("ok")
    del answer["prompt_eval_count"]
    respx.post(CHAT).respond(json=answer)
    result = await provider.complete(chat_request(MODEL))
    assert result.prompt_tokens > 0


@respx.mock
@pytest.mark.parametrize(
    ("response", "schema", "error", "message"),
    [
        (httpx.Response(200, text="not json"), None, ProviderBadResponse, "invalid JSON"),
        (httpx.Response(200, json=["x"]), None, ProviderBadResponse, "non-object"),
        (httpx.Response(200, json={"done": True}), None, ProviderBadResponse, "no message"),
        (
            httpx.Response(200, json=chat_answer('{"title": "Te', done_reason="length")),
            ARTICLE_SCHEMA,
            ProviderBadResponse,
            "cut off",
        ),
        (
            httpx.Response(200, json=chat_answer("Sure! Here is JSON:")),
            ARTICLE_SCHEMA,
            ProviderBadResponse,
            "not valid JSON",
        ),
    ],
)
async def test_unusable_answers(
    provider: OllamaProvider,
    response: httpx.Response,
    schema: dict[str, Any] | None,
    error: type[ProviderError],
    message: str,
) -> None:
    respx.post(CHAT).mock(return_value=response)
    with pytest.raises(error, match=message):
        await provider.complete(chat_request(MODEL, schema=schema))


@respx.mock
@pytest.mark.parametrize(
    ("response", "error"),
    [
        (
            httpx.Response(
                404, json={"error": 'model "qwen2.5:7b" not found, try pulling it first'}
            ),
            ProviderBadRequest,
        ),
        (httpx.Response(400, json={"error": "invalid options"}), ProviderBadRequest),
        (
            httpx.Response(500, json={"error": "llama runner process has terminated"}),
            ProviderServerError,
        ),
        (httpx.Response(503, json={"error": "server busy, please try again"}), ProviderServerError),
        (httpx.Response(429, headers={"retry-after": "3"}, text="slow"), ProviderRateLimited),
        (httpx.Response(401, text="unauthorized"), ProviderAuthError),
    ],
)
async def test_http_errors(
    provider: OllamaProvider, response: httpx.Response, error: type[ProviderError]
) -> None:
    route = respx.post(CHAT).mock(return_value=response)
    with pytest.raises(error) as raised:
        await provider.complete(chat_request(MODEL))
    assert route.call_count == 1
    assert type(raised.value) is error
    if isinstance(raised.value, ProviderRateLimited):
        assert raised.value.retry_after_s == 3.0
    if response.status_code == 404:
        assert "try pulling it first" in str(raised.value)


@respx.mock
@pytest.mark.parametrize(
    ("side_effect", "error"),
    [
        (httpx.ReadTimeout("read timed out"), ProviderTimeout),
        (httpx.ConnectTimeout("connect timed out"), ProviderTimeout),
        (httpx.ConnectError("connection refused"), ProviderUnavailable),
        (httpx.RemoteProtocolError("peer closed"), ProviderUnavailable),
    ],
)
async def test_transport_failures(
    provider: OllamaProvider, side_effect: Exception, error: type[ProviderError]
) -> None:
    respx.post(CHAT).mock(side_effect=side_effect)
    with pytest.raises(error):
        await provider.complete(chat_request(MODEL))


@respx.mock
async def test_tags_tell_which_models_are_available(provider: OllamaProvider) -> None:
    respx.get(TAGS).respond(
        json={
            "models": [
                {
                    "name": "qwen2.5:7b",
                    "model": "qwen2.5:7b",
                    "modified_at": "2025-01-10T12:00:00Z",
                    "size": 4683087332,
                    "digest": "845dbda0ea48ed749caafd9e6037047aa19acfcfd82e704d7ca97d631a0b697e",
                    "details": {"family": "qwen2", "parameter_size": "7.6B"},
                },
                {"name": "llama3.2:latest", "model": "llama3.2:latest"},
            ]
        }
    )
    assert await provider.list_models() == ["qwen2.5:7b", "llama3.2:latest"]
    assert await provider.available("qwen2.5:7b")
    assert await provider.available("llama3.2")  # untagged means :latest
    assert not await provider.available("qwen2.5:14b")


@respx.mock
@pytest.mark.parametrize(
    "outcome",
    [httpx.ConnectError("connection refused"), httpx.Response(500, json={"error": "boom"})],
)
async def test_a_failing_server_is_not_available(
    provider: OllamaProvider, outcome: Exception | httpx.Response
) -> None:
    if isinstance(outcome, httpx.Response):
        respx.get(TAGS).mock(return_value=outcome)
    else:
        respx.get(TAGS).mock(side_effect=outcome)
    assert not await provider.available(MODEL)


async def test_not_configured_without_a_host() -> None:
    provider = OllamaProvider(base_url=None)
    assert not provider.configured()
    with pytest.raises(ProviderUnavailable, match="no Ollama host"):
        await provider.complete(chat_request(MODEL))
    assert not await provider.available(MODEL)
    await provider.aclose()


def test_capabilities_are_bounded_by_the_requested_window() -> None:
    provider = OllamaProvider(
        base_url=BASE, num_ctx=16_384, models={"my-model": Capabilities(False, 2_048, 512)}
    )
    assert provider.capabilities("qwen2.5:14b") == Capabilities(True, 16_384, 8_192)
    assert provider.capabilities("phi4:latest") == Capabilities(True, 16_384, 4_096)
    assert provider.capabilities("unknown:1b") == Capabilities(True, 4_096, 2_048)
    assert provider.capabilities("my-model") == Capabilities(False, 2_048, 512)
