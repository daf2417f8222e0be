from __future__ import annotations

from datetime import date

from icop.models import SubscriptionPlan
from icop.quotas.plans import Metric
from icop.schemas import Money, ResponseModel


class MetricUsage(ResponseModel):
    metric: Metric
    used: Money
    limit: Money | None
    remaining: Money | None


class UsageOut(ResponseModel):
    plan: SubscriptionPlan
    period_start: date
    period_end: date
    metrics: list[MetricUsage]
