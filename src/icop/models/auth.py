"""Refresh-token families (login sessions), their tokens, API keys, invitations, the
single-use links sent by e-mail and the per-address login throttle."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from icop.models.base import Base, TenantOwned, TimestampMixin, tenant_fk, tenants_fk
from icop.models.types import one_of


class AuthSession(TenantOwned, TimestampMixin, Base):
    """One login: the family of refresh tokens rotated from it. Revoking it ends the login
    and every access token minted in it (access tokens carry its id as ``sid``)."""

    __tablename__ = "auth_sessions"
    __table_args__ = (tenants_fk(), tenant_fk(["user_id"], "users"))

    user_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(400))
    ip_address: Mapped[str | None] = mapped_column(String(64))


class RefreshToken(TenantOwned, TimestampMixin, Base):
    """A refresh token's ``jti``. Each may be used once; a second use is theft (reuse)."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["session_id"], "auth_sessions"),
        Index("ix_refresh_tokens_tenant_id_session_id", "tenant_id", "session_id"),
    )

    session_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApiKey(TenantOwned, TimestampMixin, Base):
    """A machine client's key. Only a SHA-256 of the secret is kept (the secret has 256 bits
    of entropy, so a slow hash adds nothing)."""

    __tablename__ = "api_keys"
    __table_args__ = (
        tenants_fk(),
        UniqueConstraint("tenant_id", "secret_hash"),
    )

    name: Mapped[str] = mapped_column(String(100), nullable=False)
    secret_hash: Mapped[bytes] = mapped_column(LargeBinary(32), nullable=False)
    hint: Mapped[str] = mapped_column(String(16), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    created_by: Mapped[UUID | None] = mapped_column(Uuid)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Invitation(TenantOwned, TimestampMixin, Base):
    __tablename__ = "invitations"
    __table_args__ = (
        tenants_fk(),
        UniqueConstraint("tenant_id", "token_hash"),
    )

    email: Mapped[str] = mapped_column(String(320), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), nullable=False)
    invited_by: Mapped[UUID | None] = mapped_column(Uuid)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)


class AccountTokenPurpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105 - a purpose's name, not a secret


class AccountToken(TenantOwned, TimestampMixin, Base):
    """A single-use link sent by e-mail (verification, password reset). Only a SHA-256 of the
    secret is kept: the secret has 256 bits of entropy, so a slow hash adds nothing."""

    __tablename__ = "account_tokens"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["user_id"], "users"),
        UniqueConstraint("tenant_id", "token_hash"),
        Index("ix_account_tokens_tenant_id_user_id", "tenant_id", "user_id"),
        CheckConstraint(one_of("purpose", AccountTokenPurpose), name="purpose"),
    )

    user_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    purpose: Mapped[str] = mapped_column(String(24), nullable=False)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginThrottle(Base):
    """Failed logins per e-mail address, across tenants and whether or not an account has it
    (the same treatment for unknown addresses is what keeps accounts from being enumerated).
    Keyed by a SHA-256 of the lower-cased address, so the table holds no address itself. In
    PostgreSQL, not process memory: every API process must see the same count."""

    __tablename__ = "login_throttles"

    email_sha256: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    window_started_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    lockouts: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
