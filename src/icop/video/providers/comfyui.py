"""ComfyUI AnimateDiff on a GPU host we operate (segments go to the ``gpu`` task queue).

The same client as the image provider (``icop.images.providers.comfyui``: queue check, the
WebSocket opened before submitting, ``POST /prompt``, progress events, ``/history`` polling,
abandoning a job that timed out); what differs is the workflow (``animatediff_workflow.json``,
AnimateDiff-Evolved and VideoHelperSuite's ``VHS_VideoCombine``, API format) and the output:
VideoHelperSuite lists its file under ``outputs[node].gifs[]`` (the name is historical; the
file is an MP4 with ``format: video/h264-mp4``), fetched from ``GET /view``.

AnimateDiff (SD 1.5 motion modules) is trained at 512 px: a segment is generated at 512x912
(9:16, multiples of 8) and 8 fps, 16 frames a context window; the edit scales it up.
"""

from __future__ import annotations

import copy
import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from icop.errors import ConfigurationError
from icop.images.providers._http import download
from icop.images.providers.base import (
    Progress,
    ProviderBadOutput,
    ProviderNotConfigured,
    ProviderTimeout,
)
from icop.images.providers.comfyui import ComfyUIProvider
from icop.video.providers.base import RenderedSegment, SegmentRequest

BUNDLED = Path(__file__).with_name("animatediff_workflow.json")
NUMBERS = ("{{seed}}", "{{width}}", "{{height}}", "{{frames}}", "{{fps}}")
GENERATION_FPS = 8
MAX_FRAMES = 64
MAX_VIDEO_BYTES = 200 * 1024 * 1024


def load_video_workflow(path: Path | None = None) -> dict[str, Any]:
    source = path or BUNDLED
    try:
        workflow = json.loads(source.read_text())
    except (OSError, ValueError) as error:
        raise ConfigurationError(f"AnimateDiff workflow {source}: {error}") from None
    if not isinstance(workflow, dict) or not all(
        isinstance(node, dict) and "class_type" in node for node in workflow.values()
    ):
        raise ConfigurationError(f"AnimateDiff workflow {source} is not in API format")
    if "{{prompt}}" not in json.dumps(workflow) or "{{frames}}" not in json.dumps(workflow):
        raise ConfigurationError(
            f"AnimateDiff workflow {source} lacks {{{{prompt}}}}/{{{{frames}}}}"
        )
    return workflow


def fill(workflow: dict[str, Any], prompt: str, numbers: dict[str, int]) -> dict[str, Any]:
    """Placeholders replaced: a value that is exactly a number placeholder becomes the number;
    ``{{prompt}}`` is replaced inside any string."""

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return numbers[value] if value in numbers else value.replace("{{prompt}}", prompt)
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item) for item in value]
        return value

    filled: dict[str, Any] = walk(copy.deepcopy(workflow))
    return filled


class AnimateDiffProvider(ComfyUIProvider):
    name = "animatediff"
    gpu = True
    needs_still = False

    def __init__(
        self, base_url: str | None, *, workflow: Path | None = None, **kwargs: Any
    ) -> None:
        super().__init__(base_url, workflow=workflow, **kwargs)
        self.model = workflow.stem if workflow else "animatediff-v3-sd15"
        self._video_workflow: dict[str, Any] | None = None

    async def render(
        self, request: SegmentRequest, progress: Progress | None = None
    ) -> RenderedSegment:
        if self.base_url is None:
            raise ProviderNotConfigured(self.name, "no host (ICOP_COMFYUI_URL)")
        if self._video_workflow is None:
            self._video_workflow = load_video_workflow(self.workflow_path)
        portrait = request.height >= request.width
        width, height = (512, 912) if portrait else (912, 512)
        frames = min(MAX_FRAMES, max(8, round(request.duration_s * GENERATION_FPS)))
        graph = fill(
            self._video_workflow,
            request.prompt,
            dict(zip(NUMBERS, (request.seed, width, height, frames, GENERATION_FPS), strict=True)),
        )
        deadline = time.monotonic() + self.timeout_s
        await self._check_busy()
        client_id = uuid.uuid4().hex
        socket = await self._open_socket(client_id)
        try:
            prompt_id = await self._submit(graph, client_id)
            try:
                await self._wait(prompt_id, socket, deadline, progress)
            except ProviderTimeout:
                await self._abandon(prompt_id)
                raise
        finally:
            if socket is not None:
                await socket.close()
        entry = await self._history(prompt_id)
        if entry is None:
            raise ProviderBadOutput(self.name, f"job {prompt_id} finished but has no history")
        self._raise_if_failed(entry)
        return RenderedSegment(
            provider=self.name,
            model=self.model,
            data=await self._first_video(entry),
            details={"prompt_id": prompt_id, "frames": frames},
        )

    async def _first_video(self, entry: dict[str, Any]) -> bytes:
        for node in (entry.get("outputs") or {}).values():
            for key in ("gifs", "videos"):
                for item in (node or {}).get(key) or []:
                    if isinstance(item, dict) and str(item.get("filename", "")).endswith(".mp4"):
                        query = httpx.QueryParams(
                            filename=item["filename"],
                            subfolder=item.get("subfolder", ""),
                            type=item.get("type", "output"),
                        )
                        return await download(
                            self._client,
                            self.name,
                            f"{self.base_url}/view?{query}",
                            limit=MAX_VIDEO_BYTES,
                        )
        raise ProviderBadOutput(self.name, "the job produced no video")
