"""Veo and ComfyUI AnimateDiff at the wire level (respx), against the documented shapes:
Veo's long-running operation (``predictLongRunning``, polled ``operations/…``, the sample's
URI downloaded with the key), its failures (an operation error, the content filter, a rate
limit, a poll that never finishes); AnimateDiff's queue, history and VideoHelperSuite output."""

from __future__ import annotations

import base64
import json
import socket

import httpx
import pytest
import respx

from icop.images.providers.base import (
    ProviderBusy,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
)
from icop.video.providers.base import SegmentRequest
from icop.video.providers.comfyui import AnimateDiffProvider, load_video_workflow
from icop.video.providers.veo import VeoProvider

API = "https://aiplatform.googleapis.com/v1beta1"
MODEL = "veo-3.0-fast-generate-001"
OPERATION = (
    f"projects/icop-demo/locations/us-central1/publishers/google/models/{MODEL}/operations/k2x9op"
)
SUBMIT = f"{API}/publishers/google/models/{MODEL}:predictLongRunning"
MODEL_PATH = f"projects/icop-demo/locations/us-central1/publishers/google/models/{MODEL}"
FETCH = f"{API}/{MODEL_PATH}:fetchPredictOperation"
FILE_URI = "https://storage.example.com/veo/3kd8s1.mp4"
MP4 = b"\x00\x00\x00\x20ftypisom" + b"\x00" * 64
REQUEST = SegmentRequest(
    prompt="A compost heap steaming in a sunny garden, no text",
    duration_s=5.0,
    width=1080,
    height=1920,
    fps=30,
    seed=7,
)


def done(response: dict[str, object]) -> dict[str, object]:
    return {"name": OPERATION, "done": True, "response": response}


INLINE = {
    "@type": "type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse",
    "videos": [{"bytesBase64Encoded": base64.b64encode(MP4).decode(), "mimeType": "video/mp4"}],
}
BY_URI = {"videos": [{"gcsUri": FILE_URI, "mimeType": "video/mp4"}]}


def veo(**kwargs: object) -> VeoProvider:
    return VeoProvider("test-key", model=MODEL, poll_interval_s=0.0, **kwargs)  # type: ignore[arg-type]


@respx.mock
async def test_veo_submits_polls_and_downloads() -> None:
    submit = respx.post(SUBMIT).respond(json={"name": OPERATION})
    poll = respx.post(FETCH).mock(
        side_effect=[
            httpx.Response(200, json={"name": OPERATION}),
            httpx.Response(200, json=done(INLINE)),
            httpx.Response(200, json=done(BY_URI)),
        ]
    )
    fetch = respx.get(FILE_URI).respond(content=MP4, headers={"content-type": "video/mp4"})
    segment = await veo(usd_per_second=0.15).render(REQUEST)
    assert json.loads(poll.calls[0].request.content) == {"operationName": OPERATION}
    assert segment.data == MP4 and segment.provider == "veo"
    assert segment.cost_usd == pytest.approx(6 * 0.15)  # 5 s asks for Veo's 6-second clip
    body = json.loads(submit.calls[0].request.content)
    assert body["instances"][0]["prompt"] == REQUEST.prompt
    assert body["parameters"]["aspectRatio"] == "9:16"
    assert body["parameters"]["durationSeconds"] == 6
    assert body["parameters"]["seed"] == 7
    assert submit.calls[0].request.headers["x-goog-api-key"] == "test-key"
    assert poll.call_count == 2 and not fetch.called
    by_uri = await veo().render(REQUEST)  # a video given by https URI is downloaded with the key
    assert by_uri.data == MP4
    assert fetch.calls[0].request.headers["x-goog-api-key"] == "test-key"


