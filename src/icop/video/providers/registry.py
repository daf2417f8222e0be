"""The video providers a worker serves, built from the settings: the local renderer always
(the embedded default), Veo when a Vertex AI key is set, AnimateDiff when a ComfyUI host is.
A provider without its setting is left out of the map, so a job asking for it fails at once
with "not configured on this worker" instead of holding an idle HTTP client here."""

from __future__ import annotations

from icop.config import Settings
from icop.video.providers.base import VideoProvider
from icop.video.providers.comfyui import AnimateDiffProvider
from icop.video.providers.local import LocalVideoProvider
from icop.video.providers.veo import VeoProvider

DEFAULT_PROVIDER = "local"


def build_video_providers(settings: Settings) -> dict[str, VideoProvider]:
    providers: dict[str, VideoProvider] = {DEFAULT_PROVIDER: LocalVideoProvider()}
    if settings.veo_api_key is not None and settings.veo_api_key.get_secret_value().strip():
        providers["veo"] = VeoProvider(
            settings.veo_api_key.get_secret_value().strip(),
            model=settings.veo_model,
            base_url=settings.veo_base_url,
            timeout_s=settings.veo_timeout_s,
            poll_interval_s=settings.veo_poll_interval_s,
            usd_per_second=settings.veo_usd_per_second,
        )
    if settings.animatediff_comfyui_url:
        providers["animatediff"] = AnimateDiffProvider(
            settings.animatediff_comfyui_url,
            workflow=settings.animatediff_workflow,
            timeout_s=settings.animatediff_timeout_s,
            max_queue=settings.animatediff_max_queue,
        )
    return providers
