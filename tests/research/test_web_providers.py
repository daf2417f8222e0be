"""Wire-level tests of the web search adapters (respx): the requests they send and how they
read every kind of answer the providers document."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from uuid import uuid4

import httpx
import pytest
import respx

from icop.research.exceptions import (
    SearchProviderError,
    SearchQuotaExceeded,
    SearchRateLimited,
    SearchRejected,
    SearchResponseInvalid,
    SearchUnauthorized,
    SearchUnavailable,
)
from icop.research.providers import BraveSearch, SearxngSearch, TavilySearch
from icop.research.providers.base import SearchProvider
from icop.research.schemas import SearchQuery

KEY = "tvly-dev-secret-key-0123456789"
TAVILY = "https://api.tavily.com/search"
BRAVE = "https://api.search.brave.com/res/v1/web/search"
SEARXNG = "http://searx.internal:8888/search"
QUERY = SearchQuery(query="home composting basics", tenant_id=uuid4(), limit=3, language="en-GB")


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def _providers(http: httpx.AsyncClient) -> dict[str, tuple[SearchProvider, str, str]]:
    return {
        "tavily": (TavilySearch(KEY, http, timeout_s=2), "POST", TAVILY),
        "brave": (BraveSearch(KEY, http, timeout_s=2), "GET", BRAVE),
        "searxng": (
            SearxngSearch("http://searx.internal:8888/", http, timeout_s=2),
            "GET",
            SEARXNG,
        ),
    }


# --- success ------------------------------------------------------------------------------


@respx.mock
async def test_tavily_request_and_results(http: httpx.AsyncClient) -> None:
    route = respx.post(TAVILY).respond(
        json={
            "query": "home composting basics",
            "answer": None,
            "images": [],
            "results": [
                {
                    "title": "Composting 101",
                    "url": "https://example.org/compost",
                    "content": "Mix greens &amp; browns. " * 40,
                    "score": 0.91,
                    "raw_content": None,
                    "published_date": "2026-03-01",
                },
                {"title": "no url"},
                {"title": "", "url": "https://example.org/bare", "content": "Text", "score": "x"},
            ],
            "response_time": 1.2,
            "request_id": "abc",
        }
    )
    sources = await TavilySearch(KEY, http).search(QUERY)
    sent = route.calls.last.request
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    body = json.loads(sent.content)
    assert body["query"] == "home composting basics" and body["max_results"] == 3
    assert body["search_depth"] == "basic" and body["include_raw_content"] is False
    assert "api_key" not in body, "the key travels in the header only"
    first, bare = sources
    assert first.title == "Composting 101" and first.url == "https://example.org/compost"
    assert first.score == 0.91 and first.provider == "tavily"
    assert first.published_at == "2026-03-01"
    assert "&amp;" not in first.text and len(first.snippet) <= 500
    assert bare.title == "https://example.org/bare" and bare.score is None


@respx.mock
async def test_brave_request_and_results(http: httpx.AsyncClient) -> None:
    route = respx.get(BRAVE).respond(
        json={
            "type": "search",
            "query": {"original": "home composting basics"},
            "web": {
                "type": "search",
                "results": [
                    {
                        "title": "How to <strong>compost</strong>",
                        "url": "https://example.org/how",
                        "description": "Start a <strong>compost</strong> pile &amp; turn it.",
                        "extra_snippets": ["Add dry leaves.", 7],
                        "page_age": "2026-02-11T00:00:00",
                    },
                    {"title": "Second", "url": "https://example.org/2", "description": "Two."},
                    {"title": "Third", "url": "https://example.org/3", "description": "Three."},
                    {"title": "Fourth", "url": "https://example.org/4", "description": "Four."},
                ],
            },
        },
        headers={"X-RateLimit-Remaining": "0, 1999"},
    )
    sources = await BraveSearch(KEY, http).search(QUERY)
    sent = route.calls.last.request
    assert sent.headers["x-subscription-token"] == KEY
    assert sent.url.params["q"] == "home composting basics"
    assert sent.url.params["count"] == "3" and sent.url.params["search_lang"] == "en"
    assert sent.url.params["text_decorations"] == "false"
    assert len(sources) == 3
    assert sources[0].title == "How to compost"
    assert sources[0].snippet == "Start a compost pile & turn it."
    assert sources[0].text == "Start a compost pile & turn it. Add dry leaves."
    assert sources[0].published_at == "2026-02-11T00:00:00" and sources[0].score is None


@respx.mock
async def test_brave_without_web_results_is_an_empty_answer(http: httpx.AsyncClient) -> None:
    respx.get(BRAVE).respond(json={"type": "search", "query": {"original": "zzz"}})
    assert await BraveSearch(KEY, http).search(QUERY) == []


@respx.mock
async def test_searxng_request_and_results(http: httpx.AsyncClient) -> None:
    route = respx.get(SEARXNG).respond(
        json={
            "query": "home composting basics",
            "number_of_results": 0,
            "results": [
                {
                    "url": f"https://example.org/{i}",
                    "title": f"Result {i}",
                    "content": f"Content {i}",
                    "engine": "duckduckgo",
                    "engines": ["duckduckgo", "brave"],
                    "score": 4.0 - i,
                    "category": "general",
                    "publishedDate": None,
                }
                for i in range(20)
            ],
            "answers": [],
            "suggestions": [],
            "unresponsive_engines": [["google", "timeout"]],
        }
    )
    sources = await SearxngSearch("http://searx.internal:8888/", http).search(QUERY)
    params = route.calls.last.request.url.params
    assert params["format"] == "json" and params["q"] == "home composting basics"
    assert params["language"] == "en-GB"
    assert [s.title for s in sources] == ["Result 0", "Result 1", "Result 2"]
    assert sources[0].score == 4.0 and sources[0].provider == "searxng"


# --- failures, the same for every provider -------------------------------------------------


@pytest.mark.parametrize("name", ["tavily", "brave", "searxng"])
@pytest.mark.parametrize(
    ("response", "error", "retry_after_s"),
    [
        (httpx.Response(401, json={"detail": {"error": "Unauthorized: invalid API key."}}),
         SearchUnauthorized, None),
        (httpx.Response(429, headers={"Retry-After": "7"}, text="Too Many Requests"),
         SearchRateLimited, 7.0),
        (httpx.Response(500, text="Internal Server Error"), SearchUnavailable, None),
        (httpx.Response(503, headers={"Retry-After": "30"}, text="busy"), SearchUnavailable, 30.0),
        (httpx.Response(400, json={"detail": {"error": "Invalid topic"}}), SearchRejected, None),
        (httpx.Response(200, text="<html>not json</html>"), SearchResponseInvalid, None),
        (httpx.Response(200, json={"results": "nope", "web": {"results": "nope"}}),
         SearchResponseInvalid, None),
        (httpx.Response(200, json=["a", "list"]), SearchResponseInvalid, None),
    ],
)  # fmt: skip
@respx.mock
async def test_failures(
    http: httpx.AsyncClient,
    name: str,
    response: httpx.Response,
    error: type[SearchProviderError],
    retry_after_s: float | None,
) -> None:
    provider, method, url = _providers(http)[name]
    respx.route(method=method, url__startswith=url).mock(return_value=response)
    with pytest.raises(error) as raised:
        await provider.search(QUERY)
    assert raised.value.provider == name
    assert raised.value.retry_after_s == retry_after_s
    assert raised.value.retryable is error.retryable
    assert KEY not in str(raised.value), "the key never appears in an error"


@pytest.mark.parametrize("name", ["tavily", "brave", "searxng"])
@pytest.mark.parametrize(
    "failure", [httpx.ReadTimeout("slow"), httpx.ConnectTimeout("slow"), httpx.ConnectError("no")]
)
@respx.mock
async def test_timeouts_and_connection_errors(
    http: httpx.AsyncClient, name: str, failure: Exception
) -> None:
    provider, method, url = _providers(http)[name]
    respx.route(method=method, url__startswith=url).mock(side_effect=failure)
    with pytest.raises(SearchUnavailable) as raised:
        await provider.search(QUERY)
    assert raised.value.retryable


@respx.mock
async def test_retry_after_as_an_http_date(http: httpx.AsyncClient) -> None:
    when = datetime.now(UTC) + timedelta(seconds=90)
    respx.post(TAVILY).respond(429, headers={"Retry-After": format_datetime(when, usegmt=True)})
    with pytest.raises(SearchRateLimited) as raised:
        await TavilySearch(KEY, http).search(QUERY)
    assert raised.value.retry_after_s is not None and 85 <= raised.value.retry_after_s <= 90


# --- provider-specific answers ----------------------------------------------------------------


@pytest.mark.parametrize("status", [432, 433])
@respx.mock
async def test_tavily_plan_limits(http: httpx.AsyncClient, status: int) -> None:
    respx.post(TAVILY).respond(
        status, json={"detail": {"error": "This request exceeds your plan's set usage limit."}}
    )
    with pytest.raises(SearchQuotaExceeded) as raised:
        await TavilySearch(KEY, http).search(QUERY)
    assert not raised.value.retryable and "usage limit" in raised.value.detail


@respx.mock
async def test_brave_invalid_token_is_a_422(http: httpx.AsyncClient) -> None:
    respx.get(BRAVE).respond(
        422,
        json={
            "type": "ErrorResponse",
            "error": {
                "id": "ade84851",
                "status": 422,
                "code": "SUBSCRIPTION_TOKEN_INVALID",
                "detail": "The provided subscription token is invalid.",
            },
            "time": 1754364294,
        },
    )
    with pytest.raises(SearchUnauthorized):
        await BraveSearch(KEY, http).search(QUERY)


@pytest.mark.parametrize(
    ("headers", "error", "wait"),
    [
        # The per-second window is spent: wait for it (1 s).
        ({"X-RateLimit-Remaining": "0, 1000", "X-RateLimit-Reset": "1, 1419704"},
         SearchRateLimited, 1.0),
        # The monthly quota is spent: no point in waiting seconds.
        ({"X-RateLimit-Remaining": "1, 0", "X-RateLimit-Reset": "1, 1419704"},
         SearchQuotaExceeded, 1419704.0),
        ({"Retry-After": "3"}, SearchRateLimited, 3.0),
    ],
)  # fmt: skip
@respx.mock
async def test_brave_rate_limit_windows(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    error: type[SearchProviderError],
    wait: float,
) -> None:
    body: dict[str, Any] = {
        "type": "ErrorResponse",
        "error": {"status": 429, "code": "RATE_LIMITED", "detail": "Request rate limit exceeded"},
    }
    respx.get(BRAVE).respond(429, json=body, headers={"X-RateLimit-Limit": "1, 15000", **headers})
    with pytest.raises(error) as raised:
        await BraveSearch(KEY, http).search(QUERY)
    assert raised.value.retry_after_s == wait


@respx.mock
async def test_searxng_with_json_disabled(http: httpx.AsyncClient) -> None:
    respx.get(SEARXNG).respond(403, text="<html><body>Forbidden</body></html>")
    with pytest.raises(SearchRejected) as raised:
        await SearxngSearch("http://searx.internal:8888", http).search(QUERY)
    assert "search.formats" in raised.value.detail


def test_reprs_hide_the_key(http: httpx.AsyncClient) -> None:
    assert KEY not in repr(TavilySearch(KEY, http)) and KEY not in repr(BraveSearch(KEY, http))
