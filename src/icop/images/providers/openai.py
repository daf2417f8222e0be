"""OpenAI's GPT Image models (``gpt-image-1`` by default) through the Images API.

``POST {base}/images/generations`` with ``{"model", "prompt", "n", "size", "quality",
"output_format"}``; GPT Image models always answer base64 (``data[0].b64_json``) and reject
``response_format``. DALL·E 3 is retired (docs/adr/0007).
"""

from __future__ import annotations

import base64
import binascii

import httpx

from icop.images.presets import Preset
from icop.images.providers._http import json_body, send
from icop.images.providers.base import (
    GeneratedImage,
    GenerationRequest,
    Progress,
    ProviderBadOutput,
    ProviderNotConfigured,
)

# The three sizes GPT Image models generate; the preset's crop follows.
SIZES = {
    Preset.PORTRAIT: "1024x1536",
    Preset.SQUARE: "1024x1024",
    Preset.LANDSCAPE: "1536x1024",
}


class OpenAIImageProvider:
    name = "openai"
    gpu = False

    def __init__(
        self,
        api_key: str | None,
        *,
        model: str = "gpt-image-1",
        base_url: str = "https://api.openai.com/v1",
        quality: str = "medium",
        timeout_s: float = 180.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._api_key = api_key
        self.model = model
        self.base_url = base_url.rstrip("/")
        self.quality = quality
        self._client = client or httpx.AsyncClient(timeout=httpx.Timeout(timeout_s, connect=10.0))

    def configured(self) -> bool:
        return bool(self._api_key)

    async def generate(
        self, request: GenerationRequest, progress: Progress | None = None
    ) -> GeneratedImage:
        if not self._api_key:
            raise ProviderNotConfigured(self.name, "no API key (OPENAI_API_KEY)")
        payload = {
            "model": self.model,
            "prompt": request.prompt,
            "n": 1,
            "size": SIZES[request.preset],
            "quality": self.quality,
            # Lossless: our pipeline makes the one lossy encode.
            "output_format": "png",
        }
        if progress:
            progress("requested", None)
        response = await send(
            self._client,
            self.name,
            "POST",
            f"{self.base_url}/images/generations",
            secret=self._api_key,
            json=payload,
            headers={"Authorization": f"Bearer {self._api_key}"},
        )
        body = json_body(self.name, response)
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

    async def aclose(self) -> None:
        await self._client.aclose()
