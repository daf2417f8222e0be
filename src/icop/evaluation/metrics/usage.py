"""What an article cost: model calls, tokens, dollars, time, failures and retries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from icop.evaluation.records import CallRecord


@dataclass(frozen=True)
class Usage:
    calls: int
    failed_calls: int
    retries: int
    """Provider attempts beyond the first, summed over calls (router retries and fallbacks)."""
    repaired: int
    """Structured answers the router had to repair."""
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    model_seconds: float


def usage(calls: Sequence[CallRecord]) -> Usage:
    return Usage(
        calls=len(calls),
        failed_calls=sum(1 for call in calls if not call.ok),
        retries=sum(max(0, call.attempts - 1) for call in calls),
        repaired=sum(1 for call in calls if call.repaired),
        prompt_tokens=sum(call.prompt_tokens for call in calls),
        completion_tokens=sum(call.completion_tokens for call in calls),
        cost_usd=round(sum(call.cost_usd for call in calls), 6),
        model_seconds=round(sum(call.latency_ms for call in calls) / 1000, 2),
    )
