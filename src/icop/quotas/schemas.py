from __future__ import annotations

from datetime import date
from decimal import Decimal

from icop.models import SubscriptionPlan
from icop.quotas.plans import Metric
from icop.schemas import ResponseModel


class MetricUsage(ResponseModel):
    metric: Metric
    used: Decimal
    limit: Decimal | None
    remaining: Decimal | None


class UsageOut(ResponseModel):
    plan: SubscriptionPlan
    period_start: date
    period_end: date
    metrics: list[MetricUsage]
