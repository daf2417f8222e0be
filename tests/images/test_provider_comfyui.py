"""ComfyUI at the wire level: HTTP endpoints through respx, the WebSocket through a real
(tiny) local websocket server playing ComfyUI's documented messages. Covers injection into
the workflow, progress, the /history polling fallback, GPU out-of-memory, a busy or offline
host, a broken workflow and timeouts (which remove the job from the GPU's queue)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx
from websockets.asyncio.server import Server, ServerConnection, serve

from icop.errors import ConfigurationError
from icop.images.providers.base import (
    GpuOutOfMemory,
    ProviderBusy,
    ProviderNotConfigured,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
)
from icop.images.providers.comfyui import ComfyUIProvider
from icop.images.providers.comfyui_workflow import inject, load_workflow
from tests.images.providers_common import REQUEST, Recorder, png, sent_json
from tests.storage.seaweed import free_port_pairs

PID = "6f962d0e-40d9-45e8-b378-7247258cadde"
IMAGE_REF = {"filename": "icop_00001_.png", "subfolder": "", "type": "output"}


def event(kind: str, prompt_id: str = PID, **data: Any) -> str:
    return json.dumps({"type": kind, "data": {"prompt_id": prompt_id, **data}})


SUCCESS_SCRIPT: list[str | bytes] = [
    json.dumps({"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 1}}}}),
    event("execution_start", timestamp=1),
    event("execution_cached", nodes=["4"], timestamp=1),
    event("executing", node="3", display_node="3"),
    event("progress", value=5, max=25, node="3"),
    b"\x00\x00\x00\x01\x00\x00\x00\x02preview-jpeg-bytes",
    event("progress", prompt_id="someone-else", value=1, max=2, node="3"),
    event("progress", value=25, max=25, node="3"),
    event("executed", node="9", display_node="9", output={"images": [IMAGE_REF]}),
    event("execution_success", timestamp=2),
]


def history(status_str: str = "success", messages: list[Any] | None = None) -> dict[str, Any]:
    return {
        PID: {
            "prompt": [1, PID, {}, {"client_id": "x"}, ["9"]],
            "outputs": {"9": {"images": [IMAGE_REF]}} if status_str == "success" else {},
            "status": {
                "status_str": status_str,
                "completed": status_str == "success",
                "messages": messages or [["execution_start", {"prompt_id": PID}]],
            },
            "meta": {},
        }
    }


class FakeComfySocket:
    """ComfyUI's ``/ws``: records the client id and plays a script, then stays open (or
    closes, to simulate a dropped connection)."""

    def __init__(self) -> None:
        self.script: list[str | bytes] = []
        self.close_after_script = False
        self.client_ids: list[str] = []
        self.server: Server | None = None

    async def handler(self, connection: ServerConnection) -> None:
        assert connection.request is not None
        url = urlsplit(connection.request.path)
        assert url.path == "/ws"
        self.client_ids.append(parse_qs(url.query)["clientId"][0])
        for frame in self.script:
            await connection.send(frame)
        if not self.close_after_script:
            await connection.wait_closed()

    @property
    def port(self) -> int:
        assert self.server is not None
        port: int = self.server.sockets[0].getsockname()[1]
        return port


@pytest.fixture
async def socket() -> AsyncIterator[FakeComfySocket]:
    fake = FakeComfySocket()
    async with serve(fake.handler, "127.0.0.1", 0) as server:
        fake.server = server
        yield fake


def mock_http(
    mock: respx.MockRouter, base: str, *, queue: dict[str, Any] | None = None
) -> dict[str, respx.Route]:
    return {
        "queue": mock.get(f"{base}/queue").mock(
            return_value=httpx.Response(
                200, json=queue or {"queue_running": [], "queue_pending": []}
            )
        ),
        "prompt": mock.post(f"{base}/prompt").mock(
            return_value=httpx.Response(
                200, json={"prompt_id": PID, "number": 3, "node_errors": {}}
            )
        ),
        "history": mock.get(f"{base}/history/{PID}").mock(
            return_value=httpx.Response(200, json=history())
        ),
        "view": mock.get(f"{base}/view").mock(
            return_value=httpx.Response(200, content=png(), headers={"content-type": "image/png"})
        ),
        "delete": mock.post(f"{base}/queue").mock(return_value=httpx.Response(200)),
        "interrupt": mock.post(f"{base}/interrupt").mock(return_value=httpx.Response(200)),
    }


async def test_generates_with_progress_over_the_websocket(socket: FakeComfySocket) -> None:
    base = f"http://127.0.0.1:{socket.port}"
    socket.script = SUCCESS_SCRIPT
    provider = ComfyUIProvider(base, timeout_s=10)
    progress = Recorder()
    with respx.mock(assert_all_called=False) as mock:
        routes = mock_http(mock, base)
        generated = await provider.generate(REQUEST, progress)
    assert generated.data == png()
    assert (generated.provider, generated.seed) == ("comfyui", 42)
    body = sent_json(routes["prompt"].calls.last.request)
    assert body["client_id"] == socket.client_ids[0]
    graph = body["prompt"]
    assert graph["6"]["inputs"]["text"] == REQUEST.prompt
    assert graph["3"]["inputs"]["seed"] == 42
    assert (graph["5"]["inputs"]["width"], graph["5"]["inputs"]["height"]) == (896, 1120)
    assert "{{" not in json.dumps(graph)
    assert dict(routes["view"].calls.last.request.url.params) == IMAGE_REF
    assert ("step 5/25", 0.2) in progress.events
    assert ("step 25/25", 1.0) in progress.events
    assert all("someone" not in message for message, _ in progress.events)
    assert not routes["delete"].called
    await provider.aclose()


async def test_polls_history_without_a_websocket() -> None:
    base = f"http://127.0.0.1:{free_port_pairs(1)[0]}"  # nothing listens: no socket
    provider = ComfyUIProvider(base, timeout_s=10, poll_interval_s=0.01, connect_timeout_s=1)
    progress = Recorder()
    with respx.mock(assert_all_called=False) as mock:
        routes = mock_http(mock, base)
        routes["history"].mock(
            side_effect=[
                httpx.Response(200, json={}),
                httpx.Response(200, json={}),
                httpx.Response(200, json=history()),
                httpx.Response(200, json=history()),
            ]
        )
        generated = await provider.generate(REQUEST, progress)
    assert generated.data == png()
    assert routes["history"].call_count == 4  # three polls, then the outputs
    assert ("waiting for the GPU host", None) in progress.events


async def test_dropped_websocket_falls_back_to_polling(socket: FakeComfySocket) -> None:
    base = f"http://127.0.0.1:{socket.port}"
    socket.script = SUCCESS_SCRIPT[:5]
    socket.close_after_script = True
    provider = ComfyUIProvider(base, timeout_s=10, poll_interval_s=0.01)
    with respx.mock(assert_all_called=False) as mock:
        routes = mock_http(mock, base)
        assert (await provider.generate(REQUEST)).data == png()
    assert routes["history"].call_count >= 2


async def test_gpu_out_of_memory_is_retried_later(socket: FakeComfySocket) -> None:
    base = f"http://127.0.0.1:{socket.port}"
    socket.script = [
        event("execution_start", timestamp=1),
        event(
            "execution_error",
            node_id="3",
            node_type="KSampler",
            executed=[],
            exception_message="Allocation on device 0 would exceed allowed memory. "
            "(out of memory)\nCurrently allocated: 7.5 GiB",
            exception_type="torch.OutOfMemoryError",
            traceback=["..."],
            current_inputs={},
            current_outputs={},
        ),
    ]
    provider = ComfyUIProvider(base, timeout_s=10)
    with respx.mock(assert_all_called=False) as mock:
        mock_http(mock, base)
        with pytest.raises(GpuOutOfMemory) as raised:
            await provider.generate(REQUEST)
    assert raised.value.retry_later and raised.value.kind == "out_of_memory"


async def test_out_of_memory_found_by_polling() -> None:
    base = f"http://127.0.0.1:{free_port_pairs(1)[0]}"
    provider = ComfyUIProvider(base, timeout_s=10, poll_interval_s=0.01, connect_timeout_s=1)
    failed = history(
        "error",
        [
            ["execution_start", {"prompt_id": PID}],
            [
                "execution_error",
                {
                    "prompt_id": PID,
                    "node_type": "VAEDecode",
                    "exception_type": "RuntimeError",
                    "exception_message": "CUDA out of memory. Tried to allocate",
                },
            ],
        ],
    )
    with respx.mock(assert_all_called=False) as mock:
        routes = mock_http(mock, base)
        routes["history"].mock(return_value=httpx.Response(200, json=failed))
        with pytest.raises(GpuOutOfMemory):
            await provider.generate(REQUEST)


async def test_other_execution_errors_fall_back(socket: FakeComfySocket) -> None:
    base = f"http://127.0.0.1:{socket.port}"
    socket.script = [
        event(
            "execution_error",
            node_type="CheckpointLoaderSimple",
            exception_type="FileNotFoundError",
            exception_message="sd_xl_base_1.0 missing",
        ),
    ]
    provider = ComfyUIProvider(base, timeout_s=10)
    with respx.mock(assert_all_called=False) as mock:
        mock_http(mock, base)
        with pytest.raises(ProviderUnavailable, match="CheckpointLoaderSimple") as raised:
            await provider.generate(REQUEST)
    assert not raised.value.retry_later


async def test_busy_host_is_retried_later() -> None:
    base = "http://gpu-box:8188"
    provider = ComfyUIProvider(base, max_queue=2)
    with respx.mock(assert_all_called=False) as mock:
        routes = mock_http(
            mock,
            base,
            queue={
                "queue_running": [[0, "a", {}, {}, []]],
                "queue_pending": [[1, "b", {}, {}, []]],
            },
        )
        with pytest.raises(ProviderBusy) as raised:
            await provider.generate(REQUEST)
    assert raised.value.retry_after_s == 30
    assert not routes["prompt"].called


async def test_offline_host_is_unavailable() -> None:
    provider = ComfyUIProvider(f"http://127.0.0.1:{free_port_pairs(1)[0]}", connect_timeout_s=1)
    with pytest.raises(ProviderUnavailable, match="unreachable"):
        await provider.generate(REQUEST)


async def test_broken_workflow_is_rejected() -> None:
    base = "http://gpu-box:8188"
    provider = ComfyUIProvider(base, connect_timeout_s=0.2)
    with respx.mock(assert_all_called=False) as mock:
        routes = mock_http(mock, base)
        routes["prompt"].mock(
            return_value=httpx.Response(
                400,
                json={
                    "error": {
                        "type": "prompt_outputs_failed_validation",
                        "message": "Prompt outputs failed validation",
                        "details": "",
                        "extra_info": {},
                    },
                    "node_errors": {"4": {"errors": [{"type": "value_not_in_list"}]}},
                },
            )
        )
        with pytest.raises(ProviderRejected, match="failed validation"):
            await provider.generate(REQUEST)


async def test_timeout_removes_the_job_from_the_gpu(socket: FakeComfySocket) -> None:
    base = f"http://127.0.0.1:{socket.port}"
    socket.script = [event("execution_start", timestamp=1)]
    provider = ComfyUIProvider(base, timeout_s=0.5)
    with respx.mock(assert_all_called=False) as mock:
        routes = mock_http(mock, base)
        with pytest.raises(ProviderTimeout):
            await provider.generate(REQUEST)
    assert sent_json(routes["delete"].calls.last.request) == {"delete": [PID]}
    assert sent_json(routes["interrupt"].calls.last.request) == {"prompt_id": PID}


async def test_not_configured_without_a_host() -> None:
    provider = ComfyUIProvider(None)
    assert not provider.configured() and provider.gpu
    with pytest.raises(ProviderNotConfigured):
        await provider.generate(REQUEST)


def test_workflow_placeholders(tmp_path: Path) -> None:
    bundled = load_workflow()
    filled = inject(bundled, prompt="a cat", seed=7, width=64, height=128)
    assert filled["3"]["inputs"]["seed"] == 7
    assert bundled["3"]["inputs"]["seed"] == "{{seed}}"  # the template is not modified
    custom = tmp_path / "flux.json"
    custom.write_text(
        json.dumps(
            {
                "1": {
                    "class_type": "CLIPTextEncode",
                    "inputs": {"text": "poster of {{prompt}}, flat"},
                }
            }
        )
    )
    assert (
        inject(load_workflow(custom), prompt="tea", seed=1, width=1, height=1)["1"]["inputs"][
            "text"
        ]
        == "poster of tea, flat"
    )
    no_prompt = tmp_path / "bad.json"
    no_prompt.write_text(json.dumps({"1": {"class_type": "KSampler", "inputs": {}}}))
    with pytest.raises(ConfigurationError, match="placeholder"):
        load_workflow(no_prompt)
    ui_format = tmp_path / "ui.json"
    ui_format.write_text(json.dumps({"nodes": [], "links": []}))
    with pytest.raises(ConfigurationError, match="API format"):
        load_workflow(ui_format)
    with pytest.raises(ConfigurationError):
        load_workflow(tmp_path / "missing.json")


async def test_socket_server_is_real(socket: FakeComfySocket) -> None:
    """The fake speaks the real protocol: a plain websockets client gets the script."""
    from websockets.asyncio.client import connect

    socket.script = [event("execution_start")]
    async with connect(f"ws://127.0.0.1:{socket.port}/ws?clientId=abc") as client:
        message = json.loads(await asyncio.wait_for(client.recv(), 5))
    assert message["type"] == "execution_start" and socket.client_ids == ["abc"]
