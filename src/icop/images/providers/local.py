"""The embedded default: a branded title card rendered with Pillow, offline and in
milliseconds. Deterministic for a given request (the seed picks the card's accents), so a
retried job stores the same bytes under the same key."""

from __future__ import annotations

import asyncio

from icop.images.providers.base import GeneratedImage, GenerationRequest, Progress
from icop.images.render import render_card_image

MODEL = "pillow-card"


class LocalRendererProvider:
    name = "local"
    model = MODEL
    gpu = False

    def configured(self) -> bool:
        return True

    async def generate(
        self, request: GenerationRequest, progress: Progress | None = None
    ) -> GeneratedImage:
        title = request.title or request.prompt
        # CPU-bound (text fitting, decoration): off the event loop.
        image = await asyncio.to_thread(
            render_card_image,
            title,
            brand=request.brand,
            preset=request.preset.card,
            seed=str(request.seed),
        )
        if progress:
            progress("rendered", 1.0)
        return GeneratedImage(provider=self.name, model=self.model, image=image, seed=request.seed)

    async def aclose(self) -> None:
        return None
