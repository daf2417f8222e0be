"""The worker's video providers follow the settings: the local renderer always, Veo with a key,
AnimateDiff with a ComfyUI host."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from icop.config import Settings
from icop.video.providers.comfyui import AnimateDiffProvider
from icop.video.providers.registry import build_video_providers
from icop.video.providers.veo import VeoProvider


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)


async def test_only_the_local_renderer_without_settings() -> None:
    providers = build_video_providers(settings())
    assert list(providers) == ["local"]
    assert providers["local"].configured() and not providers["local"].gpu


async def test_veo_and_animatediff_join_when_configured(tmp_path: Path) -> None:
    workflow = tmp_path / "ad.json"
    providers = build_video_providers(
        settings(
            veo_api_key="vertex-key",
            veo_model="veo-3.1-generate-preview",
            veo_usd_per_second=0.4,
            animatediff_comfyui_url="http://gpu-box:8188/",
            animatediff_workflow=workflow,
        )
    )
    try:
        assert list(providers) == ["local", "veo", "animatediff"]
        veo, animatediff = providers["veo"], providers["animatediff"]
        assert isinstance(veo, VeoProvider) and veo.configured()
        assert (veo.model, veo.usd_per_second, veo.gpu) == ("veo-3.1-generate-preview", 0.4, False)
        assert isinstance(animatediff, AnimateDiffProvider) and animatediff.configured()
        assert animatediff.gpu and animatediff.base_url == "http://gpu-box:8188"
        assert animatediff.workflow_path == workflow and animatediff.model == "ad"
    finally:
        for provider in providers.values():
            await provider.aclose()


@pytest.mark.parametrize("key", ["", "   "])
async def test_a_blank_veo_key_is_no_veo(key: str) -> None:
    assert "veo" not in build_video_providers(settings(veo_api_key=key))


def test_the_veo_key_reads_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICOP_VEO_API_KEY", "from-env")
    monkeypatch.setenv("ICOP_ANIMATEDIFF_COMFYUI_URL", "http://comfy:8188")
    loaded = settings()
    assert loaded.veo_api_key is not None
    assert loaded.veo_api_key.get_secret_value() == "from-env"
    assert loaded.animatediff_comfyui_url == "http://comfy:8188"
