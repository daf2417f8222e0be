"""The single-use links sent by e-mail: stored as a SHA-256 of their secret only."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession

from icop.models import AccountToken, AccountTokenPurpose


class AccountTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def issue(
        self,
        *,
        tenant_id: UUID,
        user_id: UUID,
        purpose: AccountTokenPurpose,
        token_hash: bytes,
        expires_at: datetime,
    ) -> None:
        """Store a new link and retire the user's earlier unused links of the same purpose:
        only the latest e-mail works."""
        await self.session.execute(
            update(AccountToken)
            .where(
                AccountToken.tenant_id == tenant_id,
                AccountToken.user_id == user_id,
                AccountToken.purpose == purpose.value,
                AccountToken.used_at.is_(None),
            )
            .values(used_at=func.now())
        )
        self.session.add(
            AccountToken(
                tenant_id=tenant_id,
                user_id=user_id,
                purpose=purpose.value,
                token_hash=token_hash,
                expires_at=expires_at,
            )
        )
        await self.session.flush()

    async def consume(
        self, *, tenant_id: UUID, purpose: AccountTokenPurpose, token_hash: bytes
    ) -> UUID | None:
        """Mark a live link used, atomically; its user, or None when it is unknown, used,
        expired or meant for something else."""
        result = await self.session.execute(
            update(AccountToken)
            .where(
                AccountToken.tenant_id == tenant_id,
                AccountToken.token_hash == token_hash,
                AccountToken.purpose == purpose.value,
                AccountToken.used_at.is_(None),
                AccountToken.expires_at > func.now(),
            )
            .values(used_at=func.now())
            .returning(AccountToken.user_id)
        )
        return result.scalar_one_or_none()
