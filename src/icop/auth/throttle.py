"""Per-account login throttling, on top of the per-address rate limit: after N failed logins
for one e-mail address within a window, that address's logins are refused for a while (from
any client address), each refusal twice as long as the last, up to a cap. Unknown addresses
are counted exactly like known ones, so the throttle never tells whether an account exists."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from icop.auth.exceptions import LoginThrottled
from icop.auth.throttle_repository import LoginThrottleRepository
from icop.config import Settings


@dataclass(frozen=True)
class ThrottlePolicy:
    failures: int = 5
    window_s: int = 900
    lockout_s: int = 60
    max_lockout_s: int = 3600

    @classmethod
    def from_settings(cls, settings: Settings) -> ThrottlePolicy:
        return cls(
            failures=settings.login_throttle_failures,
            window_s=settings.login_throttle_window_s,
            lockout_s=settings.login_throttle_lockout_s,
            max_lockout_s=settings.login_throttle_max_lockout_s,
        )


def email_key(email: str) -> bytes:
    return hashlib.sha256(email.strip().lower().encode("utf-8", "surrogatepass")).digest()


class LoginThrottle:
    def __init__(self, session: AsyncSession, policy: ThrottlePolicy) -> None:
        self.repository = LoginThrottleRepository(session)
        self.policy = policy

    async def ensure_allowed(self, email: str) -> None:
        retry_after = await self.repository.retry_after_s(email_key(email))
        if retry_after is not None:
            raise LoginThrottled(
                f"too many failed logins for this account; try again in {retry_after} s",
                retry_after_s=retry_after,
            )

    async def record_failure(self, email: str) -> None:
        key = email_key(email)
        count = await self.repository.record_failure(
            key, window_s=self.policy.window_s, max_lockout_s=self.policy.max_lockout_s
        )
        if count.failures >= self.policy.failures:
            await self.repository.lock(
                key, lockout_s=self.policy.lockout_s, max_lockout_s=self.policy.max_lockout_s
            )

    async def record_success(self, email: str) -> None:
        await self.repository.clear(email_key(email))