@respx.mock
async def test_veo_failures_map_to_provider_errors() -> None:
    submit = respx.post(SUBMIT)
    poll = respx.post(FETCH)
    submit.respond(
        429, json={"error": {"code": 429, "message": "quota", "status": "RESOURCE_EXHAUSTED"}}
    )
    with pytest.raises(ProviderBusy):
        await veo().render(REQUEST)
    submit.respond(json={"name": OPERATION})
    poll.respond(
        json={"name": OPERATION, "done": True, "error": {"code": 13, "message": "internal"}}
    )
    with pytest.raises(ProviderUnavailable):
        await veo().render(REQUEST)
    filtered = {"raiMediaFilteredCount": 1, "raiMediaFilteredReasons": ["unsafe"]}
    poll.respond(json=done(filtered))
    with pytest.raises(ProviderRejected, match="content filter"):
        await veo().render(REQUEST)
    poll.respond(json={"name": OPERATION})  # never done
    provider = VeoProvider("test-key", model=MODEL, poll_interval_s=0.01, timeout_s=0.05)
    with pytest.raises(ProviderTimeout):
        await provider.render(REQUEST)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_animatediff_queues_the_bundled_workflow_and_fetches_the_mp4() -> None:
    base = f"http://127.0.0.1:{closed_port()}"  # no socket there: progress by /history polling
    pid = "0c1d7a52-9b8e-4c1e-a3c2-5d1f0e6b7a88"
    video_ref = {
        "filename": "icop_segment_00001.mp4",
        "subfolder": "",
        "type": "output",
        "format": "video/h264-mp4",
    }
    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"{base}/queue").respond(json={"queue_running": [], "queue_pending": []})
        submit = mock.post(f"{base}/prompt").respond(
            json={"prompt_id": pid, "number": 3, "node_errors": {}}
        )
        mock.get(f"{base}/history/{pid}").mock(
            side_effect=[
                httpx.Response(200, json={}),
                *[
                    httpx.Response(
                        200,
                        json={
                            pid: {
                                "outputs": {"8": {"gifs": [video_ref]}},
                                "status": {
                                    "status_str": "success",
                                    "completed": True,
                                    "messages": [],
                                },
                            }
                        },
                    )
                ]
                * 2,
            ]
        )
        view = mock.get(f"{base}/view").respond(content=MP4)
        provider = AnimateDiffProvider(base, poll_interval_s=0.0, connect_timeout_s=0.5)
        segment = await provider.render(REQUEST)
        await provider.aclose()
    assert segment.data == MP4 and segment.provider == "animatediff"
    graph = json.loads(submit.calls[0].request.content)["prompt"]
    assert graph["5"]["inputs"] == {"width": 512, "height": 912, "batch_size": 40}
    assert graph["6"]["inputs"]["seed"] == 7 and graph["8"]["inputs"]["frame_rate"] == 8
    assert REQUEST.prompt in graph["3"]["inputs"]["text"]
    assert view.calls[0].request.url.params["filename"] == "icop_segment_00001.mp4"
    assert "{{frames}}" in json.dumps(load_video_workflow())


async def test_animatediff_times_out_and_abandons_the_job() -> None:
    base = f"http://127.0.0.1:{closed_port()}"
    pid = "9a0e"
    with respx.mock as mock:
        mock.get(f"{base}/queue").respond(json={"queue_running": [], "queue_pending": []})
        mock.post(f"{base}/prompt").respond(json={"prompt_id": pid, "number": 1, "node_errors": {}})
        mock.get(f"{base}/history/{pid}").respond(json={})
        cancel = mock.post(f"{base}/queue").respond(json={})
        interrupt = mock.post(f"{base}/interrupt").respond(json={})
        provider = AnimateDiffProvider(
            base, poll_interval_s=0.01, timeout_s=0.05, connect_timeout_s=0.5
        )
        with pytest.raises(ProviderTimeout):
            await provider.render(REQUEST)
        await provider.aclose()
    assert json.loads(cancel.calls[0].request.content) == {"delete": [pid]}
    assert interrupt.called
