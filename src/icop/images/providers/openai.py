"""OpenAI's GPT Image models (``gpt-image-1`` by default) through the official SDK's Images API.

``POST {base}/images/generations`` with ``{"model", "prompt", "n", "size", "quality",
"output_format"}``; GPT Image models always answer base64 (``data[0].b64_json``) and reject
``response_format``. DALL·E 3 is retired (docs/adr/0007).

As for chat (``icop.llm.providers.openai``), the SDK never retries (``max_retries=0``): the
image job's fallback chain and Temporal's retry policy decide what happens after a failure.
The answer is read through ``with_raw_response`` and decoded here, so a body that is not the
documented shape is a ``ProviderBadOutput`` instead of an object whose fields are ``None``.
"""

from __future__ import annotations

import base64
import binascii
from typing import Literal

import httpx
import openai

from icop.images.presets import Preset
from icop.images.providers._http import json_body, status_error, transport_error
from icop.images.providers.base import (
    GeneratedImage,
    GenerationRequest,
    ImageProviderError,
    Progress,
    ProviderBadOutput,
    ProviderNotConfigured,
    ProviderTimeout,
    ProviderUnavailable,
)
from icop.kit.http import redact, transport_failure

# The three sizes GPT Image models generate; the preset's crop follows.
SIZES: dict[Preset, Literal["1024x1536", "1024x1024", "1536x1024"]] = {
    Preset.PORTRAIT: "1024x1536",
    Preset.SQUARE: "1024x1024",
    Preset.LANDSCAPE: "1536x1024",
}
Quality = Literal["low", "medium", "high", "auto"]


class OpenAIImageProvider:
    name = "openai"
    gpu = False

    def __init__(
        self,
        api_key: str | None,
        *,
        model: str = "gpt-image-1",
        base_url: str = "https://api.openai.com/v1",
        quality: Quality = "medium",
        timeout_s: float = 180.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._api_key = api_key or None
        self.model = model
        self.base_url = base_url.rstrip("/")
        self.quality = quality
        self._sdk: openai.AsyncOpenAI | None = None
        if self._api_key:
            self._sdk = openai.AsyncOpenAI(
                api_key=self._api_key,
                base_url=self.base_url,
                timeout=httpx.Timeout(timeout_s, connect=10.0),
                max_retries=0,
                http_client=client,
            )
            # The SDK fills these from OPENAI_ORG_ID/OPENAI_PROJECT_ID: the settings are the
            # only source here, so a process-wide variable cannot bill another organization.
            self._sdk.organization = None
            self._sdk.project = None

    def configured(self) -> bool:
        return self._sdk is not None

    async def generate(
        self, request: GenerationRequest, progress: Progress | None = None
    ) -> GeneratedImage:
        if self._sdk is None:
            raise ProviderNotConfigured(self.name, "no API key (OPENAI_API_KEY)")
        if progress:
            progress("requested", None)
        try:
            raw = await self._sdk.images.with_raw_response.generate(
                model=self.model,
                prompt=request.prompt,
                n=1,
                size=SIZES[request.preset],
                quality=self.quality,
                # Lossless: our pipeline makes the one lossy encode.
                output_format="png",
            )
        except openai.APIError as exc:
            raise self._map_error(exc) from None
        body = json_body(self.name, raw.http_response)
        data = body.get("data")
        if not isinstance(data, list) or not data or not isinstance(data[0], dict):
            raise ProviderBadOutput(self.name, "the answer has no image")
        encoded = data[0].get("b64_json")
        if not isinstance(encoded, str) or not encoded:
            raise ProviderBadOutput(self.name, "the answer has no b64_json image")
        try:
            image = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ProviderBadOutput(self.name, "b64_json is not valid base64") from None
        return GeneratedImage(
            provider=self.name,
            model=self.model,
            data=image,
            seed=None,  # GPT Image models take no seed
            revised_prompt=data[0].get("revised_prompt"),
            details={"usage": body.get("usage"), "size": body.get("size")},
        )

    def _map_error(self, exc: openai.APIError) -> ImageProviderError:
        """The SDK's errors as the raw wire's: its status errors carry the response (status,
        headers, body), its connection errors the httpx exception as their cause."""
        if isinstance(exc, openai.APIStatusError):
            return status_error(self.name, exc.response, secret=self._api_key)
        cause = exc.__cause__
        if isinstance(cause, httpx.HTTPError):
            return transport_error(self.name, transport_failure(cause), secret=self._api_key)
        if isinstance(exc, openai.APITimeoutError):
            return ProviderTimeout(self.name, f"no answer in time ({type(exc).__name__})")
        if isinstance(exc, openai.APIConnectionError):
            detail = redact(str(exc) or type(exc).__name__, self._api_key)
            return ProviderUnavailable(self.name, f"unreachable: {detail}")
        return ProviderBadOutput(self.name, redact(str(exc), self._api_key)[:300])

    async def aclose(self) -> None:
        if self._sdk is not None:
            await self._sdk.close()
