"""The quota service: later features call ``consume`` before they spend (an article, a post,
model dollars) and ``release`` when the spend did not happen."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from icop.errors import NotFound, QuotaExceeded
from icop.models import SubscriptionPlan
from icop.observability.metrics import record_quota_refusal, record_quota_threshold
from icop.quotas.plans import Metric, quota
from icop.quotas.repository import UsageRepository
from icop.quotas.schemas import MetricUsage, UsageOut
from icop.tenants.repository import TenantRepository

logger = logging.getLogger(__name__)

# Shares of a quota whose crossing the metrics count (the "near exhaustion" alert's input).
WARN_AT = (Decimal("0.8"), Decimal("0.9"))


def note_thresholds(
    tenant_id: UUID, metric: Metric, used: Decimal, amount: Decimal, limit: Decimal | None
) -> list[Decimal]:
    """Count each warning share this spend crossed (from below ``share * limit`` to at or
    above it), so an alert sees a tenant nearing its quota once, not on every later spend.
    The metric has no tenant label (bounded labels); the log line names the tenant."""
    if limit is None or limit <= 0 or amount <= 0:
        return []
    before = used - amount
    crossed = [share for share in WARN_AT if before < limit * share <= used]
    for share in crossed:
        record_quota_threshold(metric.value, str(share))
        logger.warning(
            "tenant %s used %s of its monthly %s quota (%s of %s)",
            tenant_id,
            f"{share:.0%}",
            metric.value,
            used,
            limit,
        )
    return crossed


def current_period(now: datetime | None = None) -> date:
    moment = now or datetime.now(UTC)
    return date(moment.year, moment.month, 1)


def _period_end(start: date) -> date:
    return date(start.year + (start.month == 12), start.month % 12 + 1, 1)


async def _plan(session: AsyncSession, tenant_id: UUID) -> SubscriptionPlan:
    tenant = await TenantRepository(session).get(tenant_id)
    if tenant is None:
        raise NotFound("tenant not found")
    return SubscriptionPlan(tenant.subscription_plan)


async def consume(
    session: AsyncSession, tenant_id: UUID, metric: Metric, amount: Decimal | int = 1
) -> Decimal:
    amount = Decimal(amount)
    limit = quota(await _plan(session, tenant_id), metric)
    used = await UsageRepository(session).consume(
        tenant_id=tenant_id,
        period=current_period(),
        metric=metric.value,
        amount=amount,
        limit=limit,
    )
    if used is None:
        record_quota_refusal(metric.value)
        raise QuotaExceeded(
            f"the monthly {metric.value} quota ({limit}) would be exceeded",
            metric=metric.value,
            limit=str(limit),
        )
    note_thresholds(tenant_id, metric, used, amount, limit)
    return used


async def release(
    session: AsyncSession, tenant_id: UUID, metric: Metric, amount: Decimal | int = 1
) -> None:
    await UsageRepository(session).release(
        tenant_id=tenant_id, period=current_period(), metric=metric.value, amount=Decimal(amount)
    )


async def usage(session: AsyncSession, tenant_id: UUID) -> UsageOut:
    plan = await _plan(session, tenant_id)
    period = current_period()
    used = {c.metric: c.used for c in await UsageRepository(session).for_period(period)}
    metrics = []
    for metric in Metric:
        limit = quota(plan, metric)
        spent = used.get(metric.value, Decimal(0))
        metrics.append(
            MetricUsage(
                metric=metric,
                used=spent,
                limit=limit,
                remaining=None if limit is None else max(limit - spent, Decimal(0)),
            )
        )
    return UsageOut(plan=plan, period_start=period, period_end=_period_end(period), metrics=metrics)


async def remaining(session: AsyncSession, tenant_id: UUID, metric: Metric) -> Decimal | None:
    """What is left of this month's quota (None: unlimited)."""
    for item in (await usage(session, tenant_id)).metrics:
        if item.metric is metric:
            return item.remaining
    return None


async def record_spend(
    session: AsyncSession, tenant_id: UUID, metric: Metric, amount: Decimal
) -> Decimal:
    """Record consumption that already happened (model dollars spent): never refused, so the
    counter may pass the limit; later ``consume`` calls and budget checks then say no."""
    used = await UsageRepository(session).consume(
        tenant_id=tenant_id,
        period=current_period(),
        metric=metric.value,
        amount=amount,
        limit=None,
    )
    assert used is not None
    note_thresholds(tenant_id, metric, used, amount, quota(await _plan(session, tenant_id), metric))
    return used
