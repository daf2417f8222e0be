"""Server lifecycle against the real xllamacpp server and the bundled default model.

Each test starts its own server (about 1-2 s with the model already assembled) in a temporary
home, so run files and ports never collide with the session server or a developer's ``icop up``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from icop.llm.local import (
    LocalLLMClient,
    LocalServer,
    ServerConflict,
    ServerStartError,
    TokenCount,
)
from icop.llm.local.server import ServerState, check_health

pytestmark = pytest.mark.slow
MakeServer = Callable[..., LocalServer]


def _wait_until(predicate: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_start_reuse_and_stop_from_another_handle(make_server: MakeServer) -> None:
    first = make_server()
    state = first.start()
    assert (state.host, state.parallel, state.ctx_per_slot) == ("127.0.0.1", 3, 512)
    assert check_health(state.base_url)
    assert ServerState.read(first.state_file) == state
    assert oct(first.state_file.stat().st_mode & 0o777) == "0o600"
    assert psutil.Process(state.pid).environ()["GOMP_SPINCOUNT"] == "10000"

    # Another process (here: another handle) reuses it instead of starting a second one.
    second = make_server()
    assert second.start().pid == state.pid
    assert second.status() == state
    with pytest.raises(ServerConflict, match="icop down"):
        make_server(parallel=2).start()  # same home, other slot layout: refuse, don't clobber

    assert second.stop() is True
    assert _gone(state.pid)
    assert not first.state_file.exists()
    assert first.status() is None
    assert second.stop() is False


@pytest.mark.parametrize("probe_sees_it", [True, False])
def test_busy_default_port_falls_back_to_a_free_one(
    make_server: MakeServer, monkeypatch: pytest.MonkeyPatch, probe_sees_it: bool
) -> None:
    if not probe_sees_it:
        # Someone takes the port between our probe and the server's bind: the server fails to
        # bind and the start is retried on a free port.
        monkeypatch.setattr("icop.llm.local.server._port_is_free", lambda host, port: True)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        state = make_server(port=taken).start()
        assert state.port != taken
        assert check_health(state.base_url)


def test_stale_run_file_is_ignored_and_replaced(make_server: MakeServer) -> None:
    server = make_server()
    server.state_file.parent.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = ServerState(dead.pid, 1.0, "127.0.0.1", 1, "x", "/x", 3, 512, 2, 1.0, False)
    server.state_file.write_text(json.dumps(stale.__dict__))
    assert server.status() is None
    assert not server.state_file.exists()
    server.state_file.write_text("{not json")  # debris, e.g. from a full disk
    assert server.start().pid != dead.pid


def test_unloadable_model_reports_the_servers_error(
    make_server: MakeServer, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\x00" * 64)
    with pytest.raises(ServerStartError, match="exited with code 2") as raised:
        make_server(model=str(broken)).start()
    assert "Failed to init server" in raised.value.detail
    assert not make_server(model=str(broken)).state_file.exists()


async def test_client_starts_lazily_and_restarts_a_killed_server(make_server: MakeServer) -> None:
    server = make_server()
    assert server.status() is None
    async with LocalLLMClient(server) as client:
        info = await client.server_info()  # first use starts it
        assert (info.slots, info.ctx_per_slot) == (3, 512)
        first = server.status()
        assert first is not None

        os.kill(first.pid, signal.SIGKILL)  # a crash of the server process
        assert _wait_until(lambda: not check_health(first.base_url), 10)
        count = await client.count_tokens("hello world")  # reconnects to a fresh server
        assert count == TokenCount(tokens=2, exact=True)
        second = server.status()
        assert second is not None
        assert second.pid != first.pid


def _run_owner(home: Path, model: Path, *, detach: bool) -> subprocess.Popen[str]:
    """A separate Python process that starts a server, prints its pid and then waits."""
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from icop.llm.local import LocalServer, ServerConfig
        server = LocalServer(ServerConfig(home=Path({str(home)!r}), model={str(model)!r},
                                          port=0, ctx_per_slot=512))
        print(server.start(detach={detach}).pid, flush=True)
        time.sleep(120)
        """
    )
    return subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, start_new_session=True
    )


def test_attached_server_exits_when_its_owner_is_killed(
    default_model_path: Path, tmp_path: Path
) -> None:
    owner = _run_owner(tmp_path / "home", default_model_path, detach=False)
    assert owner.stdout is not None
    pid = int(owner.stdout.readline())
    owner.kill()  # SIGKILL: no chance to stop its child
    owner.wait()
    assert _wait_until(lambda: _gone(pid), 10), "the orphaned server kept running"
    assert not (tmp_path / "home" / "run" / "llm-server.json").exists()


def test_detached_server_outlives_its_starter_and_is_stopped_by_another(
    default_model_path: Path, make_server: MakeServer, tmp_path: Path
) -> None:
    owner = _run_owner(tmp_path / "home", default_model_path, detach=True)
    assert owner.stdout is not None
    pid = int(owner.stdout.readline())
    owner.kill()
    owner.wait()
    time.sleep(1.0)  # longer than the worker's parent poll: it must not have followed
    downer = make_server()  # same home: what `icop down` does
    state = downer.status()
    assert state is not None
    assert (state.pid, state.detached) == (pid, True)
    assert downer.stop() is True
    assert _gone(pid)


async def test_speculative_decoding_with_a_draft_model_and_with_ngrams(
    make_server: MakeServer, default_model_path: Path
) -> None:
    # The bundled model drafts for itself: the same tokenizer, so llama.cpp accepts the pairing
    # and greedy drafts are nearly always kept — what the server reports is what is checked.
    drafted = make_server(speculative=str(default_model_path))
    state = drafted.start()
    assert state.speculative == str(default_model_path)
    with pytest.raises(ServerConflict, match="speculative"):
        make_server().start()  # the same home without drafting is another configuration
    async with LocalLLMClient(drafted, timeout_s=120) as client:
        result = await client.chat(
            [{"role": "user", "content": "Count from one to twenty in words."}],
            max_tokens=48,
            temperature=0.0,
        )
    assert result.usage.completion_tokens > 0
    assert result.timing.drafted > 0 and 0 < result.timing.draft_accepted <= result.timing.drafted
    drafted.stop()

    looked_up = make_server(speculative="ngram")
    assert looked_up.start().speculative == "ngram"
    async with LocalLLMClient(looked_up, timeout_s=120) as client:
        answer = await client.chat(
            [{"role": "user", "content": "Repeat exactly: the quick brown fox."}], max_tokens=16
        )
    assert answer.text.strip()
