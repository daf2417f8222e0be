"""OpenAI Chat Completions at the wire level: the request the SDK sends for us (auth, model,
messages, strict json_schema, no retries) and every failure mapped to our error classes."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from icop.llm.providers._common import ProviderQuotaExhausted
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
from icop.llm.providers.openai import UNKNOWN_MODEL, OpenAIProvider

from .conftest import ARTICLE_SCHEMA, chat_request, sent_json

KEY = "sk-test-0123456789abcdef"
URL = "https://api.openai.com/v1/chat/completions"


def completion(
    content: str | None, *, finish_reason: str = "stop", refusal: str | None = None
) -> dict[str, Any]:
    """The documented chat.completion object."""
    return {
        "id": "chatcmpl-abc123",
        "object": "chat.completion",
        "created": 1741569952,
        "model": "gpt-4o-2024-08-06",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": content,
                    "refusal": refusal,
                    "annotations": [],
                },
                "logprobs": None,
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": 19,
            "completion_tokens": 10,
            "total_tokens": 29,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0},
        },
        "service_tier": "default",
    }


@pytest.fixture
async def provider(http: httpx.AsyncClient) -> Any:
    p = OpenAIProvider(api_key=KEY, http_client=http)
    yield p
    await p.aclose()


def test_is_an_llm_provider() -> None:
    assert isinstance(OpenAIProvider(api_key=None), LLMProvider)


@respx.mock
async def test_plain_completion_request_and_result(provider: OpenAIProvider) -> None:
    route = respx.post(URL).respond(json=completion("Green tea, calmly."))
    result = await provider.complete(chat_request("gpt-4o", stop=["\n\n"]))

    request = route.calls.last.request
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["x-stainless-retry-count"] == "0"
    assert sent_json(request) == {
        "model": "gpt-4o",
        "messages": [
            {"role": "system", "content": "You write headlines."},
            {"role": "user", "content": "Write a headline about tea."},
            {"role": "assistant", "content": "Tea, again?"},
            {"role": "user", "content": "Yes, about green tea."},
        ],
        "max_completion_tokens": 64,
        "temperature": 0.3,
        "stop": ["\n\n"],
        "seed": 7,
    }
    assert result.text == "Green tea, calmly."
    assert result.parsed is None
    assert result.model == "gpt-4o-2024-08-06"
    assert (result.prompt_tokens, result.completion_tokens) == (19, 10)
    assert result.finish_reason == "stop"
    assert result.latency_s >= 0


@respx.mock
async def test_structured_request_sends_a_strict_schema_and_parses_it(
    provider: OpenAIProvider,
) -> None:
    schema = {
        "type": "object",
        "properties": {
            "title": {"type": "string", "maxLength": 80},
            "subtitle": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
        },
        "required": ["title"],
    }
    answer = {"title": "Green tea, calmly", "subtitle": None}
    route = respx.post(URL).respond(json=completion(json.dumps(answer)))
    result = await provider.complete(chat_request("gpt-4o-mini", schema=schema))

    body = sent_json(route.calls.last.request)
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {
            "name": "headline",
            "strict": True,
            "schema": {
                "type": "object",
                "properties": {
                    "title": {"type": "string", "maxLength": 80},
                    "subtitle": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                },
                "required": ["title", "subtitle"],
                "additionalProperties": False,
            },
        },
    }
    assert schema["required"] == ["title"]  # the caller's schema is left alone
    assert result.parsed == answer
    assert json.loads(result.text) == answer


@respx.mock
async def test_reasoning_models_get_no_temperature_or_stop(provider: OpenAIProvider) -> None:
    route = respx.post(URL).respond(json=completion("ok"))
    await provider.complete(chat_request("gpt-5-mini", stop=["END"]))
    body = sent_json(route.calls.last.request)
    assert "temperature" not in body
    assert "stop" not in body
    assert body["max_completion_tokens"] == 64


async def test_schema_strict_mode_cannot_express_is_refused_before_sending(
    provider: OpenAIProvider,
) -> None:
    free_map = {
        "type": "object",
        "properties": {"scores": {"type": "object", "additionalProperties": {"type": "number"}}},
    }
    with respx.mock(assert_all_called=False) as mock:
        route = mock.post(URL).respond(json=completion("{}"))
        with pytest.raises(ProviderBadRequest, match="free-form map") as raised:
            await provider.complete(chat_request("gpt-4o", schema=free_map))
    assert not route.called
    assert raised.value.retryable is False


@respx.mock
async def test_openai_compatible_server_without_key() -> None:
    route = respx.post("http://127.0.0.1:8080/v1/chat/completions").respond(json=completion("hi"))
    http = httpx.AsyncClient()
    provider = OpenAIProvider(
        api_key=None, base_url="http://127.0.0.1:8080/v1/", http_client=http, name="local-oai"
    )
    assert provider.configured()
    result = await provider.complete(chat_request("qwen2.5-coder-0.5b-instruct"))
    await provider.aclose()

    body = sent_json(route.calls.last.request)
    assert body["max_tokens"] == 64  # compatible servers know the classic field
    assert "max_completion_tokens" not in body
    assert result.text == "hi"
    assert not http.is_closed  # the injected client belongs to the caller
    await http.aclose()


@respx.mock
async def test_process_environment_does_not_leak_into_requests(
    monkeypatch: pytest.MonkeyPatch, http: httpx.AsyncClient
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-from-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-from-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "https://elsewhere.example/v1")
    assert not OpenAIProvider(api_key=None).configured()

    route = respx.post(URL).respond(json=completion("ok"))
    provider = OpenAIProvider(api_key=KEY, project="proj-tenant", http_client=http)
    await provider.complete(chat_request("gpt-4o"))
    headers = route.calls.last.request.headers
    assert headers["authorization"] == f"Bearer {KEY}"
    assert "openai-organization" not in headers
    assert headers["openai-project"] == "proj-tenant"


async def test_not_configured_without_a_key() -> None:
    provider = OpenAIProvider(api_key=None)
    assert not provider.configured()
    with pytest.raises(ProviderUnavailable, match="no API key"):
        await provider.complete(chat_request("gpt-4o"))
    assert not OpenAIProvider(api_key="").configured()


@respx.mock
@pytest.mark.parametrize(
    ("response", "error", "retry_after"),
    [
        (
            httpx.Response(429, headers={"retry-after": "7"}, json={"error": {}}),
            ProviderRateLimited,
            7.0,
        ),
        (
            httpx.Response(429, headers={"retry-after-ms": "1500"}, json={"error": {}}),
            ProviderRateLimited,
            1.5,
        ),
        (
            httpx.Response(
                429,
                headers={
                    "x-ratelimit-remaining-requests": "499",
                    "x-ratelimit-reset-requests": "120ms",
                    "x-ratelimit-remaining-tokens": "0",
                    "x-ratelimit-reset-tokens": "1m30s",
                },
                json={"error": {"message": "Rate limit reached for gpt-4o", "type": "tokens"}},
            ),
            ProviderRateLimited,
            90.0,
        ),
        (httpx.Response(429, json={"error": {"message": "slow down"}}), ProviderRateLimited, None),
        (httpx.Response(500, json={"error": {"message": "boom"}}), ProviderServerError, None),
        (httpx.Response(503, text="upstream overloaded"), ProviderServerError, None),
        (httpx.Response(401, json={"error": {"message": "bad key"}}), ProviderAuthError, None),
        (httpx.Response(403, json={"error": {"message": "region"}}), ProviderAuthError, None),
        (httpx.Response(400, json={"error": {"message": "bad"}}), ProviderBadRequest, None),
        (httpx.Response(404, json={"error": {"message": "no model"}}), ProviderBadRequest, None),
        (httpx.Response(422, json={"error": {"message": "bad"}}), ProviderBadRequest, None),
        (httpx.Response(408, json={"error": {"message": "slow"}}), ProviderTimeout, None),
    ],
)
async def test_http_errors_map_to_typed_errors_without_retrying(
    provider: OpenAIProvider,
    response: httpx.Response,
    error: type[ProviderError],
    retry_after: float | None,
) -> None:
    route = respx.post(URL).mock(return_value=response)
    with pytest.raises(error) as raised:
        await provider.complete(chat_request("gpt-4o"))
    assert route.call_count == 1  # max_retries=0: the router decides
    assert type(raised.value) is error
    assert raised.value.provider == "openai"
    if isinstance(raised.value, ProviderRateLimited):
        assert raised.value.retry_after_s == retry_after
        assert raised.value.retryable


@respx.mock
async def test_exhausted_quota_is_not_a_rate_limit(provider: OpenAIProvider) -> None:
    respx.post(URL).respond(
        429,
        json={
            "error": {
                "message": "You exceeded your current quota",
                "type": "insufficient_quota",
                "code": "insufficient_quota",
            }
        },
    )
    with pytest.raises(ProviderQuotaExhausted, match="exceeded your current quota") as raised:
        await provider.complete(chat_request("gpt-4o"))
    assert isinstance(raised.value, ProviderAuthError)
    assert not raised.value.retryable


@respx.mock
async def test_the_key_never_reaches_an_error_message(provider: OpenAIProvider) -> None:
    respx.post(URL).respond(401, json={"error": {"message": f"Incorrect API key: {KEY}"}})
    with pytest.raises(ProviderAuthError) as raised:
        await provider.complete(chat_request("gpt-4o"))
    assert KEY not in str(raised.value)
    assert "***" in str(raised.value)


@respx.mock
@pytest.mark.parametrize(
    ("side_effect", "error"),
    [
        (httpx.ReadTimeout("read timed out"), ProviderTimeout),
        (httpx.ConnectTimeout("connect timed out"), ProviderTimeout),
        (httpx.ConnectError("connection refused"), ProviderUnavailable),
    ],
)
async def test_transport_failures(
    provider: OpenAIProvider, side_effect: Exception, error: type[ProviderError]
) -> None:
    route = respx.post(URL).mock(side_effect=side_effect)
    with pytest.raises(error) as raised:
        await provider.complete(chat_request("gpt-4o"))
    assert route.call_count == 1
    assert raised.value.retryable


@respx.mock
@pytest.mark.parametrize(
    ("response", "schema", "error", "message"),
    [
        (httpx.Response(200, text="<html>gateway</html>"), None, ProviderBadResponse, "not JSON"),
        (
            httpx.Response(200, json={"id": "x", "choices": []}),
            None,
            ProviderBadResponse,
            "no choices",
        ),
        (httpx.Response(200, json=[1, 2]), None, ProviderBadResponse, "not a JSON object"),
        (
            httpx.Response(200, json=completion("{'title': 'single quotes'}")),
            ARTICLE_SCHEMA,
            ProviderBadResponse,
            "not valid JSON",
        ),
        (
            httpx.Response(200, json=completion('{"title": "Green', finish_reason="length")),
            ARTICLE_SCHEMA,
            ProviderBadResponse,
            "cut off",
        ),
        (
            httpx.Response(200, json=completion(None, refusal="I can't help with that.")),
            ARTICLE_SCHEMA,
            ProviderBadRequest,
            "refused",
        ),
    ],
)
async def test_unusable_answers(
    provider: OpenAIProvider,
    response: httpx.Response,
    schema: dict[str, Any] | None,
    error: type[ProviderError],
    message: str,
) -> None:
    respx.post(URL).mock(return_value=response)
    with pytest.raises(error, match=message):
        await provider.complete(chat_request("gpt-4o", schema=schema))


@respx.mock
async def test_missing_usage_falls_back_to_an_estimate(provider: OpenAIProvider) -> None:
    body = completion("Tea.")
    del body["usage"]
    respx.post(URL).respond(json=body)
    result = await provider.complete(chat_request("gpt-4o"))
    assert result.prompt_tokens > 0
    assert result.completion_tokens > 0


async def test_capabilities_by_family_and_override() -> None:
    provider = OpenAIProvider(
        api_key=KEY, models={"my-finetune": Capabilities(True, 32_000, 4_000)}
    )
    assert provider.capabilities("gpt-4o-2024-08-06").max_context_tokens == 128_000
    assert provider.capabilities("gpt-4o-mini").json_schema
    assert provider.capabilities("gpt-5.5").max_output_tokens == 128_000
    assert not provider.capabilities("gpt-4-0613").json_schema
    assert provider.capabilities("gpt-4-turbo").max_context_tokens == 128_000
    assert provider.capabilities("someone-elses-model") == UNKNOWN_MODEL
    assert provider.capabilities("my-finetune") == Capabilities(True, 32_000, 4_000)
    assert await provider.count_tokens("gpt-4o", "hello world, this is tea") >= 5
    await provider.aclose()
