"""FLUX on fal.ai through its queue API.

1. ``POST https://queue.fal.run/{model}`` with the model's input → ``{"request_id",
   "status_url", "response_url", "cancel_url"}``.
2. ``GET status_url`` → ``{"status": "IN_QUEUE" | "IN_PROGRESS" | "COMPLETED",
   "queue_position"}`` until completed.
3. ``GET response_url`` → ``{"images": [{"url", "width", "height", "content_type"}], "seed",
   "has_nsfw_concepts"}``, then the image from its URL.

Every queue call carries ``Authorization: Key …``; the image download does not (it is on
fal's CDN, another host). We follow the URLs fal returns: for a model id with a path
(``fal-ai/flux/dev``) the status and result URLs use the app id only (``fal-ai/flux``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from icop.images.presets import Preset
from icop.images.providers._http import download, json_body, send
from icop.images.providers.base import (
    GeneratedImage,
    GenerationRequest,
    ImageProviderError,
    Progress,
    ProviderBadOutput,
    ProviderNotConfigured,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
)

# FLUX takes any size in multiples of 16; the preset's size rounded up to one.
SIZES = {
    Preset.PORTRAIT: (1088, 1360),
    Preset.SQUARE: (1088, 1088),
    Preset.LANDSCAPE: (1200, 640),
}
_PENDING = {"IN_QUEUE", "IN_PROGRESS"}


class FalFluxProvider:
    name = "fal"
    gpu = False

    def __init__(
        self,
        api_key: str | None,
        *,
        model: str = "fal-ai/flux/dev",
        queue_url: str = "https://queue.fal.run",
        timeout_s: float = 300.0,
        poll_interval_s: float = 1.0,
        client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._api_key = api_key
        self.model = model
        self.queue_url = queue_url.rstrip("/")
        self.timeout_s = timeout_s
        self.poll_interval_s = poll_interval_s
        self._client = client or httpx.AsyncClient(timeout=httpx.Timeout(60.0, connect=10.0))
        self._sleep = sleep
        self._clock = clock

    def configured(self) -> bool:
        return bool(self._api_key)

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Key {self._api_key}"}

    async def _call(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        response = await send(
            self._client,
            self.name,
            method,
            url,
            secret=self._api_key,
            headers=self._headers,
            **kwargs,
        )
        return json_body(self.name, response)

    async def generate(
        self, request: GenerationRequest, progress: Progress | None = None
    ) -> GeneratedImage:
        if not self._api_key:
            raise ProviderNotConfigured(self.name, "no API key (FAL_KEY)")
        width, height = SIZES[request.preset]
        submitted = await self._call(
            "POST",
            f"{self.queue_url}/{self.model}",
            json={
                "prompt": request.prompt,
                "image_size": {"width": width, "height": height},
                "seed": request.seed,
                "num_images": 1,
                "enable_safety_checker": True,
                "output_format": "png",
            },
        )
        request_id = submitted.get("request_id")
        if not isinstance(request_id, str) or not request_id:
            raise ProviderBadOutput(self.name, "the queue did not return a request_id")
        base = f"{self.queue_url}/{_app_id(self.model)}/requests/{request_id}"
        status_url = _str(submitted.get("status_url")) or f"{base}/status"
        response_url = _str(submitted.get("response_url")) or base
        cancel_url = _str(submitted.get("cancel_url")) or f"{base}/cancel"
        try:
            await self._wait(status_url, progress)
        except ProviderTimeout:
            await self._cancel(cancel_url)
            raise
        result = await self._call("GET", response_url)
        return await self._image(result, request)

    async def _wait(self, status_url: str, progress: Progress | None) -> None:
        deadline = self._clock() + self.timeout_s
        while True:
            status = await self._call("GET", status_url)
            state = status.get("status")
            if state == "COMPLETED":
                if status.get("error"):  # the runner failed; the result would only repeat it
                    raise ProviderUnavailable(
                        self.name,
                        f"the request failed: {status.get('error')}",
                        error_type=status.get("error_type"),
                    )
                return
            if state not in _PENDING:
                raise ProviderBadOutput(self.name, f"unknown queue status {state!r}")
            if progress:
                position = status.get("queue_position")
                progress(
                    f"queued at position {position}" if state == "IN_QUEUE" else "generating",
                    None,
                )
            if self._clock() + self.poll_interval_s > deadline:
                raise ProviderTimeout(self.name, f"not done after {self.timeout_s:.0f} s")
            await self._sleep(self.poll_interval_s)

    async def _cancel(self, cancel_url: str) -> None:
        # Best effort: a queued request we stopped waiting for should not be billed.
        with contextlib.suppress(ImageProviderError):
            await self._call("PUT", cancel_url)

    async def _image(self, result: dict[str, Any], request: GenerationRequest) -> GeneratedImage:
        images = result.get("images")
        if not isinstance(images, list) or not images or not isinstance(images[0], dict):
            raise ProviderBadOutput(self.name, "the result has no images")
        flags = result.get("has_nsfw_concepts")
        if isinstance(flags, list) and flags and flags[0] is True:
            # The safety checker blanks flagged images: there is nothing to publish.
            raise ProviderRejected(self.name, "the image was flagged by the safety checker")
        url = _str(images[0].get("url"))
        if not url:
            raise ProviderBadOutput(self.name, "the result's image has no url")
        data = await download(self._client, self.name, url)
        seed = result.get("seed")
        return GeneratedImage(
            provider=self.name,
            model=self.model,
            data=data,
            seed=seed if isinstance(seed, int) else request.seed,
            details={"timings": result.get("timings")},
        )

    async def aclose(self) -> None:
        await self._client.aclose()


def _app_id(model: str) -> str:
    return "/".join(model.split("/")[:2])


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
