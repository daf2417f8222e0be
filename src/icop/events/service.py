"""Record run events: one call per change, inside the unit of work that makes the change, as
its last write (the ordering lock is then held only for the commit)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from icop.events.repository import EventRepository
from icop.models import RunEvent


async def record(
    session: AsyncSession,
    tenant_id: UUID,
    *,
    kind: str,
    status: str,
    run_id: UUID | None = None,
    row_number: int | None = None,
    article_id: UUID | None = None,
    step: str | None = None,
    started_at: datetime | None = None,
    finished_at: datetime | None = None,
    cost_usd: Decimal | float | None = None,
    detail: str | None = None,
) -> None:
    await EventRepository(session).append(
        RunEvent(
            tenant_id=tenant_id,
            kind=kind,
            status=str(status),
            run_id=run_id,
            row_number=row_number,
            article_id=article_id,
            step=step[:200] if step else None,
            started_at=started_at,
            finished_at=finished_at,
            cost_usd=Decimal(str(cost_usd)) if cost_usd is not None else None,
            detail=detail[:300] if detail else None,
        )
    )
