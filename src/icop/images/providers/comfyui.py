"""ComfyUI on a GPU host we operate (jobs go to the ``gpu`` task queue).

1. ``GET /queue`` first: a host with ``max_queue`` jobs already queued is *busy* (retried
   later), and a host that does not answer is *offline* (next provider) before we submit.
2. Connect the WebSocket ``/ws?clientId=…`` *before* submitting, so no event is missed.
3. ``POST /prompt`` ``{"prompt": workflow, "client_id"}`` → ``{"prompt_id", "number",
   "node_errors"}``; a 400 carries ``{"error", "node_errors"}`` (a broken workflow).
4. Wait on the socket: ``progress`` (sampling steps), ``executing`` with ``node: null`` or
   ``execution_success`` (done), ``execution_error`` (failed; CUDA out-of-memory is retried
   later). Without a socket, or when it drops, poll ``GET /history/{prompt_id}`` instead.
5. ``GET /history/{prompt_id}`` → ``outputs[node].images[]`` → ``GET /view?filename=…
   &subfolder=…&type=…`` for the file.

On timeout the job is removed from the queue and interrupted, so the GPU is not left busy
with work nobody waits for.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

from icop.images.presets import Preset
from icop.images.providers._http import download, json_body, send
from icop.images.providers.base import (
    GeneratedImage,
    GenerationRequest,
    GpuOutOfMemory,
    ImageProviderError,
    Progress,
    ProviderBadOutput,
    ProviderBusy,
    ProviderNotConfigured,
    ProviderTimeout,
    ProviderUnavailable,
)
from icop.images.providers.comfyui_workflow import inject, load_workflow

# Multiples of 64 near one megapixel: what SD-family checkpoints are trained on.
SIZES = {
    Preset.PORTRAIT: (896, 1120),
    Preset.SQUARE: (1024, 1024),
    Preset.LANDSCAPE: (1216, 640),
}
BUSY_RETRY_S = 30.0


class ComfyUIProvider:
    name = "comfyui"
    gpu = True

    def __init__(
        self,
        base_url: str | None,
        *,
        workflow: Path | None = None,
        timeout_s: float = 600.0,
        max_queue: int = 2,
        poll_interval_s: float = 1.0,
        connect_timeout_s: float = 5.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/") if base_url else None
        self.workflow_path = workflow
        self.model = workflow.stem if workflow else "sdxl-base"
        self.timeout_s = timeout_s
        self.max_queue = max_queue
        self.poll_interval_s = poll_interval_s
        self.connect_timeout_s = connect_timeout_s
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(60.0, connect=connect_timeout_s)
        )
        self._workflow: dict[str, Any] | None = None

    def configured(self) -> bool:
        return self.base_url is not None

    async def generate(
        self, request: GenerationRequest, progress: Progress | None = None
    ) -> GeneratedImage:
        if self.base_url is None:
            raise ProviderNotConfigured(self.name, "no host (ICOP_COMFYUI_URL)")
        if self._workflow is None:
            self._workflow = load_workflow(self.workflow_path)
        width, height = SIZES[request.preset]
        graph = inject(
            self._workflow, prompt=request.prompt, seed=request.seed, width=width, height=height
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
        return GeneratedImage(
            provider=self.name,
            model=self.model,
            data=await self._first_image(entry),
            seed=request.seed,
            details={"prompt_id": prompt_id},
        )

    # -- steps ----------------------------------------------------------------------------------
    async def _get(self, path: str, **kwargs: Any) -> dict[str, Any]:
        response = await send(self._client, self.name, "GET", f"{self.base_url}{path}", **kwargs)
        return json_body(self.name, response)

    async def _check_busy(self) -> None:
        queue = await self._get("/queue")
        waiting = len(queue.get("queue_running") or []) + len(queue.get("queue_pending") or [])
        if waiting >= self.max_queue:
            raise ProviderBusy(
                self.name, f"{waiting} jobs already queued", retry_after_s=BUSY_RETRY_S
            )

    async def _open_socket(self, client_id: str) -> ClientConnection | None:
        assert self.base_url is not None
        url = "ws" + self.base_url.removeprefix("http") + f"/ws?clientId={client_id}"
        try:
            # Previews arrive as binary frames; a large preview must not kill the socket.
            return await connect(url, open_timeout=self.connect_timeout_s, max_size=32 * 2**20)
        except (OSError, TimeoutError, WebSocketException):
            return None  # /history polling still works: progress is nice, not needed

    async def _submit(self, graph: dict[str, Any], client_id: str) -> str:
        response = await send(
            self._client,
            self.name,
            "POST",
            f"{self.base_url}/prompt",
            json={"prompt": graph, "client_id": client_id},
        )
        body = json_body(self.name, response)
        prompt_id = body.get("prompt_id")
        if not isinstance(prompt_id, str) or not prompt_id:
            raise ProviderBadOutput(self.name, "the queue did not return a prompt_id")
        return prompt_id

    async def _wait(
        self,
        prompt_id: str,
        socket: ClientConnection | None,
        deadline: float,
        progress: Progress | None,
    ) -> None:
        if socket is not None:
            try:
                if await self._listen(prompt_id, socket, deadline, progress):
                    return
            except (WebSocketException, OSError):
                pass  # the socket dropped: the job may still run, so poll
        await self._poll(prompt_id, deadline, progress)

    async def _listen(
        self,
        prompt_id: str,
        socket: ClientConnection,
        deadline: float,
        progress: Progress | None,
    ) -> bool:
        """True when the job ended (successfully or not: the history tells which)."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ProviderTimeout(self.name, f"not done after {self.timeout_s:.0f} s")
            try:
                frame = await asyncio.wait_for(socket.recv(), timeout=remaining)
            except TimeoutError:
                raise ProviderTimeout(self.name, f"not done after {self.timeout_s:.0f} s") from None
            if isinstance(frame, bytes):
                continue  # a preview image
            try:
                message = json.loads(frame)
            except ValueError:
                continue
            kind, data = message.get("type"), message.get("data") or {}
            if not isinstance(data, dict) or data.get("prompt_id") != prompt_id:
                continue  # status broadcasts and other clients' jobs
            if kind == "progress" and progress:
                value, maximum = data.get("value"), data.get("max")
                if isinstance(value, int | float) and isinstance(maximum, int | float) and maximum:
                    progress(f"step {value}/{maximum}", float(value) / float(maximum))
            elif kind == "execution_start" and progress:
                progress("started", 0.0)
            elif kind == "execution_error":
                raise self._execution_error(data)
            elif kind == "execution_interrupted":
                raise ProviderUnavailable(self.name, "the job was interrupted on the host")
            elif kind == "execution_success" or (kind == "executing" and data.get("node") is None):
                return True

    async def _poll(self, prompt_id: str, deadline: float, progress: Progress | None) -> None:
        while True:
            entry = await self._history(prompt_id)
            if entry is not None and _finished(entry):
                return
            if progress:
                progress("waiting for the GPU host", None)
            if time.monotonic() + self.poll_interval_s > deadline:
                raise ProviderTimeout(self.name, f"not done after {self.timeout_s:.0f} s")
            await asyncio.sleep(self.poll_interval_s)

    async def _history(self, prompt_id: str) -> dict[str, Any] | None:
        body = await self._get(f"/history/{prompt_id}")
        entry = body.get(prompt_id)
        return entry if isinstance(entry, dict) else None

    def _raise_if_failed(self, entry: dict[str, Any]) -> None:
        status = entry.get("status") or {}
        if status.get("status_str") != "error":
            return
        for message in status.get("messages") or []:
            if isinstance(message, list) and len(message) == 2 and message[0] == "execution_error":
                raise self._execution_error(message[1] if isinstance(message[1], dict) else {})
        raise ProviderUnavailable(self.name, "the job failed on the host")

    def _execution_error(self, data: dict[str, Any]) -> ImageProviderError:
        kind = str(data.get("exception_type") or "")
        text = str(data.get("exception_message") or "").strip()
        if "OutOfMemory" in kind or "out of memory" in text.lower():
            return GpuOutOfMemory(
                self.name,
                f"GPU out of memory in node {data.get('node_type')}",
                retry_after_s=BUSY_RETRY_S,
            )
        return ProviderUnavailable(
            self.name, f"{data.get('node_type') or 'a node'} failed: {kind} {text}"[:500]
        )

    async def _first_image(self, entry: dict[str, Any]) -> bytes:
        outputs = entry.get("outputs") or {}
        for node in outputs.values():
            for image in (node or {}).get("images") or []:
                if isinstance(image, dict) and image.get("filename"):
                    query = httpx.QueryParams(
                        filename=image["filename"],
                        subfolder=image.get("subfolder", ""),
                        type=image.get("type", "output"),
                    )
                    return await download(self._client, self.name, f"{self.base_url}/view?{query}")
        raise ProviderBadOutput(self.name, "the job produced no image")

    async def _abandon(self, prompt_id: str) -> None:
        """Best effort: take the job out of the queue, or stop it if it already runs."""
        for path, body in (
            ("/queue", {"delete": [prompt_id]}),
            ("/interrupt", {"prompt_id": prompt_id}),
        ):
            with contextlib.suppress(ImageProviderError):
                await send(self._client, self.name, "POST", f"{self.base_url}{path}", json=body)

    async def aclose(self) -> None:
        await self._client.aclose()


def _finished(entry: dict[str, Any]) -> bool:
    status = entry.get("status")
    if not isinstance(status, dict):
        return bool(entry.get("outputs"))  # older servers record outputs only
    return bool(status.get("completed")) or status.get("status_str") in ("success", "error")
