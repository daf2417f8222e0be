from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import respx

from icop.syndication.platforms.base import AccountAuth, Platform

TOKEN = "EAAtoken-SECRET-123"


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as router:
        yield router


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield client


def auth_for(
    platform: Platform, account_id: str = "111", refresh: str | None = None
) -> AccountAuth:
    return AccountAuth(
        platform=platform, account_id=account_id, access_token=TOKEN, refresh_token=refresh
    )


def assert_no_secret(exc: BaseException) -> None:
    """Errors are logged and shown: they must never carry the token."""
    text = " ".join([str(exc), repr(exc), repr(getattr(exc, "__dict__", {}))])
    assert TOKEN not in text
    assert exc.__cause__ is None or TOKEN not in str(exc.__cause__)
