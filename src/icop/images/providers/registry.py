"""Every image provider ICOP knows, built from the settings. Providers without a key or host
report ``configured() == False`` and the chain skips them."""

from __future__ import annotations

from icop.config import Settings
from icop.images.providers.base import ImageProvider
from icop.images.providers.comfyui import ComfyUIProvider
from icop.images.providers.fal import FalFluxProvider
from icop.images.providers.local import LocalRendererProvider
from icop.images.providers.openai import OpenAIImageProvider
from icop.images.settings import ImageSettings


def build_providers(
    settings: Settings, images: ImageSettings | None = None
) -> dict[str, ImageProvider]:
    images = images or ImageSettings()
    openai_key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    fal_key = images.fal_key.get_secret_value() if images.fal_key else None
    providers: list[ImageProvider] = [
        OpenAIImageProvider(
            openai_key,
            model=images.image_openai_model,
            base_url=settings.openai_base_url,
            quality=images.image_openai_quality,
            timeout_s=images.image_openai_timeout_s,
        ),
        FalFluxProvider(
            fal_key,
            model=images.fal_model,
            queue_url=images.fal_queue_url,
            timeout_s=images.fal_timeout_s,
            poll_interval_s=images.fal_poll_interval_s,
        ),
        ComfyUIProvider(
            images.comfyui_url,
            workflow=images.comfyui_workflow,
            timeout_s=images.comfyui_timeout_s,
            max_queue=images.comfyui_max_queue,
        ),
        LocalRendererProvider(),
    ]
    return {provider.name: provider for provider in providers}
