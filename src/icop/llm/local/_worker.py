"""The server's child process: ``python -m icop.llm.local._worker``.

xllamacpp only offers an in-process server (C++ HTTP threads inside the Python process that
builds ``xllamacpp.Server``). Running it in a process of its own keeps a llama.cpp crash, a
stuck decode or Ctrl-C away from the application, and lets ``icop up`` leave it running.

The parent passes the configuration in an environment variable (not argv: it may hold an API
key, and /proc/PID/environ is readable by the owner only). Once the model is loaded and the
HTTP port is bound, this process writes the run file itself, so the file always describes a
server that was really up.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

CONFIG_ENV = "ICOP_LLM_WORKER_CONFIG"
# How often to notice that a non-detached parent died without stopping us.
_PARENT_POLL_S = 0.5


def _build_params(config: dict[str, Any]) -> Any:
    import xllamacpp  # type: ignore[import-untyped]

    params = xllamacpp.CommonParams()
    params.model.path = config["model_path"]
    params.hostnames = [config["host"]]
    params.port = int(config["port"])
    params.n_parallel = int(config["parallel"])
    # llama.cpp splits n_ctx evenly across the slots when the KV cache is not unified.
    params.n_ctx = int(config["ctx_per_slot"]) * int(config["parallel"])
    params.kv_unified = False
    params.cont_batching = True
    params.cpuparams.n_threads = int(config["threads"])
    params.cpuparams_batch.n_threads = int(config["threads"])
    params.cache_ram_mib = int(config["cache_ram_mib"])
    params.offline = True  # never reach for a model hub
    params.ui = False
    params.endpoint_metrics = True
    params.endpoint_slots = True
    params.model_alias = {config["alias"]}
    if config.get("api_key"):
        params.api_keys = [config["api_key"]]
    _speculative(params, config)
    return params


def _speculative(params: Any, config: dict[str, Any]) -> None:
    """Speculative decoding: drafts from a small model with the same tokenizer, or n-grams
    looked up in the context (useful where the answer copies its input: an edit, a merge)."""
    import xllamacpp

    kinds = xllamacpp.common_speculative_type
    speculative = params.speculative
    if config.get("draft_path"):
        speculative.types = [kinds.COMMON_SPECULATIVE_TYPE_DRAFT_SIMPLE]
        draft = speculative.draft
        draft.mparams.path = config["draft_path"]
        draft.n_max = int(config["draft_max"])
        draft.cpuparams.n_threads = int(config["threads"])
        draft.cpuparams_batch.n_threads = int(config["threads"])
    elif config.get("speculative") == "ngram":
        # llama.cpp's own sizes: a 12-token key found again drafts up to 48 tokens.
        speculative.types = [kinds.COMMON_SPECULATIVE_TYPE_NGRAM_SIMPLE]


def _write_state(path: Path, state: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(state, handle)
    os.replace(temporary, path)


def _remove_state_if_ours(path: Path) -> None:
    try:
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def main() -> int:
    config: dict[str, Any] = json.loads(os.environ.pop(CONFIG_ENV))
    state_path = Path(config["state_file"])
    parent_pid = int(config.get("parent_pid") or 0)
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    import psutil
    import xllamacpp

    try:
        server = xllamacpp.Server(_build_params(config))  # returns once the model is loaded
    except RuntimeError as exc:
        print(f"icop-llm-worker: {exc}", file=sys.stderr, flush=True)
        return 2
    if stop.is_set():
        return 0
    address = urlsplit(server.listening_address)
    state = {
        key: config.get(key)
        for key in (
            "model",
            "model_path",
            "parallel",
            "ctx_per_slot",
            "threads",
            "speculative",
            "api_key",
        )
    }
    state.update(
        pid=os.getpid(),
        create_time=psutil.Process().create_time(),
        host=config["host"],
        port=address.port,
        started_at=time.time(),
        detached=parent_pid == 0,
    )
    _write_state(state_path, state)
    print(f"icop-llm-worker: serving {config['model']} on {server.listening_address}", flush=True)
    try:
        while not stop.wait(_PARENT_POLL_S):
            if parent_pid and os.getppid() != parent_pid:
                print("icop-llm-worker: parent exited, stopping", flush=True)
                break
    finally:
        _remove_state_if_ours(state_path)
        # The destructor stops the HTTP server and joins llama.cpp's main loop.
        del server
    return 0


if __name__ == "__main__":
    sys.exit(main())
