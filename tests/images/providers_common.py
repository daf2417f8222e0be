"""Shared helpers of the image provider wire tests."""

from __future__ import annotations

import json
from typing import Any

import httpx

from icop.images.presets import Preset
from icop.images.providers.base import GenerationRequest
from tests.images.corpus import encode, photo

REQUEST = GenerationRequest(
    prompt="A lighthouse at dawn, watercolour", preset=Preset.PORTRAIT, seed=42
)


def png(w: int = 64, h: int = 96) -> bytes:
    return encode(photo(w, h), "PNG")


def sent_json(request: httpx.Request) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(request.content)
    return body


class Recorder:
    """A progress callback that keeps what it was told."""

    def __init__(self) -> None:
        self.events: list[tuple[str, float | None]] = []

    def __call__(self, message: str, fraction: float | None) -> None:
        self.events.append((message, fraction))
