"""The per-address failed-login counters (``login_throttles``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# One statement counts the failure, so concurrent failures from several API processes are
# serialised by the row lock and none is lost. A failure after the window has passed starts a
# new window; the lockout count is forgotten once the address has been quiet for as long as
# the longest lockout. Reaching the limit locks the address for base * 2^(lockouts so far),
# capped, and starts counting again.
RECORD_FAILURE = text(
    """
INSERT INTO login_throttles AS t (email_sha256, failures, window_started_at, lockouts,
                                  updated_at)
VALUES (:email_sha256, 1, now(), 0, now())
ON CONFLICT (email_sha256) DO UPDATE SET
    failures = CASE WHEN t.window_started_at <= now() - make_interval(secs => :window_s)
                    THEN 1 ELSE t.failures + 1 END,
    window_started_at = CASE WHEN t.window_started_at <= now() - make_interval(secs => :window_s)
                             THEN now() ELSE t.window_started_at END,
    lockouts = CASE WHEN t.updated_at <= now() - make_interval(secs => :max_lockout_s)
                    THEN 0 ELSE t.lockouts END,
    updated_at = now()
RETURNING failures, lockouts
"""
)

LOCK = text(
    """
UPDATE login_throttles
SET locked_until = now() + make_interval(
        secs => least(:lockout_s * power(2, least(lockouts, 30)), :max_lockout_s)),
    lockouts = lockouts + 1,
    failures = 0,
    window_started_at = now()
WHERE email_sha256 = :email_sha256
RETURNING ceil(extract(epoch FROM locked_until - now()))::integer
"""
)

RETRY_AFTER = text(
    """
SELECT ceil(extract(epoch FROM locked_until - now()))::integer FROM login_throttles
WHERE email_sha256 = :email_sha256 AND locked_until > now()
"""
)


@dataclass(frozen=True)
class FailureCount:
    failures: int
    lockouts: int


class LoginThrottleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def retry_after_s(self, email_sha256: bytes) -> int | None:
        """Seconds until the address may try again; None when it is not locked."""
        value = await self.session.scalar(RETRY_AFTER, {"email_sha256": email_sha256})
        return None if value is None else int(value)

    async def record_failure(
        self, email_sha256: bytes, *, window_s: int, max_lockout_s: int
    ) -> FailureCount:
        row = (
            await self.session.execute(
                RECORD_FAILURE,
                {
                    "email_sha256": email_sha256,
                    "window_s": window_s,
                    "max_lockout_s": max_lockout_s,
                },
            )
        ).one()
        return FailureCount(failures=row.failures, lockouts=row.lockouts)

    async def lock(self, email_sha256: bytes, *, lockout_s: int, max_lockout_s: int) -> int:
        """Lock the address; returns the seconds until it may try again."""
        seconds = await self.session.scalar(
            LOCK,
            {"email_sha256": email_sha256, "lockout_s": lockout_s, "max_lockout_s": max_lockout_s},
        )
        return max(1, int(seconds or 1))

    async def clear(self, email_sha256: bytes) -> None:
        await self.session.execute(
            text("DELETE FROM login_throttles WHERE email_sha256 = :email_sha256"),
            {"email_sha256": email_sha256},
        )
