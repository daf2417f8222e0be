"""The segment provider protocol. Failures reuse the image providers' table
(``icop.images.providers.base``): each says whether to retry later or move on, which is all the
workflow's regeneration policy needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from icop.agents.schemas.video import CameraMotion
from icop.images.providers.base import Progress
from icop.images.render import BrandKit


@dataclass(frozen=True)
class SegmentRequest:
    prompt: str
    """The shot's English visual prompt."""
    duration_s: float
    width: int
    height: int
    fps: int
    seed: int
    motion: CameraMotion = CameraMotion.PUSH_IN
    still: bytes | None = None
    """A picture to animate (the local renderer's input: from the image service, or a card)."""
    brand: BrandKit = field(default_factory=BrandKit)


@dataclass(frozen=True)
class RenderedSegment:
    provider: str
    model: str
    data: bytes
    """An MP4 (H.264); the edit decodes it, so its own audio and size do not matter."""
    cost_usd: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class VideoProvider(Protocol):
    name: str
    model: str
    gpu: bool
    """Runs on a GPU we operate: its segments go to the ``gpu`` task queue."""
    needs_still: bool
    """Animates a picture rather than generating from the prompt alone."""

    def configured(self) -> bool: ...

    async def render(
        self, request: SegmentRequest, progress: Progress | None = None
    ) -> RenderedSegment: ...

    async def aclose(self) -> None: ...
