"""The image provider protocol and the failures every provider maps its own to.

Each failure says what the caller should do next, which is all the fallback policy needs:

| error | meaning | next |
|---|---|---|
| ``ProviderNotConfigured`` | no key or host | skip to the next provider |
| ``ProviderUnavailable``, ``ProviderTimeout`` | offline, 5xx, network, slow | next provider |
| ``ProviderRejected`` | 4xx: bad request, auth, content policy, unknown model | next provider |
| ``ProviderBadOutput`` | answered, but no usable image | next provider |
| ``ProviderBusy``, ``GpuOutOfMemory`` | rate limit, full queue, GPU memory | later, then next |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from PIL import Image

from icop.errors import ICOPError
from icop.images.presets import Preset
from icop.images.render import BrandKit

# (message, fraction done or None): providers report what they know; activities heartbeat it.
Progress = Callable[[str, float | None], None]


@dataclass(frozen=True)
class GenerationRequest:
    prompt: str
    preset: Preset
    seed: int
    title: str | None = None
    """What the local renderer writes on its card; the prompt when unset."""
    brand: BrandKit = field(default_factory=BrandKit)


@dataclass(frozen=True)
class GeneratedImage:
    provider: str
    model: str
    data: bytes | None = None
    image: Image.Image | None = None
    """In-memory output (the local renderer), which skips an encode and a decode."""
    seed: int | None = None
    revised_prompt: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class ImageProvider(Protocol):
    name: str
    model: str
    gpu: bool
    """Runs on a GPU we operate (ComfyUI): its jobs go to the ``gpu`` task queue."""

    def configured(self) -> bool: ...

    async def generate(
        self, request: GenerationRequest, progress: Progress | None = None
    ) -> GeneratedImage: ...

    async def aclose(self) -> None: ...


class ImageProviderError(ICOPError):
    status = 502
    code = "image_provider_error"
    title = "The image provider failed"
    kind: ClassVar[str] = "error"
    retry_later: ClassVar[bool] = False

    def __init__(
        self, provider: str, detail: str, *, retry_after_s: float | None = None, **extra: Any
    ) -> None:
        super().__init__(f"{provider}: {detail}", provider=provider, kind=self.kind, **extra)
        self.provider = provider
        self.retry_after_s = retry_after_s


class ProviderNotConfigured(ImageProviderError):
    kind = "not_configured"


class ProviderUnavailable(ImageProviderError):
    kind = "unavailable"


class ProviderTimeout(ProviderUnavailable):
    kind = "timeout"


class ProviderRejected(ImageProviderError):
    kind = "rejected"


class ProviderBadOutput(ImageProviderError):
    kind = "bad_output"


class ProviderBusy(ImageProviderError):
    kind = "busy"
    retry_later = True


class GpuOutOfMemory(ProviderBusy):
    kind = "out_of_memory"


def error_for_status(
    provider: str, status: int, message: str, retry_after_s: float | None = None
) -> ImageProviderError:
    """The HTTP status → error table, once for every remote provider."""
    if status == 429 and "insufficient_quota" in message:
        # OpenAI's exhausted credit answers 429 too, but waiting does not refill it.
        return ProviderRejected(provider, f"quota exhausted: {message}", http_status=status)
    if status == 429:
        return ProviderBusy(provider, f"rate limited: {message}", retry_after_s=retry_after_s)
    if status in (408, 504):
        return ProviderTimeout(provider, f"timed out upstream ({status}): {message}")
    if status >= 500:
        return ProviderUnavailable(provider, f"server error {status}: {message}")
    return ProviderRejected(provider, f"refused ({status}): {message}", http_status=status)
