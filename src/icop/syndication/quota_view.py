"""What an account may still post: each rolling window of the quota ledger (our own count)
with what is used, what is left and when the oldest counted post leaves it, plus the
platform's last word (rate headers, a 429's reset, a pause) — the dashboard's quota column.

It reads what ``QuotaLedger.next_slot`` reads and takes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from icop.config import Settings
from icop.syndication.accounts import get
from icop.syndication.ledger import QuotaLedger
from icop.syndication.platforms.base import Platform
from icop.syndication.repository import LedgerRepository
from icop.syndication.schemas import AccountQuotaOut, QuotaWindowOut


async def account_quota(
    session: AsyncSession, settings: Settings, account_id: UUID, now: datetime | None = None
) -> AccountQuotaOut:
    account = await get(session, account_id)
    now = now or datetime.now(UTC)
    ledger = QuotaLedger(settings)
    repository = LedgerRepository(session)
    state = await repository.rate_state(account.id)
    windows: list[QuotaWindowOut] = []
    for window in ledger.windows(Platform(account.platform), state):
        since = now - window.span
        used = await repository.count_since(account.id, since)
        oldest = await repository.nth_since(account.id, since, 0) if used else None
        windows.append(
            QuotaWindowOut(
                label=window.label,
                span_s=int(window.span.total_seconds()),
                limit=window.limit,
                used=used,
                remaining=max(0, window.limit - used),
                frees_at=oldest + window.span if oldest is not None else None,
            )
        )
    slot = await ledger.next_slot(session, account, now)
    blocked = state is not None and state.blocked_until is not None and state.blocked_until > now
    return AccountQuotaOut(
        account_id=account.id,
        platform=account.platform,
        windows=windows,
        platform_remaining=state.remaining if state is not None else None,
        platform_limit=state.limit if state is not None else None,
        platform_reset_at=state.reset_at if state is not None else None,
        usage_percent=state.usage_percent if state is not None else None,
        blocked_until=state.blocked_until if blocked and state is not None else None,
        blocked_reason=state.blocked_reason if blocked and state is not None else None,
        next_slot_at=slot.when if not slot.free(now) else None,
        next_slot_reason=slot.reason if not slot.free(now) else None,
    )
