from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from icop.models.base import Base, TenantOwned, TimestampMixin, tenants_fk
from icop.models.types import EnumText, one_of


class Role(StrEnum):
    """Ordered from least to most privileged."""

    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


class UserStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


class User(TenantOwned, TimestampMixin, Base):
    """A person's account in one tenant (the TRD's users table). The role is the membership."""

    __tablename__ = "users"
    __table_args__ = (
        tenants_fk(),
        UniqueConstraint("tenant_id", "email"),
        CheckConstraint(one_of("role", Role), name="role"),
        CheckConstraint(one_of("status", UserStatus), name="status"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint("language IN ('en', 'ko')", name="language"),
        # The only index not led by tenant_id: login looks an e-mail up across tenants through
        # the audited system function icop_auth_login_candidates (ADR 0002).
        Index("ix_users_email_login", "email"),
    )

    email: Mapped[str] = mapped_column(String(320), nullable=False)
    password_hash: Mapped[str] = mapped_column(Text, nullable=False)
    display_name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[UserStatus] = mapped_column(
        EnumText(UserStatus, 16), nullable=False, server_default=UserStatus.ACTIVE.value
    )
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when the person opened the verification link (or a password reset link, which
    # proves the same thing).
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The language of the e-mails the product sends this person.
    language: Mapped[str] = mapped_column(String(8), nullable=False, server_default="en")
