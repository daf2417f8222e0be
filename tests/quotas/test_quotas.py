from __future__ import annotations

import asyncio
from decimal import Decimal
from uuid import UUID

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from icop.db.engine import create_sessionmaker
from icop.db.session import unit_of_work
from icop.errors import QuotaExceeded
from icop.quotas import service
from icop.quotas.plans import Metric
from icop.runtime.clients import Runtime
from tests.helpers import ApiClient


async def test_usage_endpoint_reports_plan_and_consumption(
    client: ApiClient, context: Runtime
) -> None:
    owner = await client.signup()
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        await service.consume(session, owner.tenant_id, Metric.ARTICLES, 3)
        await service.consume(session, owner.tenant_id, Metric.LLM_USD, Decimal("0.125"))
    usage = (await client.get("/api/v1/usage", headers=owner.headers)).json()
    assert usage["plan"] == "free"
    metrics = {m["metric"]: m for m in usage["metrics"]}
    assert Decimal(metrics["articles"]["used"]) == 3
    assert Decimal(metrics["articles"]["remaining"]) == 17
    assert Decimal(metrics["llm_usd"]["used"]) == Decimal("0.125")
    assert usage["period_start"] < usage["period_end"]


async def test_quota_is_enforced_and_releasable(client: ApiClient, context: Runtime) -> None:
    owner = await client.signup()
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        assert await service.consume(session, owner.tenant_id, Metric.ARTICLES, 20) == 20
        with pytest.raises(QuotaExceeded):
            await service.consume(session, owner.tenant_id, Metric.ARTICLES, 1)
        await service.release(session, owner.tenant_id, Metric.ARTICLES, 2)
        assert await service.consume(session, owner.tenant_id, Metric.ARTICLES, 2) == 20
        with pytest.raises(QuotaExceeded):
            await service.consume(session, owner.tenant_id, Metric.POSTS, 101)


async def test_concurrent_consumers_never_overspend(
    app_engine: AsyncEngine, client: ApiClient, context: Runtime
) -> None:
    """Real concurrent transactions (committed), racing for the last units of a quota."""
    sessionmaker = create_sessionmaker(app_engine)
    async with unit_of_work(sessionmaker, None) as session:
        from icop.auth import service as auth
        from icop.auth.service import ClientInfo

        pair = await auth.signup(
            session,
            context.tokens,
            email="race@example.com",
            password="long enough pw",
            company_name="Race",
            display_name=None,
            client=ClientInfo(),
        )
    tenant_id: UUID = pair.tenant_id

    async def attempt() -> bool:
        try:
            async with unit_of_work(sessionmaker, tenant_id) as session:
                await service.consume(session, tenant_id, Metric.ARTICLES, 3)
            return True
        except QuotaExceeded:
            return False

    try:
        results = await asyncio.gather(*(attempt() for _ in range(12)))
        assert sum(results) == 6  # 6 * 3 = 18 ≤ 20 < 21
        async with unit_of_work(sessionmaker, tenant_id) as session:
            usage = await service.usage(session, tenant_id)
        assert {m.metric: m.used for m in usage.metrics}[Metric.ARTICLES] == 18
    finally:
        async with unit_of_work(sessionmaker, tenant_id) as session:
            from icop.tenants.repository import TenantRepository

            tenant = await TenantRepository(session).get(tenant_id)
            await session.delete(tenant)
