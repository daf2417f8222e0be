"""OpenAI GPT Image at the wire level: the documented request (``POST /v1/images/generations``
with model, prompt, size, quality, output_format and no ``response_format``), the base64
answer, and every failure mapped to what the fallback policy needs."""

from __future__ import annotations

import base64

import httpx
import pytest
import respx

from icop.images.presets import Preset
from icop.images.providers.base import (
    GenerationRequest,
    ProviderBadOutput,
    ProviderBusy,
    ProviderNotConfigured,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
)
from icop.images.providers.openai import OpenAIImageProvider
from tests.images.providers_common import REQUEST, Recorder, png, sent_json

KEY = "sk-test-image-0123456789"
URL = "https://api.openai.com/v1/images/generations"


def answer(image: bytes) -> dict[str, object]:
    """The documented ImagesResponse of a GPT Image model."""
    return {
        "created": 1713833628,
        "data": [{"b64_json": base64.b64encode(image).decode()}],
        "background": "opaque",
        "output_format": "png",
        "quality": "medium",
        "size": "1024x1536",
        "usage": {
            "total_tokens": 100,
            "input_tokens": 50,
            "output_tokens": 50,
            "input_tokens_details": {"text_tokens": 10, "image_tokens": 40},
        },
    }


def error(message: str, code: str | None, kind: str = "invalid_request_error") -> dict[str, object]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


@pytest.fixture
def provider() -> OpenAIImageProvider:
    return OpenAIImageProvider(KEY, model="gpt-image-1", quality="medium")


@respx.mock
async def test_generates_from_the_documented_shapes(provider: OpenAIImageProvider) -> None:
    image = png()
    route = respx.post(URL).mock(return_value=httpx.Response(200, json=answer(image)))
    progress = Recorder()
    result = await provider.generate(REQUEST, progress)
    assert result.data == image
    assert (result.provider, result.model) == ("openai", "gpt-image-1")
    assert result.details["usage"]["total_tokens"] == 100
    sent = route.calls.last.request
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent_json(sent) == {
        "model": "gpt-image-1",
        "prompt": REQUEST.prompt,
        "n": 1,
        "size": "1024x1536",
        "quality": "medium",
        "output_format": "png",
    }
    assert progress.events


@respx.mock
@pytest.mark.parametrize(
    ("preset", "size"),
    [(Preset.PORTRAIT, "1024x1536"), (Preset.SQUARE, "1024x1024"), (Preset.LANDSCAPE, "1536x1024")],
)
async def test_presets_map_to_gpt_image_sizes(
    provider: OpenAIImageProvider, preset: Preset, size: str
) -> None:
    route = respx.post(URL).mock(return_value=httpx.Response(200, json=answer(png())))
    await provider.generate(GenerationRequest(prompt="p", preset=preset, seed=1))
    assert sent_json(route.calls.last.request)["size"] == size


@respx.mock
@pytest.mark.parametrize(
    ("status", "body", "headers", "expected"),
    [
        (
            400,
            error("Your request was rejected by the safety system.", "moderation_blocked"),
            {},
            ProviderRejected,
        ),
        (
            401,
            error(f"Incorrect API key provided: {KEY}.", "invalid_api_key"),
            {},
            ProviderRejected,
        ),
        (
            404,
            error("The model `gpt-image-1` does not exist.", "model_not_found"),
            {},
            ProviderRejected,
        ),
        (
            429,
            error("Rate limit reached for images per minute.", "rate_limit_exceeded", "requests"),
            {"retry-after": "20"},
            ProviderBusy,
        ),
        (
            429,
            error("You exceeded your current quota.", "insufficient_quota", "insufficient_quota"),
            {},
            ProviderRejected,
        ),
        (500, error("The server had an error.", None, "server_error"), {}, ProviderUnavailable),
        (503, {"error": "overloaded"}, {}, ProviderUnavailable),
        (504, "<html>Gateway Timeout</html>", {}, ProviderTimeout),
    ],
)
async def test_errors_are_mapped(
    provider: OpenAIImageProvider,
    status: int,
    body: object,
    headers: dict[str, str],
    expected: type[Exception],
) -> None:
    kwargs = {"json": body} if isinstance(body, dict) else {"text": str(body)}
    respx.post(URL).mock(return_value=httpx.Response(status, headers=headers, **kwargs))
    with pytest.raises(expected) as raised:
        await provider.generate(REQUEST)
    assert type(raised.value) is expected
    assert KEY not in str(raised.value)
    if expected is ProviderBusy:
        assert raised.value.retry_after_s == 20  # type: ignore[attr-defined]


@respx.mock
async def test_transport_failures(provider: OpenAIImageProvider) -> None:
    respx.post(URL).mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(ProviderTimeout):
        await provider.generate(REQUEST)
    respx.post(URL).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(ProviderUnavailable, match="unreachable"):
        await provider.generate(REQUEST)


@respx.mock
@pytest.mark.parametrize(
    "body",
    [
        {"created": 1, "data": []},
        {"created": 1, "data": [{"url": "https://example.com/x.png"}]},
        {"created": 1, "data": [{"b64_json": "not base64!!"}]},
        {"created": 1},
    ],
)
async def test_answers_without_an_image_are_bad_output(
    provider: OpenAIImageProvider, body: dict[str, object]
) -> None:
    respx.post(URL).mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(ProviderBadOutput):
        await provider.generate(REQUEST)


@respx.mock
async def test_html_instead_of_json_is_bad_output(provider: OpenAIImageProvider) -> None:
    respx.post(URL).mock(return_value=httpx.Response(200, text="<html>proxy</html>"))
    with pytest.raises(ProviderBadOutput):
        await provider.generate(REQUEST)


async def test_without_a_key_it_is_not_configured() -> None:
    provider = OpenAIImageProvider(None)
    assert not provider.configured()
    with pytest.raises(ProviderNotConfigured):
        await provider.generate(REQUEST)


@respx.mock
async def test_custom_base_url_and_model() -> None:
    route = respx.post("http://gateway.local/v1/images/generations").mock(
        return_value=httpx.Response(200, json=answer(png()))
    )
    provider = OpenAIImageProvider(KEY, model="gpt-image-1.5", base_url="http://gateway.local/v1/")
    await provider.generate(REQUEST)
    assert sent_json(route.calls.last.request)["model"] == "gpt-image-1.5"
    await provider.aclose()


@respx.mock
@pytest.mark.parametrize("status", [429, 500, 503])
async def test_the_sdk_never_retries(provider: OpenAIImageProvider, status: int) -> None:
    """Retries and fallback belong to the image job, which must see every failure."""
    route = respx.post(URL).mock(
        return_value=httpx.Response(status, json=error("busy", None), headers={"retry-after": "0"})
    )
    with pytest.raises(ProviderBusy if status == 429 else ProviderUnavailable):
        await provider.generate(REQUEST)
    assert route.call_count == 1


async def test_an_injected_http_client_carries_the_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A process-wide organization must not be billed for a tenant's images.
    monkeypatch.setenv("OPENAI_ORG_ID", "org-from-the-environment")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-from-the-environment")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=answer(png()))

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    provider = OpenAIImageProvider(KEY, base_url="http://images.local/v1", client=http)
    result = await provider.generate(REQUEST)
    assert result.data is not None
    (request,) = seen
    assert (request.method, str(request.url)) == (
        "POST",
        "http://images.local/v1/images/generations",
    )
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert "openai-organization" not in request.headers
    assert "openai-project" not in request.headers
    await provider.aclose()
    assert http.is_closed
