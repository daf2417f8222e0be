"""The series the alert rules read are exported where the fact is known: a model provider's
circuit opening and closing in the router, a tenant crossing a share of its quota or being
refused, the disks and connection pools of a process."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from icop.db.session import unit_of_work
from icop.errors import QuotaExceeded
from icop.llm.policy import Candidate, PolicyDefaults, RoutingPolicy
from icop.llm.providers.base import ProviderServerError
from icop.llm.providers.fake import FakeProvider, FakeReply
from icop.llm.smart_router import SmartRouter
from icop.llm.tasks import TaskKind
from icop.llm.throttle import Throttle
from icop.observability import metrics
from icop.observability.metrics import REGISTRY
from icop.quotas import service as quotas
from icop.quotas.plans import Metric
from icop.runtime.clients import Runtime, pool_reading
from tests.helpers import ApiClient


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_a_providers_circuit_is_exported_open_then_closed() -> None:
    provider = f"flaky{uuid4().hex[:6]}"  # a label of its own: other tests share the registry
    flaky = FakeProvider(
        provider, script=lambda r: FakeReply(error=ProviderServerError(provider, "503"))
    )
    policy = RoutingPolicy(
        defaults=PolicyDefaults(max_attempts=1),
        tasks={task: [Candidate(provider=provider, model="m")] for task in TaskKind},
    )
    router = SmartRouter(
        {provider: flaky},
        policy,
        Throttle(global_rate_per_minute=60_000, provider_concurrency={}),
        failure_threshold=2,
        reset_timeout_s=0.05,
        backoff_initial_s=0.001,
        backoff_max_s=0.01,
    )
    shared = {"provider": provider, "scope": "shared"}
    for _ in range(2):
        with pytest.raises(Exception):  # noqa: B017 - every candidate failed: RoutingError
            await router.complete("chat", system="s", inputs={"prompt": "x"})
    assert sample("icop_model_circuits_open", **shared) == 1
    await asyncio.sleep(0.06)  # half-open: the next call is the probe
    flaky.script = [FakeReply()]
    await router.complete("chat", system="s", inputs={"prompt": "x"})
    assert sample("icop_model_circuits_open", **shared) == 0
    # A tenant's own key counts under the provider with scope "tenant", never as "shared".
    breaker = router._breaker(f"{provider}@{uuid4()}")
    breaker.record_failure()
    breaker.record_failure()
    assert sample("icop_model_circuits_open", provider=provider, scope="tenant") == 1
    assert sample("icop_model_circuits_open", **shared) == 0


async def test_quota_crossings_and_refusals_are_counted(
    client: ApiClient, context: Runtime
) -> None:
    owner = await client.signup()  # the free plan: 20 articles a month
    crossed = {
        share: sample("icop_quota_threshold_crossings_total", metric="articles", threshold=share)
        for share in ("0.8", "0.9")
    }
    refused = sample("icop_quota_refusals_total", metric="articles")
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        await quotas.consume(session, owner.tenant_id, Metric.ARTICLES, 15)  # 75%: nothing
        assert (
            sample("icop_quota_threshold_crossings_total", metric="articles", threshold="0.8")
            == crossed["0.8"]
        )
        await quotas.consume(session, owner.tenant_id, Metric.ARTICLES, 4)  # 95%: both
        await quotas.consume(session, owner.tenant_id, Metric.ARTICLES, 1)  # still past: no more
        with pytest.raises(QuotaExceeded):
            await quotas.consume(session, owner.tenant_id, Metric.ARTICLES, 1)
    for share in ("0.8", "0.9"):
        now = sample("icop_quota_threshold_crossings_total", metric="articles", threshold=share)
        assert now == crossed[share] + 1
    assert sample("icop_quota_refusals_total", metric="articles") == refused + 1


async def test_model_spend_past_a_share_of_the_budget_is_counted(
    client: ApiClient, context: Runtime
) -> None:
    owner = await client.signup()  # the free plan: $5 of model calls a month
    before = sample("icop_quota_threshold_crossings_total", metric="llm_usd", threshold="0.9")
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        await quotas.record_spend(session, owner.tenant_id, Metric.LLM_USD, Decimal("4.40"))
        await quotas.record_spend(session, owner.tenant_id, Metric.LLM_USD, Decimal("0.20"))
    after = sample("icop_quota_threshold_crossings_total", metric="llm_usd", threshold="0.9")
    assert after == before + 1


def test_thresholds_are_crossed_once_each() -> None:
    tenant = uuid4()
    limit = Decimal(100)
    assert quotas.note_thresholds(tenant, Metric.POSTS, Decimal(79), Decimal(79), limit) == []
    assert quotas.note_thresholds(tenant, Metric.POSTS, Decimal(80), Decimal(1), limit) == [
        Decimal("0.8")
    ]
    assert quotas.note_thresholds(tenant, Metric.POSTS, Decimal(85), Decimal(5), limit) == []
    assert quotas.note_thresholds(tenant, Metric.POSTS, Decimal(100), Decimal(15), limit) == [
        Decimal("0.9")
    ]
    assert quotas.note_thresholds(tenant, Metric.POSTS, Decimal(50), Decimal(50), None) == []


async def test_disks_and_connection_pools_are_read_at_scrape_time(
    tmp_path: Path, app_engine: AsyncEngine
) -> None:
    metrics.watch_disk("ops-test", tmp_path)
    metrics.watch_pool("ops-test", pool_reading(app_engine, 7))
    assert sample("icop_disk_size_bytes", use="ops-test") > 0
    assert (
        0
        < sample("icop_disk_free_bytes", use="ops-test")
        <= sample("icop_disk_size_bytes", use="ops-test")
    )
    assert sample("icop_db_pool_limit", pool="ops-test") == 7
    idle = sample("icop_db_pool_checked_out", pool="ops-test")
    async with app_engine.connect():
        assert sample("icop_db_pool_checked_out", pool="ops-test") == idle + 1
    text = metrics.exposition().decode()
    assert 'icop_disk_free_bytes{use="ops-test"}' in text
    assert 'icop_db_pool_checked_out{pool="ops-test"}' in text
    # A path that does not exist is left out rather than reported as a made-up number.
    metrics.watch_disk("ops-test-missing", tmp_path / "nowhere")
    assert REGISTRY.get_sample_value("icop_disk_free_bytes", {"use": "ops-test-missing"}) is None
