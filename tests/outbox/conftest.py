from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.system_services import RabbitMQ, rabbitmq


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RabbitMQ]:
    """A real RabbitMQ on a free loopback port, its state under a temporary directory."""
    root: Path = tmp_path_factory.mktemp("rabbitmq")
    with rabbitmq(root) as running:
        yield running
