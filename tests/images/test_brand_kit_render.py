"""The tenant's brand kit reaches the renderer on every path: the images API (inline), a
worker's activity (the font resolved on the worker), the article graph's image maker, and a
job's Temporal input. Checked on the pixels: the card's margin is the kit's background."""

from __future__ import annotations

import dataclasses
import io
import uuid
from typing import Any

from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.converter import DataConverter
from temporalio.testing import ActivityEnvironment

from icop.agents.schemas import ImagePrompt
from icop.articles.images import ArticleImages
from icop.brand.fonts import resolve_font
from icop.brand.palette import DEFAULT_SPEC, BrandSpec, hex_to_rgb
from icop.images.activities import ImageActivities
from icop.images.branding import brand_kit
from icop.images.jobs import ImageJob, ProviderCall, StoredImage
from icop.images.providers.base import ImageProvider
from icop.images.render import DEFAULT_BRAND, CardPreset, render_card_image
from icop.images.service import ImageRuntime
from icop.storage.local import LocalObjectStore
from tests.helpers import Account, ApiClient

KIT = {
    "name": "Green Thumbs",
    "background": "#14532d",
    "accent": "#a3e635",
    "text": "#f0fdf4",
    "font": "dejavu-serif",
}
SPEC = BrandSpec(**KIT)
RGB = tuple[int, int, int]


def _margin_colour(jpeg: bytes) -> RGB:
    """The top-left corner: inside the safe-area margin, where no text or accent goes."""
    image = Image.open(io.BytesIO(jpeg)).convert("RGB")
    pixel = image.getpixel((6, 6))
    assert isinstance(pixel, tuple)
    return (int(pixel[0]), int(pixel[1]), int(pixel[2]))


def _close(actual: RGB, expected: RGB, tolerance: int = 3) -> bool:
    # JPEG, even at 4:4:4 and high quality, may move a flat colour by a level or two.
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


async def _with_kit(api: ApiClient, company: str) -> Account:
    owner = await api.signup(company)
    put = await api.put("/api/v1/brand/kit", headers=owner.headers, json=KIT)
    assert put.status_code == 200, put.text
    return owner


def test_a_spec_becomes_the_renderers_kit() -> None:
    kit = brand_kit(SPEC)
    assert (kit.name, kit.background, kit.accent) == ("Green Thumbs", (20, 83, 45), (163, 230, 53))
    assert kit.font_path == resolve_font("dejavu-serif")
    assert brand_kit(None) is DEFAULT_BRAND
    assert brand_kit(DEFAULT_SPEC) == DEFAULT_BRAND
    card = render_card_image("Compost in ten minutes", brand=kit, preset=CardPreset.SQUARE)
    assert card.getpixel((2, 2)) == (20, 83, 45)


async def test_the_images_api_renders_with_the_tenants_kit(api: ApiClient) -> None:
    owner = await _with_kit(api, "Green Thumbs")
    stranger = await api.signup("No Kit")
    colours = {}
    for account in (owner, stranger):
        body = (
            await api.post(
                "/api/v1/images",
                headers=account.headers,
                json={"prompt": "compost heap", "title": "Compost 101", "seed": 5},
            )
        ).json()
        assert body["status"] == "ready" and body["provider"] == "local", body
        colours[account.tenant_id] = _margin_colour((await api.get(body["url"])).content)
    assert _close(colours[owner.tenant_id], hex_to_rgb(KIT["background"]))
    assert _close(colours[stranger.tenant_id], DEFAULT_BRAND.background)


async def test_article_images_use_the_tenants_kit(
    api: ApiClient, sessionmaker: async_sessionmaker[AsyncSession], runtime: ImageRuntime
) -> None:
    owner = await _with_kit(api, "Article Garden")
    prompts = [
        ImagePrompt(prompt="a compost heap at dawn", alt="Compost heap", aspect="16:9"),
        ImagePrompt(prompt="a worm bin", alt="Worm bin", aspect="1:1"),
    ]
    # Without Temporal the article's image jobs render inline (the durable path: test_generator).
    maker = ArticleImages(sessionmaker, runtime, None)
    assets = await maker.make(owner.tenant_id, "a-1", prompts, title="Composting at home")
    assert [a.provider for a in assets] == ["local", "local"]
    for asset in assets:
        served = await api.get(asset.url)
        assert _close(_margin_colour(served.content), hex_to_rgb(KIT["background"]))


async def test_a_workers_activity_renders_the_jobs_kit(
    sessionmaker: async_sessionmaker[AsyncSession],
    providers: dict[str, ImageProvider],
    media_store: LocalObjectStore,
) -> None:
    activities = ImageActivities(sessionmaker, providers, media_store)
    job = ImageJob(
        tenant_id=str(uuid.uuid4()),
        image_id=str(uuid.uuid4()),
        prompt="worm bin",
        preset="portrait",
        seed=11,
        chain=["local"],
        gpu_task_queue="gpu",
        title="Worms at work",
        brand=SPEC,
    )
    stored: StoredImage = await ActivityEnvironment().run(
        activities.generate_image, ProviderCall(job=job, provider="local")
    )
    assert _close(_margin_colour(await media_store.get(stored.key)), (20, 83, 45))
    plain: StoredImage = await ActivityEnvironment().run(
        activities.generate_image,
        ProviderCall(job=dataclasses.replace(job, brand=None), provider="local"),
    )
    assert _close(_margin_colour(await media_store.get(plain.key)), DEFAULT_BRAND.background)


async def test_the_jobs_kit_travels_through_temporals_converter() -> None:
    converter = DataConverter.default
    job = ImageJob(
        tenant_id=str(uuid.uuid4()),
        image_id=str(uuid.uuid4()),
        prompt="p",
        preset="square",
        seed=1,
        chain=["local"],
        gpu_task_queue="gpu",
        brand=SPEC,
    )
    [decoded] = await converter.decode(await converter.encode([job]), [ImageJob])
    assert decoded == job and isinstance(decoded.brand, BrandSpec)
    # A job started before brand kits existed (saved histories) has no "brand" key.
    old: dict[str, Any] = {k: v for k, v in dataclasses.asdict(job).items() if k != "brand"}
    [legacy] = await converter.decode(await converter.encode([old]), [ImageJob])
    assert legacy.brand is None
