"""A pool of ONE connection shared by thousands of interleaved requests of two tenants: every
response holds only the caller's rows. A leaked tenant setting on the pooled connection (a
session-level SET instead of set_config(..., true)) would show up here."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from uuid import UUID

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from icop.api.app import create_app
from icop.config import Settings
from icop.db.engine import DatabaseUrls, create_engine
from icop.db.session import unit_of_work
from icop.runtime.clients import Runtime
from tests.helpers import Account, ApiClient, fake_providers

REQUESTS = 2000


@pytest.fixture
async def single_connection_engine(
    database_urls: DatabaseUrls, settings: Settings
) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_urls.app, settings, pool_size=1, max_overflow=0)
    yield engine
    await engine.dispose()


async def test_interleaved_tenants_on_one_pooled_connection(
    single_connection_engine: AsyncEngine, settings: Settings
) -> None:
    context = Runtime.from_settings(
        settings, engine=single_connection_engine, llm_providers=fake_providers()
    )
    transport = httpx.ASGITransport(app=create_app(runtime=context))
    async with httpx.AsyncClient(transport=transport, base_url="http://pool") as http:
        client = ApiClient(http)
        tenants: list[Account] = [await client.signup("Pool A"), await client.signup("Pool B")]
        owned: dict[UUID, set[str]] = {}
        try:
            for account in tenants:
                ids = set()
                for index in range(5):
                    response = await client.post(
                        "/api/v1/credentials",
                        headers=account.headers,
                        json={
                            "platform": "x",
                            "label": f"l{index}",
                            "access_token": f"tok-{index}",
                        },
                    )
                    assert response.status_code == 201, response.text
                    ids.add(response.json()["id"])
                owned[account.tenant_id] = ids

            order = [random.choice(tenants) for _ in range(REQUESTS)]

            async def fetch(account: Account) -> tuple[Account, set[str]]:
                response = await client.get("/api/v1/credentials", headers=account.headers)
                assert response.status_code == 200, response.text
                return account, {item["id"] for item in response.json()}

            for start in range(0, REQUESTS, 100):
                results = await asyncio.gather(*(fetch(a) for a in order[start : start + 100]))
                for account, seen in results:
                    assert seen == owned[account.tenant_id]

            # The pooled connection itself carries no tenant between units of work.
            async with single_connection_engine.connect() as connection:
                assert (
                    await connection.scalar(
                        text("SELECT coalesce(current_setting('app.tenant_id', true), '')")
                    )
                    == ""
                )
                assert await connection.scalar(text("SELECT count(*) FROM api_credentials")) == 0
        finally:
            for account in tenants:
                async with unit_of_work(context.sessionmaker, account.tenant_id) as session:
                    await session.execute(
                        text("DELETE FROM tenants WHERE id = :id"), {"id": account.tenant_id}
                    )
