from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

import httpx
import pytest

from icop.config import Settings
from icop.emulators.platforms import EmulatorServer
from icop.syndication.platforms.base import AccountAuth, Platform, PlatformClient
from icop.syndication.platforms.factory import build_platform_clients


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorServer]:
    server = EmulatorServer().start()
    yield server
    server.stop()


@pytest.fixture
def emulator(emulator_server: EmulatorServer) -> EmulatorServer:
    emulator_server.state.reset()
    return emulator_server


def emulator_settings(url: str) -> Settings:
    return Settings(
        platform_emulator_url=url,
        meta_container_poll_interval_s=0.01,
        meta_container_poll_timeout_s=2.0,
        x_client_id="icop-test-client",
    )


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield client


@pytest.fixture
def clients(emulator: EmulatorServer, http: httpx.AsyncClient) -> Mapping[Platform, PlatformClient]:
    return build_platform_clients(emulator_settings(emulator.url), http)


async def add_account(
    http: httpx.AsyncClient, emulator: EmulatorServer, platform: Platform, **fields: Any
) -> AccountAuth:
    response = await http.post(
        f"{emulator.url}/_emulator/accounts", json={"platform": platform.value, **fields}
    )
    response.raise_for_status()
    body = response.json()
    return AccountAuth(
        platform=platform,
        account_id=body["account_id"],
        access_token=body["access_token"],
        refresh_token=body["refresh_token"],
    )


async def add_fault(http: httpx.AsyncClient, emulator: EmulatorServer, **fields: Any) -> None:
    response = await http.post(f"{emulator.url}/_emulator/faults", json=fields)
    response.raise_for_status()


async def received(
    http: httpx.AsyncClient, emulator: EmulatorServer, platform: Platform, account_id: str
) -> list[dict[str, Any]]:
    response = await http.get(
        f"{emulator.url}/_emulator/posts",
        params={"platform": platform.value, "account_id": account_id},
    )
    response.raise_for_status()
    data: list[dict[str, Any]] = response.json()["data"]
    return data
