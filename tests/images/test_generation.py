"""Fitting provider output to a preset, the provider chain with fallback, and its order."""

from __future__ import annotations

import io
from dataclasses import dataclass

import httpx
import pytest
import respx
from PIL import Image

from icop.images.errors import ImageRejected
from icop.images.generation import (
    ImageGenerationFailed,
    produce_with_fallback,
    resolve_chain,
)
from icop.images.presets import Preset, centre_box, fit_to_preset
from icop.images.providers.base import (
    GeneratedImage,
    GenerationRequest,
    ImageProvider,
    Progress,
    ProviderBusy,
)
from icop.images.providers.comfyui import ComfyUIProvider
from icop.images.providers.fal import FalFluxProvider
from icop.images.providers.local import LocalRendererProvider
from icop.images.providers.openai import OpenAIImageProvider
from icop.platforms import Platform
from tests.images.corpus import assert_platform_jpeg, encode, photo, swapped_primaries_profile
from tests.images.providers_common import REQUEST
from tests.storage.seaweed import free_port_pairs


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(
    ("size", "preset", "expected"),
    [
        ((1024, 1536), Preset.PORTRAIT, (1024, 1280)),  # gpt-image portrait, 2:3 -> 4:5
        ((1536, 1024), Preset.LANDSCAPE, (1200, 630)),
        ((1024, 1024), Preset.SQUARE, (1024, 1024)),  # never upscaled
        ((1088, 1360), Preset.PORTRAIT, (1080, 1350)),  # fal, scaled down to the preset
        ((3000, 500), Preset.SQUARE, (500, 500)),
    ],
)
def test_provider_output_is_fitted_to_the_preset(
    size: tuple[int, int], preset: Preset, expected: tuple[int, int]
) -> None:
    result = fit_to_preset(encode(photo(*size), "PNG"), preset, platform=Platform.INSTAGRAM)
    assert (result.width, result.height) == expected
    assert abs(result.width / result.height - preset.aspect) < 0.01
    assert_platform_jpeg(result, Platform.INSTAGRAM)


def test_transparency_lands_on_the_brand_background() -> None:
    rgba = Image.new("RGBA", (400, 500), (0, 0, 0, 0))
    result = fit_to_preset(
        encode(rgba, "PNG"), Preset.PORTRAIT, platform=None, background=(200, 10, 10)
    )
    r, g, b = decoded(result.data).convert("RGB").getpixel((200, 250))  # type: ignore[misc]
    assert r > 180 and g < 40 and b < 40


def test_exif_rotation_is_applied_before_cropping() -> None:
    # Stored landscape, shown portrait (orientation 6): the crop must see the portrait.
    stored = photo(1500, 1000)
    exif = Image.Exif()
    exif[0x0112] = 6
    result = fit_to_preset(encode(stored, "JPEG", exif=exif), Preset.PORTRAIT, platform=None)
    assert result.width < result.height


def test_icc_profile_survives_the_crop() -> None:
    data = encode(photo(300, 300), "PNG", icc_profile=swapped_primaries_profile())
    result = fit_to_preset(data, Preset.PORTRAIT, platform=None)
    assert any("sRGB" in change for change in result.changes), result.changes


@pytest.mark.parametrize(
    "data", [b"", b"<html>not an image</html>", encode(photo(64, 64), "PNG")[:80]]
)
def test_bad_provider_bytes_are_rejected(data: bytes) -> None:
    with pytest.raises(ImageRejected):
        fit_to_preset(data, Preset.SQUARE, platform=None)


def test_centre_box() -> None:
    assert centre_box(100, 100, 1.0) == (0, 0, 100, 100)
    assert centre_box(200, 100, 1.0) == (50, 0, 150, 100)
    assert centre_box(100, 200, 0.8) == (0, 37, 100, 162)


def test_chain_order() -> None:
    default = ["openai", "fal", "comfyui", "local"]
    assert resolve_chain(default) == default
    assert resolve_chain(default, requested="comfyui") == ["comfyui", "openai", "fal", "local"]
    assert resolve_chain(default, tenant=["fal"]) == ["fal", "local"]
    assert resolve_chain(default, tenant=["fal"], local_last_resort=False) == ["fal"]
    assert resolve_chain(["openai"], requested="openai", local_last_resort=True) == [
        "openai",
        "local",
    ]


