"""Gemini generateContent at the wire level (the REST shape the google-genai SDK sends through
our httpx client), countTokens, and the error mapping including Google's RetryInfo."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
import respx

from icop.llm.providers.base import (
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
from icop.llm.providers.gemini import UNKNOWN_MODEL, GeminiProvider

from .conftest import ARTICLE_SCHEMA, chat_request, sent_json

KEY = "AIzaSyTest0123456789abcdefghijklmnop"
MODEL = "gemini-2.5-flash"
BASE = "https://generativelanguage.googleapis.com/v1beta/models"
URL = f"{BASE}/{MODEL}:generateContent"
COUNT_URL = f"{BASE}/{MODEL}:countTokens"


def generated(
    text: str | None,
    *,
    finish_reason: str = "STOP",
    thoughts: int | None = None,
) -> dict[str, Any]:
    """The documented GenerateContentResponse."""
    usage: dict[str, Any] = {
        "promptTokenCount": 21,
        "candidatesTokenCount": 9,
        "totalTokenCount": 30,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 21}],
    }
    if thoughts is not None:
        usage["thoughtsTokenCount"] = thoughts
    parts = [{"text": text}] if text is not None else []
    return {
        "candidates": [
            {
                "content": {"parts": parts, "role": "model"},
                "finishReason": finish_reason,
                "index": 0,
            }
        ],
        "usageMetadata": usage,
        "modelVersion": "gemini-2.5-flash",
        "responseId": "mAitaLmkHPPlz7IPvtfUqQ4",
    }


def google_error(code: int, status: str, message: str, *details: dict[str, Any]) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status, "details": list(details)}}


@pytest.fixture
async def provider(http: httpx.AsyncClient) -> Any:
    p = GeminiProvider(api_key=KEY, http_client=http)
    yield p
    await p.aclose()


def test_is_an_llm_provider() -> None:
    assert isinstance(GeminiProvider(api_key=None), LLMProvider)


@respx.mock
async def test_request_shape_and_result(provider: GeminiProvider) -> None:
    route = respx.post(URL).respond(json=generated("Green tea, calmly.", thoughts=5))
    result = await provider.complete(chat_request(MODEL, stop=["\n\n"]))

    request = route.calls.last.request
    assert request.headers["x-goog-api-key"] == KEY
    assert KEY not in str(request.url)  # the key travels in a header, never in the URL
    assert sent_json(request) == {
        "contents": [
            {"role": "user", "parts": [{"text": "Write a headline about tea."}]},
            {"role": "model", "parts": [{"text": "Tea, again?"}]},
            {"role": "user", "parts": [{"text": "Yes, about green tea."}]},
        ],
        "systemInstruction": {"parts": [{"text": "You write headlines."}], "role": "user"},
        "generationConfig": {
            "temperature": 0.3,
            "maxOutputTokens": 64,
            "stopSequences": ["\n\n"],
            "seed": 7,
        },
    }
    assert result.text == "Green tea, calmly."
    assert result.parsed is None
    assert result.model == "gemini-2.5-flash"
    assert (result.prompt_tokens, result.completion_tokens) == (21, 14)  # thoughts are output
    assert result.finish_reason == "stop"


@respx.mock
async def test_structured_output_uses_response_json_schema(provider: GeminiProvider) -> None:
    route = respx.post(URL).respond(json=generated('{"title": "Tea", "tags": ["green"]}'))
    result = await provider.complete(chat_request(MODEL, schema=ARTICLE_SCHEMA, system=None))

    body = sent_json(route.calls.last.request)
    assert "systemInstruction" not in body
    assert body["generationConfig"]["responseMimeType"] == "application/json"
    assert body["generationConfig"]["responseJsonSchema"] == ARTICLE_SCHEMA
    assert "responseSchema" not in body["generationConfig"]
    assert result.parsed == {"title": "Tea", "tags": ["green"]}


@respx.mock
@pytest.mark.parametrize(
    ("response", "schema", "error", "message"),
    [
        (httpx.Response(200, text="<html>oops</html>"), None, ProviderBadResponse, "malformed"),
        (httpx.Response(200, json={}), None, ProviderBadResponse, "no candidates"),
        (
            httpx.Response(200, json={"promptFeedback": {"blockReason": "SAFETY"}}),
            None,
            ProviderBadRequest,
            "prompt was blocked",
        ),
        (
            httpx.Response(200, json=generated(None, finish_reason="SAFETY")),
            None,
            ProviderBadRequest,
            "blocked",
        ),
        (
            httpx.Response(200, json=generated("title: Tea")),
            ARTICLE_SCHEMA,
            ProviderBadResponse,
            "not valid JSON",
        ),
        (
            httpx.Response(200, json=generated('{"title": "Te', finish_reason="MAX_TOKENS")),
            ARTICLE_SCHEMA,
            ProviderBadResponse,
            "cut off",
        ),
    ],
)
async def test_unusable_answers(
    provider: GeminiProvider,
    response: httpx.Response,
    schema: dict[str, Any] | None,
    error: type[ProviderError],
    message: str,
) -> None:
    respx.post(URL).mock(return_value=response)
    with pytest.raises(error, match=message):
        await provider.complete(chat_request(MODEL, schema=schema))


@respx.mock
async def test_a_truncated_plain_answer_is_returned_with_its_finish_reason(
    provider: GeminiProvider,
) -> None:
    respx.post(URL).respond(json=generated("Green tea is", finish_reason="MAX_TOKENS"))
    result = await provider.complete(chat_request(MODEL))
    assert (result.text, result.finish_reason) == ("Green tea is", "length")


RETRY_INFO = {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "37s"}
KEY_INVALID = {
    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
    "reason": "API_KEY_INVALID",
    "domain": "googleapis.com",
}


@respx.mock
@pytest.mark.parametrize(
    ("response", "error", "retry_after"),
    [
        (
            httpx.Response(429, json=google_error(429, "RESOURCE_EXHAUSTED", "quota", RETRY_INFO)),
            ProviderRateLimited,
            37.0,
        ),
        (
            httpx.Response(
                429,
                headers={"retry-after": "4"},
                json=google_error(429, "RESOURCE_EXHAUSTED", "quota"),
            ),
            ProviderRateLimited,
            4.0,
        ),
        (
            httpx.Response(429, json=google_error(429, "RESOURCE_EXHAUSTED", "quota")),
            ProviderRateLimited,
            None,
        ),
        (
            httpx.Response(400, json=google_error(400, "INVALID_ARGUMENT", "key", KEY_INVALID)),
            ProviderAuthError,
            None,
        ),
        (
            httpx.Response(403, json=google_error(403, "PERMISSION_DENIED", "denied")),
            ProviderAuthError,
            None,
        ),
        (
            httpx.Response(400, json=google_error(400, "INVALID_ARGUMENT", "bad schema")),
            ProviderBadRequest,
            None,
        ),
        (
            httpx.Response(404, json=google_error(404, "NOT_FOUND", "no such model")),
            ProviderBadRequest,
            None,
        ),
        (
            httpx.Response(500, json=google_error(500, "INTERNAL", "oops")),
            ProviderServerError,
            None,
        ),
        (
            httpx.Response(503, json=google_error(503, "UNAVAILABLE", "overloaded")),
            ProviderServerError,
            None,
        ),
        (httpx.Response(502, text="<html>bad gateway</html>"), ProviderServerError, None),
    ],
)
async def test_http_errors_map_to_typed_errors_without_retrying(
    provider: GeminiProvider,
    response: httpx.Response,
    error: type[ProviderError],
    retry_after: float | None,
) -> None:
    route = respx.post(URL).mock(return_value=response)
    with pytest.raises(error) as raised:
        await provider.complete(chat_request(MODEL))
    assert route.call_count == 1  # HttpRetryOptions(attempts=1): the router retries
    assert type(raised.value) is error
    assert KEY not in str(raised.value)
    if isinstance(raised.value, ProviderRateLimited):
        assert raised.value.retry_after_s == retry_after


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
    provider: GeminiProvider, side_effect: Exception, error: type[ProviderError]
) -> None:
    route = respx.post(URL).mock(side_effect=side_effect)
    with pytest.raises(error):
        await provider.complete(chat_request(MODEL))
    assert route.call_count == 1


@respx.mock
async def test_the_request_timeout_reaches_the_server(provider: GeminiProvider) -> None:
    route = respx.post(URL).respond(json=generated("ok"))
    await provider.complete(chat_request(MODEL))
    assert route.calls.last.request.headers["x-server-timeout"] == "5"


@respx.mock
async def test_count_tokens_is_exact_and_falls_back_to_an_estimate(
    provider: GeminiProvider,
) -> None:
    route = respx.post(COUNT_URL).mock(
        side_effect=[
            httpx.Response(200, json={"totalTokens": 11}),
            httpx.Response(503, json=google_error(503, "UNAVAILABLE", "try later")),
        ]
    )
    assert await provider.count_tokens(MODEL, "Write a headline about tea.") == 11
    assert sent_json(route.calls.last.request) == {
        "contents": [{"parts": [{"text": "Write a headline about tea."}], "role": "user"}]
    }
    assert await provider.count_tokens(MODEL, "Write a headline about tea.") == 9


async def test_not_configured_without_a_key() -> None:
    provider = GeminiProvider(api_key=None)
    assert not provider.configured()
    with pytest.raises(ProviderUnavailable, match="no API key"):
        await provider.complete(chat_request(MODEL))
    assert await provider.count_tokens(MODEL, "abc") == 1
    await provider.aclose()


@respx.mock
async def test_own_client_and_custom_endpoint() -> None:
    route = respx.post(
        re.compile(r"https://gemini-proxy\.example/v1/models/gemini-3\.5-flash:generateContent")
    ).respond(json=generated("hi"))
    provider = GeminiProvider(
        api_key=KEY, base_url="https://gemini-proxy.example/", api_version="v1"
    )
    assert (await provider.complete(chat_request("gemini-3.5-flash"))).text == "hi"
    assert route.called
    await provider.aclose()
    assert provider._http is not None and provider._http.is_closed


def test_capabilities() -> None:
    provider = GeminiProvider(api_key=KEY)
    assert provider.capabilities("gemini-2.5-pro").max_output_tokens == 65_536
    assert provider.capabilities("models/gemini-3.1-pro-preview").json_schema
    assert not provider.capabilities("gemini-2.0-flash-001").json_schema
    assert provider.capabilities("gemini-1.5-pro-002").max_context_tokens == 2_097_152
    assert provider.capabilities("gemma-3-27b-it") == UNKNOWN_MODEL
