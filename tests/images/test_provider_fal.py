"""FLUX on fal.ai at the wire level: the queue API's submit → status → result → download,
``Authorization: Key …`` on queue calls only, the URLs fal returns followed (the app id
without the endpoint path), and failures, timeouts and cancellation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from icop.images.providers.base import (
    ProviderBadOutput,
    ProviderBusy,
    ProviderNotConfigured,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
)
from icop.images.providers.fal import FalFluxProvider
from tests.images.providers_common import REQUEST, Recorder, png, sent_json

KEY = "fal-key-id:fal-key-secret-0123"
QUEUE = "https://queue.fal.run"
RID = "764cabcf-b745-4b3e-ae38-1200304cf45b"
APP = f"{QUEUE}/fal-ai/flux/requests/{RID}"
CDN = "https://v3.fal.media/files/rabbit/abc123.png"


def submitted() -> dict[str, Any]:
    return {
        "request_id": RID,
        "response_url": APP,
        "status_url": f"{APP}/status",
        "cancel_url": f"{APP}/cancel",
        "queue_position": 2,
    }


def status(state: str, **extra: Any) -> dict[str, Any]:
    return {"status": state, "response_url": APP, "status_url": f"{APP}/status", **extra}


def result(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "images": [{"url": CDN, "width": 1088, "height": 1360, "content_type": "image/png"}],
        "timings": {"inference": 2.1},
        "seed": 42,
        "has_nsfw_concepts": [False],
        "prompt": REQUEST.prompt,
    }
    return body | overrides


async def no_sleep(_: float) -> None:
    return None


@pytest.fixture
def provider() -> FalFluxProvider:
    return FalFluxProvider(KEY, timeout_s=30, poll_interval_s=0.5, sleep=no_sleep)


def mock_happy_path(image: bytes) -> dict[str, respx.Route]:
    return {
        "submit": respx.post(f"{QUEUE}/fal-ai/flux/dev").mock(
            return_value=httpx.Response(200, json=submitted())
        ),
        "status": respx.get(f"{APP}/status").mock(
            side_effect=[
                httpx.Response(202, json=status("IN_QUEUE", queue_position=1)),
                httpx.Response(202, json=status("IN_PROGRESS", logs=None)),
                httpx.Response(200, json=status("COMPLETED", logs=None, metrics={})),
            ]
        ),
        "result": respx.get(APP).mock(return_value=httpx.Response(200, json=result())),
        "image": respx.get(CDN).mock(
            return_value=httpx.Response(200, content=image, headers={"content-type": "image/png"})
        ),
    }


@respx.mock
async def test_queue_round_trip(provider: FalFluxProvider) -> None:
    image = png()
    routes = mock_happy_path(image)
    progress = Recorder()
    generated = await provider.generate(REQUEST, progress)
    assert generated.data == image
    assert (generated.provider, generated.model, generated.seed) == ("fal", "fal-ai/flux/dev", 42)
    body = sent_json(routes["submit"].calls.last.request)
    assert body == {
        "prompt": REQUEST.prompt,
        "image_size": {"width": 1088, "height": 1360},
        "seed": 42,
        "num_images": 1,
        "enable_safety_checker": True,
        "output_format": "png",
    }
    for name in ("submit", "status", "result"):
        assert routes[name].calls.last.request.headers["authorization"] == f"Key {KEY}"
    # The CDN is another host: the key must not travel there.
    assert "authorization" not in routes["image"].calls.last.request.headers
    assert routes["status"].call_count == 3
    assert [message for message, _ in progress.events] == ["queued at position 1", "generating"]


@respx.mock
async def test_status_urls_are_built_when_fal_omits_them(provider: FalFluxProvider) -> None:
    respx.post(f"{QUEUE}/fal-ai/flux/dev").mock(
        return_value=httpx.Response(200, json={"request_id": RID})
    )
    respx.get(f"{APP}/status").mock(return_value=httpx.Response(200, json=status("COMPLETED")))
    respx.get(APP).mock(return_value=httpx.Response(200, json=result()))
    respx.get(CDN).mock(return_value=httpx.Response(200, content=png()))
    assert (await provider.generate(REQUEST)).data


@respx.mock
@pytest.mark.parametrize(
    ("status_code", "body", "expected"),
    [
        (401, {"detail": "Invalid API key"}, ProviderRejected),
        (
            422,
            {"detail": [{"loc": ["body", "prompt"], "msg": "Field required", "type": "missing"}]},
            ProviderRejected,
        ),
        (429, {"detail": "Too many requests"}, ProviderBusy),
        (
            500,
            {
                "detail": [
                    {"loc": ["body"], "msg": "Internal error", "type": "internal_server_error"}
                ]
            },
            ProviderUnavailable,
        ),
    ],
)
async def test_submit_errors(
    provider: FalFluxProvider, status_code: int, body: dict[str, Any], expected: type[Exception]
) -> None:
    respx.post(f"{QUEUE}/fal-ai/flux/dev").mock(
        return_value=httpx.Response(status_code, json=body, headers={"X-Fal-Retryable": "false"})
    )
    with pytest.raises(expected) as raised:
        await provider.generate(REQUEST)
    assert type(raised.value) is expected
    assert KEY not in str(raised.value)
    if status_code == 422:
        assert "missing: Field required" in str(raised.value)


@respx.mock
async def test_failed_request_is_unavailable(provider: FalFluxProvider) -> None:
    respx.post(f"{QUEUE}/fal-ai/flux/dev").mock(return_value=httpx.Response(200, json=submitted()))
    respx.get(f"{APP}/status").mock(
        return_value=httpx.Response(
            200, json=status("COMPLETED", error="Runner crashed", error_type="runner_failed")
        )
    )
    result_route = respx.get(APP)
    with pytest.raises(ProviderUnavailable, match="Runner crashed"):
        await provider.generate(REQUEST)
    assert not result_route.called


@respx.mock
async def test_timeout_cancels_the_request() -> None:
    clock = {"now": 0.0}

    async def sleep(seconds: float) -> None:
        clock["now"] += seconds

    provider = FalFluxProvider(
        KEY, timeout_s=3, poll_interval_s=1, sleep=sleep, clock=lambda: clock["now"]
    )
    respx.post(f"{QUEUE}/fal-ai/flux/dev").mock(return_value=httpx.Response(200, json=submitted()))
    respx.get(f"{APP}/status").mock(
        return_value=httpx.Response(202, json=status("IN_QUEUE", queue_position=9))
    )
    cancel = respx.put(f"{APP}/cancel").mock(
        return_value=httpx.Response(202, json={"status": "CANCELLATION_REQUESTED"})
    )
    with pytest.raises(ProviderTimeout):
        await provider.generate(REQUEST)
    assert clock["now"] == 3  # polled at 0, 1, 2 and 3 s; one more wait would pass the deadline
    assert cancel.called
    assert cancel.calls.last.request.headers["authorization"] == f"Key {KEY}"


@respx.mock
async def test_nsfw_flagged_image_is_rejected(provider: FalFluxProvider) -> None:
    routes = mock_happy_path(png())
    routes["result"].mock(return_value=httpx.Response(200, json=result(has_nsfw_concepts=[True])))
    with pytest.raises(ProviderRejected, match="safety checker"):
        await provider.generate(REQUEST)
    assert not routes["image"].called


@respx.mock
@pytest.mark.parametrize("images", [[], [{"width": 1}], None])
async def test_results_without_images_are_bad_output(
    provider: FalFluxProvider, images: object
) -> None:
    routes = mock_happy_path(png())
    routes["result"].mock(return_value=httpx.Response(200, json=result(images=images)))
    with pytest.raises(ProviderBadOutput):
        await provider.generate(REQUEST)


@respx.mock
async def test_download_failures(provider: FalFluxProvider) -> None:
    routes = mock_happy_path(png())
    routes["image"].mock(return_value=httpx.Response(404, text="gone"))
    with pytest.raises(ProviderRejected):
        await provider.generate(REQUEST)


@respx.mock
async def test_oversized_download_is_refused() -> None:
    from icop.images.providers import _http

    async with httpx.AsyncClient() as client:
        respx.get(CDN).mock(return_value=httpx.Response(200, content=b"x" * 2048))
        with pytest.raises(ProviderBadOutput, match="larger than"):
            await _http.download(client, "fal", CDN, limit=1024)
        assert await _http.download(client, "fal", "data:image/png;base64,aGk=") == b"hi"
        with pytest.raises(ProviderBadOutput):
            await _http.download(client, "fal", "data:image/png,plain")


@respx.mock
async def test_offline_queue_is_unavailable(provider: FalFluxProvider) -> None:
    respx.post(f"{QUEUE}/fal-ai/flux/dev").mock(side_effect=httpx.ConnectError("no route"))
    with pytest.raises(ProviderUnavailable):
        await provider.generate(REQUEST)


async def test_without_a_key_it_is_not_configured() -> None:
    provider = FalFluxProvider(None)
    assert not provider.configured()
    with pytest.raises(ProviderNotConfigured):
        await provider.generate(REQUEST)
