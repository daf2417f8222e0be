from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, update

from icop.db.repository import Repository
from icop.models import Invitation


class InvitationRepository(Repository[Invitation]):
    model = Invitation
    noun = "invitation"

    async def create(
        self,
        *,
        tenant_id: UUID,
        email: str,
        role: str,
        token_hash: bytes,
        invited_by: UUID | None,
        expires_at: datetime,
        note: str | None,
    ) -> Invitation:
        invitation = Invitation(
            tenant_id=tenant_id,
            email=email,
            role=role,
            token_hash=token_hash,
            invited_by=invited_by,
            expires_at=expires_at,
            note=note,
        )
        self.session.add(invitation)
        await self.session.flush()
        await self.session.refresh(invitation)
        return invitation

    async def list_pending(self, *, limit: int, offset: int) -> Sequence[Invitation]:
        result = await self.session.scalars(
            select(Invitation)
            .where(
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > func.now(),
            )
            .order_by(Invitation.created_at, Invitation.id)
            .limit(limit)
            .offset(offset)
        )
        return result.all()

    async def claim(self, token_hash: bytes) -> Invitation | None:
        """Mark a usable invitation accepted, atomically (one acceptance per invitation)."""
        invitation_id = await self.session.scalar(
            update(Invitation)
            .where(
                Invitation.token_hash == token_hash,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > func.now(),
            )
            .values(accepted_at=func.now())
            .returning(Invitation.id)
        )
        return await self.get(invitation_id) if invitation_id else None

    async def revoke(self, invitation_id: UUID) -> None:
        await self.session.execute(
            update(Invitation).where(Invitation.id == invitation_id).values(revoked_at=func.now())
        )
