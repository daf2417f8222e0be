"""The embedded default: a still (a picture from the image service, or a text-free brand
backdrop) animated with a Ken Burns pan or zoom kept inside the still's safe area
(``icop.video.motion.SAFE_CROP``), encoded as an intermediate H.264 segment. Offline, free,
deterministic."""

from __future__ import annotations

import asyncio
import io

from PIL import Image

from icop.images.providers.base import Progress, ProviderBadOutput
from icop.video.cards import backdrop, fit_still
from icop.video.media import SEGMENT_CRF, SEGMENT_PRESET, encode
from icop.video.motion import ken_burns
from icop.video.providers.base import RenderedSegment, SegmentRequest

MODEL = "ken-burns"


class LocalVideoProvider:
    name = "local"
    model = MODEL
    gpu = False
    needs_still = True

    def configured(self) -> bool:
        return True

    async def render(
        self, request: SegmentRequest, progress: Progress | None = None
    ) -> RenderedSegment:
        data = await asyncio.to_thread(render_segment, request)
        if progress:
            progress("rendered", 1.0)
        return RenderedSegment(provider=self.name, model=self.model, data=data)

    async def aclose(self) -> None:
        return None


def render_segment(request: SegmentRequest) -> bytes:
    size = (request.width, request.height)
    if request.still is None:
        # No picture: a text-free brand backdrop (the edit draws the scene's words on top).
        still = backdrop(request.brand, size, f"{request.prompt}|{request.seed}")
    else:
        try:
            with Image.open(io.BytesIO(request.still)) as opened:
                still = fit_still(opened, size, request.brand.background)
        except (OSError, ValueError) as error:
            raise ProviderBadOutput("local", f"the still cannot be read: {error}") from None
    frames = max(1, round(request.duration_s * request.fps))
    return encode(
        ken_burns(still, size=size, frames=frames, motion=request.motion),
        width=request.width,
        height=request.height,
        fps=request.fps,
        silent_audio=False,
        preset=SEGMENT_PRESET,
        crf=SEGMENT_CRF,
    )
