"""An inter-process lock on a file, so two processes never assemble a model or start a server
under the same home at once."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from icop.llm.local.errors import LocalLLMError


class LockTimeout(LocalLLMError):
    code = "local_llm_lock_timeout"
    title = "Timed out waiting for another process holding a local LLM lock"


@contextmanager
def file_lock(path: Path, *, timeout: float, poll_interval: float = 0.1) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` for the block.

    flock belongs to the open file description, so it also excludes threads of this process
    that open the file separately, and the kernel drops it when a holder dies: no stale locks.
    The lock file itself stays; unlinking it would let a waiter lock an orphaned inode.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(f"{path} is still locked after {timeout:.0f}s") from None
                time.sleep(poll_interval)
        yield
    finally:
        os.close(descriptor)