@dataclass
class Scripted:
    """A provider that fails as told: the policy's side of fallback, without any HTTP."""

    name: str
    error: Exception | None = None
    model: str = "scripted"
    gpu: bool = False
    calls: int = 0

    def configured(self) -> bool:
        return True

    async def generate(
        self, request: GenerationRequest, progress: Progress | None = None
    ) -> GeneratedImage:
        self.calls += 1
        if self.error:
            raise self.error
        return GeneratedImage(self.name, self.model, data=encode(photo(100, 100), "PNG"))

    async def aclose(self) -> None:
        return None


async def test_busy_provider_is_passed_over_inline() -> None:
    providers: dict[str, ImageProvider] = {
        "fal": Scripted("fal", ProviderBusy("fal", "rate limited")),
        "openai": Scripted("openai"),
    }
    produced, attempts = await produce_with_fallback(
        providers, ["fal", "openai"], REQUEST, platform=None
    )
    assert produced.provider == "openai"
    assert [(a.provider, a.outcome) for a in attempts] == [("fal", "busy"), ("openai", "ok")]


async def test_undecodable_output_falls_back() -> None:
    class Garbage(Scripted):
        async def generate(
            self, request: GenerationRequest, progress: Progress | None = None
        ) -> GeneratedImage:
            return GeneratedImage(self.name, self.model, data=b"\x89PNG garbage")

    providers: dict[str, ImageProvider] = {"fal": Garbage("fal"), "local": LocalRendererProvider()}
    produced, attempts = await produce_with_fallback(
        providers, ["fal", "local"], REQUEST, platform=None
    )
    assert produced.provider == "local"
    assert attempts[0].outcome == "bad_output" and "unusable image" in (attempts[0].detail or "")


async def test_wire_level_fallback_through_every_provider() -> None:
    """OpenAI answers 500, fal times out, the ComfyUI host is offline: the local renderer
    makes the image, and every attempt says why it failed."""
    comfy_port = free_port_pairs(1)[0]
    providers: dict[str, ImageProvider] = {
        "openai": OpenAIImageProvider("sk-test"),
        "fal": FalFluxProvider("fal-key"),
        "comfyui": ComfyUIProvider(f"http://127.0.0.1:{comfy_port}", connect_timeout_s=1),
        "local": LocalRendererProvider(),
    }
    with respx.mock(assert_all_called=True) as mock:
        mock.post("https://api.openai.com/v1/images/generations").mock(
            return_value=httpx.Response(500, json={"error": {"message": "boom"}})
        )
        mock.post("https://queue.fal.run/fal-ai/flux/dev").mock(
            side_effect=httpx.ConnectTimeout("slow")
        )
        mock.route(host="127.0.0.1", port=comfy_port).pass_through()
        produced, attempts = await produce_with_fallback(
            providers, ["openai", "fal", "comfyui", "local"], REQUEST, platform=Platform.INSTAGRAM
        )
    assert produced.provider == "local"
    assert [(a.provider, a.outcome) for a in attempts] == [
        ("openai", "unavailable"),
        ("fal", "timeout"),
        ("comfyui", "unavailable"),
        ("local", "ok"),
    ]
    assert (produced.width, produced.height) == (1080, 1350)
    assert decoded(produced.jpeg).format == "JPEG"


async def test_every_provider_failing_is_one_error() -> None:
    providers: dict[str, ImageProvider] = {"openai": OpenAIImageProvider(None)}
    with pytest.raises(ImageGenerationFailed) as raised:
        await produce_with_fallback(providers, ["openai", "unknown"], REQUEST, platform=None)
    assert [a["outcome"] for a in raised.value.extra["attempts"]] == ["not_configured"] * 2


async def test_local_renderer_is_deterministic() -> None:
    local = LocalRendererProvider()
    first, _ = await produce_with_fallback({"local": local}, ["local"], REQUEST, platform=None)
    again, _ = await produce_with_fallback({"local": local}, ["local"], REQUEST, platform=None)
    assert first.jpeg == again.jpeg
    other = GenerationRequest(
        prompt=REQUEST.prompt, preset=Preset.LANDSCAPE, seed=1, title="Ten ways to brew green tea"
    )
    landscape, _ = await produce_with_fallback({"local": local}, ["local"], other, platform=None)
    assert (landscape.width, landscape.height) == (1200, 630)
