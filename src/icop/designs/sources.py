"""Where a design's pictures come from, and drawing it.

An image object's ``src`` is stored as an object key of the tenant's own store, never as a URL
to fetch: the server draws only pictures it holds for that tenant, so a document cannot make it
request arbitrary addresses (SSRF) or show another tenant's media. The browser needs loadable
addresses, so documents go out with signed URLs (``for_browser``), and the URLs of ours that
come back in actions are turned into keys again (``stored_sources``); anything else is refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any
from uuid import UUID

from PIL import Image as PILImage

from icop.designs.document import Design, Image
from icop.designs.errors import InvalidAction
from icop.designs.render import render, render_png
from icop.images.errors import ImageRejected
from icop.images.jpeg import JpegResult, image_to_platform_jpeg
from icop.images.presets import decode_untrusted
from icop.platforms import Platform
from icop.storage.base import ObjectNotFound, ObjectStore
from icop.storage.keys import key_in_url


def stored_sources(value: Any, tenant_id: UUID) -> Any:
    """``value`` (an action or document as JSON) with every ``src`` as the key it names."""
    if isinstance(value, list):
        return [stored_sources(item, tenant_id) for item in value]
    if not isinstance(value, dict):
        return value
    converted = {key: stored_sources(item, tenant_id) for key, item in value.items()}
    if isinstance(converted.get("src"), str):
        key = key_in_url(converted["src"], tenant_id)
        if key is None:
            raise InvalidAction(
                f"image {converted.get('id', '?')}: only this workspace's own images can be "
                "placed (upload or generate it first), not an outside address"
            )
        converted["src"] = key
    return converted


def for_browser(design: Design, store: ObjectStore) -> dict[str, Any]:
    """The Fabric.js JSON with each image's key as a signed URL the browser can load."""
    document = design.fabric_json()
    for item in _objects(document["objects"]):
        if item.get("type") == "Image":
            item["src"] = store.url(item["src"])
    return document


def _objects(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        yield item
        yield from _objects(item.get("objects", []))


async def load_images(
    design: Design, store: ObjectStore, tenant_id: UUID
) -> dict[str, PILImage.Image]:
    """The design's pictures by ``src``; one that is not the tenant's or no longer stored is
    left out (the renderer reports it)."""
    pictures: dict[str, PILImage.Image] = {}
    for item in design.walk():
        if not isinstance(item, Image) or item.src in pictures:
            continue
        key = key_in_url(item.src, tenant_id)
        if key is None:
            continue
        try:
            data = await store.get(key)
        except ObjectNotFound:
            continue
        try:
            pictures[item.src] = await asyncio.to_thread(decode_untrusted, data)
        except ImageRejected:
            continue
    return pictures


async def png(design: Design, store: ObjectStore, tenant_id: UUID) -> bytes:
    pictures = await load_images(design, store, tenant_id)
    return await asyncio.to_thread(render_png, design, pictures.get)


async def jpeg(
    design: Design, store: ObjectStore, tenant_id: UUID, platform: Platform | None
) -> JpegResult:
    """The platform-ready JPEG through the image service's pipeline (the one posts use).
    4:4:4 chroma, as for cards: coloured text on colour stays sharp."""
    pictures = await load_images(design, store, tenant_id)

    def draw() -> JpegResult:
        return image_to_platform_jpeg(render(design, pictures.get), platform=platform, chroma="444")

    return await asyncio.to_thread(draw)
