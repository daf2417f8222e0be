from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from icop.models import AuthSession, RefreshToken, User


@dataclass(frozen=True)
class LoginCandidate:
    tenant_id: UUID
    user_id: UUID
    password_hash: str
    role: str
    status: str


@dataclass(frozen=True)
class SessionState:
    role: str
    user_status: str
    revoked: bool
    expired: bool


class AuthRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def login_candidates(self, email: str) -> list[LoginCandidate]:
        """Cross-tenant e-mail lookup through the audited system function (ADR 0002)."""
        rows = await self.session.execute(
            text("SELECT * FROM icop_auth_login_candidates(:email)"), {"email": email}
        )
        return [LoginCandidate(**row._mapping) for row in rows]

    async def create_session(
        self,
        *,
        tenant_id: UUID,
        user_id: UUID,
        expires_at: datetime,
        user_agent: str | None,
        ip_address: str | None,
    ) -> AuthSession:
        auth_session = AuthSession(
            tenant_id=tenant_id,
            user_id=user_id,
            expires_at=expires_at,
            user_agent=(user_agent or "")[:400] or None,
            ip_address=ip_address,
        )
        self.session.add(auth_session)
        await self.session.flush()
        return auth_session

    async def add_refresh_token(
        self, *, tenant_id: UUID, token_id: UUID, session_id: UUID, expires_at: datetime
    ) -> None:
        self.session.add(
            RefreshToken(
                tenant_id=tenant_id, id=token_id, session_id=session_id, expires_at=expires_at
            )
        )
        await self.session.flush()

    async def consume_refresh_token(self, tenant_id: UUID, token_id: UUID) -> UUID | None:
        """Mark a refresh token used, atomically; None when unknown or already used."""
        result = await self.session.execute(
            update(RefreshToken)
            .where(
                RefreshToken.tenant_id == tenant_id,
                RefreshToken.id == token_id,
                RefreshToken.used_at.is_(None),
            )
            .values(used_at=func.now())
            .returning(RefreshToken.session_id)
        )
        return result.scalar_one_or_none()

    async def refresh_token_exists(self, tenant_id: UUID, token_id: UUID) -> UUID | None:
        return await self.session.scalar(
            select(RefreshToken.session_id).where(
                RefreshToken.tenant_id == tenant_id, RefreshToken.id == token_id
            )
        )

    async def session_state(
        self, tenant_id: UUID, session_id: UUID, user_id: UUID
    ) -> SessionState | None:
        row = (
            await self.session.execute(
                select(
                    User.role,
                    User.status,
                    AuthSession.revoked_at.is_not(None).label("revoked"),
                    (AuthSession.expires_at <= func.now()).label("expired"),
                )
                .join(
                    AuthSession,
                    (AuthSession.tenant_id == User.tenant_id) & (AuthSession.user_id == User.id),
                )
                .where(
                    User.tenant_id == tenant_id, User.id == user_id, AuthSession.id == session_id
                )
            )
        ).one_or_none()
        if row is None:
            return None
        return SessionState(
            role=row.role, user_status=row.status, revoked=row.revoked, expired=row.expired
        )

    async def touch_session(self, tenant_id: UUID, session_id: UUID) -> None:
        await self.session.execute(
            update(AuthSession)
            .where(AuthSession.tenant_id == tenant_id, AuthSession.id == session_id)
            .values(last_used_at=func.now())
        )

    async def revoke_session(self, tenant_id: UUID, session_id: UUID, reason: str) -> bool:
        result = await self.session.execute(
            update(AuthSession)
            .where(
                AuthSession.tenant_id == tenant_id,
                AuthSession.id == session_id,
                AuthSession.revoked_at.is_(None),
            )
            .values(revoked_at=func.now(), revoked_reason=reason)
            .returning(AuthSession.id)
        )
        return result.scalar_one_or_none() is not None

    async def revoke_user_sessions(self, tenant_id: UUID, user_id: UUID, reason: str) -> None:
        await self.session.execute(
            update(AuthSession)
            .where(
                AuthSession.tenant_id == tenant_id,
                AuthSession.user_id == user_id,
                AuthSession.revoked_at.is_(None),
            )
            .values(revoked_at=func.now(), revoked_reason=reason)
        )
