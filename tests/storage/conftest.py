from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.storage import seaweed

BUCKET = "icop-media"


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[seaweed.Seaweed]:
    server = seaweed.start(tmp_path_factory.mktemp("seaweedfs"), BUCKET)
    try:
        yield server
    finally:
        server.stop()
