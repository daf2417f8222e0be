"""Subscription plans and their monthly quotas (UTC calendar months).

``None`` means unlimited. The numbers are product defaults; operators change a tenant's plan
with ``icop tenant set-plan``.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from icop.models import SubscriptionPlan


class Metric(StrEnum):
    ARTICLES = "articles"
    POSTS = "posts"
    LLM_USD = "llm_usd"


PLAN_QUOTAS: MappingProxyType[SubscriptionPlan, dict[Metric, Decimal | None]] = MappingProxyType(
    {
        SubscriptionPlan.FREE: {
            Metric.ARTICLES: Decimal(20),
            Metric.POSTS: Decimal(100),
            Metric.LLM_USD: Decimal(5),
        },
        SubscriptionPlan.PRO: {
            Metric.ARTICLES: Decimal(300),
            Metric.POSTS: Decimal(3000),
            Metric.LLM_USD: Decimal(100),
        },
        SubscriptionPlan.AGENCY: {
            Metric.ARTICLES: None,
            Metric.POSTS: None,
            Metric.LLM_USD: Decimal(1000),
        },
    }
)


def quota(plan: SubscriptionPlan, metric: Metric) -> Decimal | None:
    return PLAN_QUOTAS[plan][metric]
