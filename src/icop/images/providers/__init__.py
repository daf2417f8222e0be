"""Image providers behind one protocol (``base.ImageProvider``): OpenAI GPT Image, FLUX on
fal.ai, ComfyUI, and the local card renderer (the embedded default)."""

from icop.images.providers.base import (
    GeneratedImage,
    GenerationRequest,
    GpuOutOfMemory,
    ImageProvider,
    ImageProviderError,
    ProviderBadOutput,
    ProviderBusy,
    ProviderNotConfigured,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
)
from icop.images.providers.registry import build_providers

__all__ = [
    "GeneratedImage",
    "GenerationRequest",
    "GpuOutOfMemory",
    "ImageProvider",
    "ImageProviderError",
    "ProviderBadOutput",
    "ProviderBusy",
    "ProviderNotConfigured",
    "ProviderRejected",
    "ProviderTimeout",
    "ProviderUnavailable",
    "build_providers",
]
