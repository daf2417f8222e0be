"""The per-account quota ledger: our own count of posts in each rolling window, plus the
platform's last word (rate headers, 429 reset times, publishing-limit endpoints).

``next_slot`` answers "when may this account post next, and if not now, why": the publisher
asks it under the account's row lock right before it records an intent, and takes the slot in
the same transaction, so two workers cannot both take the last one. A wait is never shorter
than what the platform said (a 429's reset time is used as it is)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from icop.config import Settings
from icop.models import AccountRateState, PublishLedgerEntry, SocialAccount
from icop.syndication.platforms.base import Platform, PublishLimit, RateState
from icop.syndication.repository import LedgerRepository

DAY = timedelta(hours=24)
_NAMES = {
    Platform.FACEBOOK: "Facebook",
    Platform.INSTAGRAM: "Instagram",
    Platform.THREADS: "Threads",
    Platform.X: "X",
}


@dataclass(frozen=True, slots=True)
class Window:
    limit: int
    span: timedelta
    label: str


@dataclass(frozen=True, slots=True)
class Slot:
    """``when`` <= now: post now. Otherwise wait until ``when``; ``reason`` says why."""

    when: datetime
    reason: str | None = None

    def free(self, now: datetime) -> bool:
        return self.when <= now


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


class QuotaLedger:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def windows(self, platform: Platform, state: AccountRateState | None) -> list[Window]:
        settings = self.settings
        if platform is Platform.THREADS:
            total = settings.syndication_threads_limit_24h
            if state is not None and state.window_total:
                total = min(total, state.window_total)
            return [Window(total, DAY, "24 hours")]
        if platform is Platform.INSTAGRAM:
            total = settings.syndication_instagram_default_limit_24h
            if state is not None and state.window_total:
                total = state.window_total
            return [Window(total, DAY, "24 hours")]
        if platform is Platform.X:
            return [
                Window(settings.syndication_x_limit_15min, timedelta(minutes=15), "15 minutes"),
                Window(settings.syndication_x_limit_3h, timedelta(hours=3), "3 hours"),
            ]
        # Facebook Pages publish limits are not a count: Meta's usage headers pace them.
        return []

    async def next_slot(self, session: AsyncSession, account: SocialAccount, now: datetime) -> Slot:
        platform = Platform(account.platform)
        name = _NAMES[platform]
        repository = LedgerRepository(session)
        state = await repository.rate_state(account.id)
        waits: list[Slot] = [Slot(now)]
        if state is not None:
            if state.blocked_until is not None and state.blocked_until > now:
                waits.append(
                    Slot(
                        state.blocked_until,
                        state.blocked_reason
                        or f"{name} asked us to wait until {_at(state.blocked_until)}",
                    )
                )
            if state.remaining == 0 and state.reset_at is not None and state.reset_at > now:
                waits.append(
                    Slot(
                        state.reset_at,
                        f"{name} reports no posts left in its window until {_at(state.reset_at)}",
                    )
                )
        for window in self.windows(platform, state):
            since = now - window.span
            count = await repository.count_since(account.id, since)
            if count < window.limit:
                continue
            oldest = await repository.nth_since(account.id, since, count - window.limit)
            if oldest is None:
                continue
            when = oldest + window.span
            waits.append(
                Slot(
                    when,
                    f"{name} allows {window.limit} posts per {window.label} for this account; "
                    f"the window has room again at {_at(when)}",
                )
            )
        return max(waits, key=lambda slot: slot.when)

    async def take(
        self, session: AsyncSession, account: SocialAccount, attempt_id: UUID, now: datetime
    ) -> None:
        await LedgerRepository(session).add(
            PublishLedgerEntry(
                tenant_id=account.tenant_id,
                social_account_id=account.id,
                attempt_id=attempt_id,
                counted_at=now,
            )
        )

    async def confirm(self, session: AsyncSession, attempt_id: UUID, at: datetime) -> None:
        # The platform counts from its own create time, a little after our intent.
        await LedgerRepository(session).move(attempt_id, at)

    async def release(self, session: AsyncSession, attempt_id: UUID) -> None:
        """The platform certainly created nothing: the slot is free again."""
        await LedgerRepository(session).release(attempt_id)

    async def record_rate(
        self,
        session: AsyncSession,
        account: SocialAccount,
        rate: RateState | None,
        now: datetime,
    ) -> None:
        if rate is None:
            return
        state = await LedgerRepository(session).rate_state_for_update(account.tenant_id, account.id)
        state.remaining = rate.remaining
        state.limit = rate.limit
        state.reset_at = rate.reset_at
        state.usage_percent = rate.usage_percent
        pause = self.settings.syndication_facebook_pause_percent
        if rate.usage_percent is not None and rate.usage_percent >= pause:
            seconds = rate.regain_after_s or self.settings.syndication_facebook_pause_s
            until = now + timedelta(seconds=seconds)
            self._block(
                state,
                until,
                f"{_NAMES[Platform(account.platform)]} reports {rate.usage_percent:.0f} % of "
                f"its usage limit; pausing until {_at(until)} to stay under 100 %",
            )
        await session.flush()

    async def record_limited(
        self,
        session: AsyncSession,
        account: SocialAccount,
        reset_at: datetime,
        rate: RateState | None,
        now: datetime,
    ) -> None:
        await self.record_rate(session, account, rate, now)
        state = await LedgerRepository(session).rate_state_for_update(account.tenant_id, account.id)
        self._block(
            state,
            reset_at,
            f"{_NAMES[Platform(account.platform)]} rate-limited this account until {_at(reset_at)}",
        )
        await session.flush()

    async def record_publishing_limit(
        self, session: AsyncSession, account: SocialAccount, limit: PublishLimit, now: datetime
    ) -> None:
        state = await LedgerRepository(session).rate_state_for_update(account.tenant_id, account.id)
        state.window_used = limit.used
        state.window_total = limit.total
        state.window_s = limit.window_s
        state.window_checked_at = now
        if limit.total and limit.used >= limit.total:
            until = now + timedelta(seconds=self.settings.syndication_limit_recheck_s)
            self._block(
                state,
                until,
                f"{_NAMES[Platform(account.platform)]} reports {limit.used} of {limit.total} "
                f"posts used in its window; checking again at {_at(until)}",
            )
        await session.flush()

    def limit_is_stale(self, state: AccountRateState | None, now: datetime) -> bool:
        if state is None or state.window_checked_at is None:
            return True
        age = (now - state.window_checked_at).total_seconds()
        return age >= self.settings.syndication_limit_recheck_s

    @staticmethod
    def _block(state: AccountRateState, until: datetime, reason: str) -> None:
        # Keep the later of two waits: a shorter one must never cut a platform's reset short.
        if state.blocked_until is None or until >= state.blocked_until:
            state.blocked_until = until
            state.blocked_reason = reason
