"""Veo through the ``google-genai`` SDK, on Vertex AI with an API key (express mode).

The pinned SDK (3.4) generates videos on Vertex AI only (``generate_videos`` refuses the
Gemini Developer API), so the client is ``genai.Client(vertexai=True, api_key=…)``:

1. ``POST /v1beta1/publishers/google/models/{model}:predictLongRunning`` ``{"instances":
   [{"prompt"}], "parameters": {"sampleCount", "durationSeconds", "seed", "aspectRatio",
   "negativePrompt"}}`` → ``{"name": "projects/…/operations/{id}"}``.
2. ``POST /v1beta1/projects/…/models/{model}:fetchPredictOperation`` ``{"operationName"}``
   (``operations.get``) every ``poll_interval_s`` until ``"done": true``, up to ``timeout_s``;
   then ``response.videos[0]`` with ``bytesBase64Encoded`` (no ``storageUri`` is set, so the
   video comes inline), or ``error {code, message}``, or no video and a
   ``raiMediaFilteredCount`` (refused by the content filter).
3. A video given by ``https`` URI instead is downloaded with the key; a ``gs://`` one is
   refused (we hold no Cloud Storage credentials).

The SDK is handed our ``httpx.AsyncClient`` (as the Gemini LLM provider does), so it speaks
httpx and respx sees every request; the SDK's own retries are off (the workflow retries).
Cost is the configured price per generated second: the API reports none.
"""

from __future__ import annotations

import asyncio
import time

import httpx
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from icop.images.providers.base import (
    ImageProviderError,
    Progress,
    ProviderBadOutput,
    ProviderNotConfigured,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
    error_for_status,
)
from icop.kit.http import transport_failure
from icop.video.providers.base import RenderedSegment, SegmentRequest

DEFAULT_BASE_URL = "https://aiplatform.googleapis.com"
API_VERSION = "v1beta1"
DURATIONS = (4, 6, 8)  # what Veo 3.x generates; the edit cuts a clip to its scene
MAX_VIDEO_BYTES = 200 * 1024 * 1024
NEGATIVE = "text, letters, captions, watermark, logo"


class VeoProvider:
    name = "veo"
    gpu = False  # Google's GPUs: the segment runs on the ordinary queue
    needs_still = False

    def __init__(
        self,
        api_key: str | None,
        *,
        model: str = "veo-3.0-fast-generate-001",
        base_url: str = DEFAULT_BASE_URL,
        timeout_s: float = 600.0,
        poll_interval_s: float = 10.0,
        usd_per_second: float = 0.15,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self.model = model
        self._api_key = api_key or None
        self.timeout_s = timeout_s
        self.poll_interval_s = poll_interval_s
        self.usd_per_second = usd_per_second
        self._http = http_client or httpx.AsyncClient(timeout=httpx.Timeout(60.0, connect=10.0))
        self._client: genai.Client | None = None
        if self._api_key is not None:
            self._client = genai.Client(
                api_key=self._api_key,
                vertexai=True,
                http_options=types.HttpOptions(
                    base_url=base_url.rstrip("/"),
                    api_version=API_VERSION,
                    timeout=60_000,
                    retry_options=types.HttpRetryOptions(attempts=1),
                    httpx_async_client=self._http,
                ),
            )

    def configured(self) -> bool:
        return self._client is not None

    async def render(
        self, request: SegmentRequest, progress: Progress | None = None
    ) -> RenderedSegment:
        if self._client is None or self._api_key is None:
            raise ProviderNotConfigured(self.name, "no API key (ICOP_VEO_API_KEY)")
        seconds = next((d for d in DURATIONS if d >= request.duration_s), DURATIONS[-1])
        deadline = time.monotonic() + self.timeout_s
        try:
            operation = await self._client.aio.models.generate_videos(
                model=self.model,
                source=types.GenerateVideosSource(prompt=request.prompt),
                config=types.GenerateVideosConfig(
                    aspect_ratio="9:16" if request.height > request.width else "16:9",
                    duration_seconds=seconds,
                    number_of_videos=1,
                    negative_prompt=NEGATIVE,
                    seed=request.seed,
                ),
            )
            while not operation.done:
                if time.monotonic() + self.poll_interval_s > deadline:
                    raise ProviderTimeout(self.name, f"not done after {self.timeout_s:.0f} s")
                if progress:
                    progress("generating on Veo", None)
                await asyncio.sleep(self.poll_interval_s)
                operation = await self._client.aio.operations.get(operation)
        except genai_errors.APIError as error:
            raise error_for_status(self.name, error.code, str(error.message or error)) from None
        except httpx.TransportError as error:
            raise _transport(self.name, error) from None
        if operation.error:
            raise _operation_error(self.name, operation.error)
        response = operation.response or operation.result
        samples = (response.generated_videos if response else None) or []
        video = samples[0].video if samples else None
        if video is None or not (video.uri or video.video_bytes):
            filtered = response.rai_media_filtered_reasons if response else None
            if response and response.rai_media_filtered_count:
                raise ProviderRejected(self.name, f"refused by the content filter: {filtered}")
            raise ProviderBadOutput(self.name, "the operation finished without a video")
        if video.video_bytes:
            data = video.video_bytes
        elif str(video.uri).startswith("https://"):
            data = await self._download(str(video.uri))
        else:
            raise ProviderBadOutput(self.name, f"the video is at {video.uri}, not downloadable")
        return RenderedSegment(
            provider=self.name,
            model=self.model,
            data=data,
            cost_usd=round(seconds * self.usd_per_second, 4),
            details={"operation": operation.name, "seconds": seconds},
        )

    async def _download(self, uri: str) -> bytes:
        assert self._api_key is not None
        try:
            async with self._http.stream(
                "GET", uri, headers={"x-goog-api-key": self._api_key}, follow_redirects=True
            ) as response:
                if not response.is_success:
                    await response.aread()
                    raise error_for_status(self.name, response.status_code, response.text[:300])
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > MAX_VIDEO_BYTES:
                        raise ProviderBadOutput(self.name, "the video is too large")
                    chunks.append(chunk)
                return b"".join(chunks)
        except httpx.TransportError as error:
            raise _transport(self.name, error) from None

    async def aclose(self) -> None:
        await self._http.aclose()


def _transport(provider: str, error: httpx.TransportError) -> ImageProviderError:
    failure = transport_failure(error)
    if failure.timed_out:
        return ProviderTimeout(provider, f"no answer in time ({failure.name})")
    return ProviderUnavailable(provider, f"unreachable: {failure.describe()}")


def _operation_error(provider: str, error: dict[str, object]) -> ImageProviderError:
    code = error.get("code")
    message = str(error.get("message") or "the operation failed")
    # google.rpc.Code: 3 INVALID_ARGUMENT, 7 PERMISSION_DENIED, 8 RESOURCE_EXHAUSTED, 4 DEADLINE
    http = {3: 400, 7: 403, 8: 429, 4: 504, 13: 500, 14: 503}.get(
        code if isinstance(code, int) else 13, 500
    )
    return error_for_status(provider, http, message)
