"""Anthropic Messages at the wire level: system prompt placement, forced tool use for structured
output, exact token counting, and the error mapping (429 with its headers, 529 overloaded …)."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest
import respx

from icop.llm.providers._common import ProviderQuotaExhausted
from icop.llm.providers.anthropic import UNKNOWN_MODEL, AnthropicProvider
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

from .conftest import ARTICLE_SCHEMA, chat_request, sent_json

KEY = "sk-ant-api03-test-0123456789"
URL = "https://api.anthropic.com/v1/messages"
COUNT_URL = "https://api.anthropic.com/v1/messages/count_tokens"
MODEL = "claude-sonnet-4-5"


def message(content: list[dict[str, Any]], stop_reason: str = "end_turn") -> dict[str, Any]:
    """The documented Message object."""
    return {
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {
            "input_tokens": 25,
            "output_tokens": 12,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 3,
        },
    }


def tool_use(data: object, name: str = "headline") -> dict[str, Any]:
    return {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": name, "input": data}


def error_body(kind: str, text: str, **details: Any) -> dict[str, Any]:
    error: dict[str, Any] = {"type": kind, "message": text}
    if details:
        error["details"] = details
    return {"type": "error", "error": error, "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy"}


@pytest.fixture
async def provider(http: httpx.AsyncClient) -> Any:
    p = AnthropicProvider(api_key=KEY, http_client=http)
    yield p
    await p.aclose()


def test_is_an_llm_provider() -> None:
    assert isinstance(AnthropicProvider(api_key=None), LLMProvider)


@respx.mock
async def test_plain_request_puts_the_system_prompt_in_system(provider: AnthropicProvider) -> None:
    route = respx.post(URL).respond(
        json=message([{"type": "text", "text": "Green tea, "}, {"type": "text", "text": "calmly."}])
    )
    result = await provider.complete(chat_request(MODEL, stop=["\n\n"]))

    request = route.calls.last.request
    assert request.headers["x-api-key"] == KEY
    assert request.headers["anthropic-version"] == "2023-06-01"
    assert request.headers["x-stainless-retry-count"] == "0"
    assert sent_json(request) == {
        "model": MODEL,
        "max_tokens": 64,
        "system": "You write headlines.",
        "messages": [
            {"role": "user", "content": "Write a headline about tea."},
            {"role": "assistant", "content": "Tea, again?"},
            {"role": "user", "content": "Yes, about green tea."},
        ],
        "temperature": 0.3,
        "stop_sequences": ["\n\n"],
    }
    assert result.text == "Green tea, calmly."
    assert result.parsed is None
    assert result.model == "claude-sonnet-4-5-20250929"
    assert (result.prompt_tokens, result.completion_tokens) == (28, 12)
    assert result.finish_reason == "stop"


@respx.mock
async def test_temperature_is_clamped_to_anthropics_range(provider: AnthropicProvider) -> None:
    route = respx.post(URL).respond(json=message([{"type": "text", "text": "ok"}]))
    request = dataclasses.replace(chat_request(MODEL), temperature=1.4)
    await provider.complete(request)
    assert sent_json(route.calls.last.request)["temperature"] == 1.0


@respx.mock
async def test_structured_output_is_a_forced_tool_call(provider: AnthropicProvider) -> None:
    answer = {"title": "Green tea, calmly", "tags": ["tea", "한국"]}
    route = respx.post(URL).respond(json=message([tool_use(answer)], stop_reason="tool_use"))
    result = await provider.complete(chat_request(MODEL, schema=ARTICLE_SCHEMA, system=None))

    body = sent_json(route.calls.last.request)
    assert "system" not in body
    assert body["tools"] == [
        {
            "name": "headline",
            "description": "Return the complete answer as the input of this tool.",
            "input_schema": ARTICLE_SCHEMA,
        }
    ]
    assert body["tool_choice"] == {"type": "tool", "name": "headline"}
    assert result.parsed == answer
    assert result.text == '{"title": "Green tea, calmly", "tags": ["tea", "한국"]}'
    assert result.finish_reason == "stop"


@respx.mock
@pytest.mark.parametrize(
    ("content", "stop_reason", "error", "text"),
    [
        ([tool_use({"title": "Gre"})], "max_tokens", ProviderBadResponse, "cut off"),
        ([{"type": "text", "text": "Here you go"}], "end_turn", ProviderBadResponse, "no tool_use"),
        ([tool_use("not an object")], "tool_use", ProviderBadResponse, "not an object"),
        ([], "refusal", ProviderBadRequest, "refused"),
    ],
)
async def test_unusable_structured_answers(
    provider: AnthropicProvider,
    content: list[dict[str, Any]],
    stop_reason: str,
    error: type[ProviderError],
    text: str,
) -> None:
    respx.post(URL).respond(json=message(content, stop_reason=stop_reason))
    with pytest.raises(error, match=text):
        await provider.complete(chat_request(MODEL, schema=ARTICLE_SCHEMA))


async def test_a_schema_that_is_not_an_object_is_refused(provider: AnthropicProvider) -> None:
    with pytest.raises(ProviderBadRequest, match="root is an object"):
        await provider.complete(chat_request(MODEL, schema={"type": "array"}))


@respx.mock
@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(200, text="<html>bad gateway</html>"), "not JSON"),
        (httpx.Response(200, json={"type": "message", "content": None}), "no content"),
        (httpx.Response(200, json=["message"]), "no content"),
    ],
)
async def test_malformed_bodies(
    provider: AnthropicProvider, response: httpx.Response, error: str
) -> None:
    respx.post(URL).mock(return_value=response)
    with pytest.raises(ProviderBadResponse, match=error):
        await provider.complete(chat_request(MODEL))


@respx.mock
@pytest.mark.parametrize(
    ("response", "error", "retry_after"),
    [
        (
            httpx.Response(
                429, headers={"retry-after": "12"}, json=error_body("rate_limit_error", "slow")
            ),
            ProviderRateLimited,
            12.0,
        ),
        (
            httpx.Response(
                429,
                headers={
                    "anthropic-ratelimit-requests-remaining": "10",
                    "anthropic-ratelimit-requests-reset": "2030-01-01T00:00:30Z",
                    "anthropic-ratelimit-input-tokens-remaining": "0",
                    "anthropic-ratelimit-input-tokens-reset": "2030-01-01T00:00:00Z",
                },
                json=error_body("rate_limit_error", "input tokens per minute"),
            ),
            ProviderRateLimited,
            "future",
        ),
        (
            httpx.Response(429, json=error_body("rate_limit_error", "slow")),
            ProviderRateLimited,
            None,
        ),
        (
            httpx.Response(529, json=error_body("overloaded_error", "Overloaded")),
            ProviderServerError,
            None,
        ),
        (httpx.Response(500, json=error_body("api_error", "oops")), ProviderServerError, None),
        (httpx.Response(503, text="unavailable"), ProviderServerError, None),
        (
            httpx.Response(401, json=error_body("authentication_error", "bad key")),
            ProviderAuthError,
            None,
        ),
        (httpx.Response(403, json=error_body("permission_error", "no")), ProviderAuthError, None),
        (
            httpx.Response(400, json=error_body("invalid_request_error", "bad")),
            ProviderBadRequest,
            None,
        ),
        (
            httpx.Response(404, json=error_body("not_found_error", "model")),
            ProviderBadRequest,
            None,
        ),
        (
            httpx.Response(413, json=error_body("request_too_large", "big")),
            ProviderBadRequest,
            None,
        ),
        (
            httpx.Response(402, json=error_body("billing_error", "pay")),
            ProviderQuotaExhausted,
            None,
        ),
    ],
)
async def test_http_errors_map_to_typed_errors_without_retrying(
    provider: AnthropicProvider,
    response: httpx.Response,
    error: type[ProviderError],
    retry_after: float | str | None,
) -> None:
    route = respx.post(URL).mock(return_value=response)
    with pytest.raises(error) as raised:
        await provider.complete(chat_request(MODEL))
    assert route.call_count == 1
    assert type(raised.value) is error
    if isinstance(raised.value, ProviderRateLimited):
        if retry_after == "future":
            # The exhausted limit's reset (in 2030) counts, not the one with requests left.
            assert raised.value.retry_after_s is not None
            assert raised.value.retry_after_s > 60
        else:
            assert raised.value.retry_after_s == retry_after


@respx.mock
async def test_spend_cap_is_quota_not_rate_limit(provider: AnthropicProvider) -> None:
    respx.post(URL).respond(
        429,
        json=error_body(
            "rate_limit_error", "monthly spend cap", error_code="enforced_spend_limit_reached"
        ),
    )
    with pytest.raises(ProviderQuotaExhausted, match="spend cap"):
        await provider.complete(chat_request(MODEL))


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
    provider: AnthropicProvider, side_effect: Exception, error: type[ProviderError]
) -> None:
    route = respx.post(URL).mock(side_effect=side_effect)
    with pytest.raises(error):
        await provider.complete(chat_request(MODEL))
    assert route.call_count == 1


@respx.mock
async def test_the_key_never_reaches_an_error_message(provider: AnthropicProvider) -> None:
    respx.post(URL).respond(
        401, json=error_body("authentication_error", f"invalid x-api-key {KEY}")
    )
    with pytest.raises(ProviderAuthError) as raised:
        await provider.complete(chat_request(MODEL))
    assert KEY not in str(raised.value)


@respx.mock
async def test_count_tokens_is_exact_and_falls_back_to_an_estimate(
    provider: AnthropicProvider,
) -> None:
    route = respx.post(COUNT_URL).mock(
        side_effect=[
            httpx.Response(200, json={"input_tokens": 14}),
            httpx.Response(529, json=error_body("overloaded_error", "Overloaded")),
        ]
    )
    assert await provider.count_tokens(MODEL, "Write a headline about tea.") == 14
    assert sent_json(route.calls.last.request) == {
        "model": MODEL,
        "messages": [{"role": "user", "content": "Write a headline about tea."}],
    }
    estimate = await provider.count_tokens(MODEL, "Write a headline about tea.")
    assert estimate >= 7  # 27 ASCII characters / 3


async def test_not_configured_without_a_key() -> None:
    provider = AnthropicProvider(api_key=None)
    assert not provider.configured()
    with pytest.raises(ProviderUnavailable, match="no API key"):
        await provider.complete(chat_request(MODEL))
    # Counting still works offline for budgeting.
    assert await provider.count_tokens(MODEL, "abcdef") == 2


@respx.mock
async def test_injected_client_is_used_and_left_open() -> None:
    route = respx.post("https://proxy.example/v1/messages").respond(
        json=message([{"type": "text", "text": "hi"}])
    )
    http = httpx.AsyncClient()
    provider = AnthropicProvider(api_key=KEY, base_url="https://proxy.example/", http_client=http)
    assert (await provider.complete(chat_request(MODEL))).text == "hi"
    await provider.aclose()
    assert route.called
    assert not http.is_closed
    await http.aclose()


def test_capabilities() -> None:
    provider = AnthropicProvider(api_key=KEY)
    assert provider.capabilities("claude-opus-4-1-20250805").max_output_tokens == 32_000
    assert provider.capabilities("claude-sonnet-4-5-20250929").max_output_tokens == 64_000
    assert provider.capabilities("claude-3-5-haiku-latest").max_output_tokens == 8_192
    assert provider.capabilities("claude-3-haiku-20240307").max_output_tokens == 4_096
    assert all(provider.capabilities(m).json_schema for m in ("claude-opus-5-5", "claude-3-opus"))
    assert provider.capabilities("something-else") == UNKNOWN_MODEL
