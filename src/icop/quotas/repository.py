from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from uuid import UUID

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from icop.models import UsageCounter

# One statement: add the amount unless that would pass the limit. Concurrent consumers of the
# same counter serialise on its row, so two requests cannot both take the last unit.
_CONSUME = text(
    """
    INSERT INTO usage_counters AS c (tenant_id, period, metric, used)
    VALUES (:tenant_id, :period, :metric, :amount)
    ON CONFLICT (tenant_id, period, metric)
    DO UPDATE SET used = c.used + EXCLUDED.used, updated_at = now()
        WHERE CAST(:limit AS numeric) IS NULL OR c.used + EXCLUDED.used <= CAST(:limit AS numeric)
    RETURNING used
    """
)


class UsageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def consume(
        self, *, tenant_id: UUID, period: date, metric: str, amount: Decimal, limit: Decimal | None
    ) -> Decimal | None:
        """New total, or None when the limit would be passed (nothing is consumed then)."""
        if limit is not None and amount > limit:
            return None
        result = await self.session.execute(
            _CONSUME,
            {
                "tenant_id": tenant_id,
                "period": period,
                "metric": metric,
                "amount": amount,
                "limit": limit,
            },
        )
        used: Decimal | None = result.scalar_one_or_none()
        return used

    async def release(self, *, tenant_id: UUID, period: date, metric: str, amount: Decimal) -> None:
        await self.session.execute(
            text(
                "UPDATE usage_counters SET used = greatest(used - :amount, 0), updated_at = now() "
                "WHERE tenant_id = :tenant_id AND period = :period AND metric = :metric"
            ),
            {"tenant_id": tenant_id, "period": period, "metric": metric, "amount": amount},
        )

    async def for_period(self, period: date) -> Sequence[UsageCounter]:
        result = await self.session.scalars(
            select(UsageCounter).where(UsageCounter.period == period)
        )
        return result.all()
