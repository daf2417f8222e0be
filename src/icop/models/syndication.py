"""Social syndication: connected accounts, scheduled posts, every publish attempt, and the
per-account quota ledger (PRODUCT.md §4: record the intent before the call, the platform's id
the moment it answers)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal
from uuid import UUID

from pydantic import Field
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from icop.models.base import Base, TenantOwned, TimestampMixin, tenant_fk, tenants_fk
from icop.models.types import EnumText, PydanticJSON, StoredModel, one_of


class AccountStatus(StrEnum):
    CONNECTED = "connected"
    NEEDS_RECONNECT = "needs_reconnect"
    DISCONNECTED = "disconnected"


class PostStatus(StrEnum):
    SCHEDULED = "scheduled"
    WAITING_QUOTA = "waiting_quota"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    FAILED = "failed"
    UNCONFIRMED = "unconfirmed"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        """Nothing more is sent without a person (retry)."""
        return self in (
            PostStatus.PUBLISHED,
            PostStatus.FAILED,
            PostStatus.UNCONFIRMED,
            PostStatus.CANCELLED,
        )

    @property
    def steerable(self) -> bool:
        """Not sent yet: it may still be cancelled, rescheduled or published now."""
        return self in (PostStatus.SCHEDULED, PostStatus.WAITING_QUOTA)


class AttemptOutcome(StrEnum):
    """How a publish attempt ended; an attempt without one is a call nobody saw answered."""

    PUBLISHED = "published"
    FAILED = "failed"
    AMBIGUOUS = "ambiguous"
    RECONCILED_PUBLISHED = "reconciled_published"
    RECONCILED_ABSENT = "reconciled_absent"
    # The user forced a retry of an attempt nobody could confirm either way.
    ABANDONED = "abandoned"

    @property
    def created_post(self) -> bool:
        """The platform certainly has the post."""
        return self in (AttemptOutcome.PUBLISHED, AttemptOutcome.RECONCILED_PUBLISHED)


class PostMedia(StoredModel):
    """An image or a video of a post part: where it is and its alt text. A video may name a
    cover frame (``cover_url``); without one the platform picks its own."""

    url: str = Field(min_length=1, max_length=2000)
    alt: str | None = Field(default=None, max_length=1000)
    kind: Literal["image", "video"] = "image"
    cover_url: str | None = Field(default=None, max_length=2000)


class PostPart(StoredModel):
    """One post of a thread as validated and sent (icop.platforms.validation's output; shape
    1). Documents written by hand may lack ``length`` and everything after ``media``."""

    text: str
    length: int | None = Field(default=None, ge=0, description="Measured the platform's way.")
    media: list[PostMedia] = Field(default_factory=list)
    link_url: str | None = Field(default=None, max_length=2000)
    topic_tag: str | None = None
    reply_to: str | None = Field(default=None, description="A platform post id to reply to.")
    reply_to_previous: bool = Field(
        default=False, description="A reply to the part before it (a thread)."
    )


class SocialAccount(TenantOwned, TimestampMixin, Base):
    """A page/profile we may post to. Its tokens live in the vault (``api_credentials``)."""

    __tablename__ = "social_accounts"
    __table_args__ = (
        tenants_fk(),
        # Disconnecting deletes the vault row; the account (and its post history) stays.
        tenant_fk(["credential_id"], "api_credentials", ondelete="SET NULL (credential_id)"),
        UniqueConstraint("tenant_id", "platform", "platform_account_id"),
        CheckConstraint(one_of("status", AccountStatus), name="status"),
    )

    platform: Mapped[str] = mapped_column(String(16), nullable=False)
    platform_account_id: Mapped[str] = mapped_column(String(200), nullable=False)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    provider: Mapped[str] = mapped_column(String(32), nullable=False)
    status: Mapped[AccountStatus] = mapped_column(
        EnumText(AccountStatus, 24), nullable=False, server_default=AccountStatus.CONNECTED.value
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    credential_id: Mapped[UUID | None] = mapped_column(Uuid)
    token_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    scopes: Mapped[list[str]] = mapped_column(
        ARRAY(String(200)), nullable=False, server_default="{}"
    )
    last_refreshed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    connected_by: Mapped[UUID | None] = mapped_column(Uuid)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


class Post(TenantOwned, TimestampMixin, Base):
    """One post to one account (a thread of several parts is still one post)."""

    __tablename__ = "posts"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["social_account_id"], "social_accounts", ondelete=None),
        tenant_fk(["article_id"], "generated_articles", ondelete="SET NULL (article_id)"),
        CheckConstraint(one_of("status", PostStatus), name="status"),
        # Keyset pages of the calendar, unfiltered, by account and by status (migration 0026).
        Index("ix_posts_tenant_id_scheduled_at_id", "tenant_id", "scheduled_at", "id"),
        Index(
            "ix_posts_tenant_id_social_account_id_scheduled_at_id",
            "tenant_id",
            "social_account_id",
            "scheduled_at",
            "id",
        ),
        Index(
            "ix_posts_tenant_id_status_scheduled_at_id", "tenant_id", "status", "scheduled_at", "id"
        ),
    )

    social_account_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    article_id: Mapped[UUID | None] = mapped_column(Uuid)
    platform: Mapped[str] = mapped_column(String(16), nullable=False)
    # The output of icop.platforms.validation.validate, as sent: texts, media, links.
    parts: Mapped[list[PostPart]] = mapped_column(PydanticJSON(list[PostPart]), nullable=False)
    changes: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, nullable=False, server_default="[]"
    )
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, nullable=False, server_default="[]"
    )
    scheduled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    status: Mapped[PostStatus] = mapped_column(
        EnumText(PostStatus, 16), nullable=False, server_default=PostStatus.SCHEDULED.value
    )
    delay_reason: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # One entry per part, null until that part is confirmed.
    platform_post_ids: Mapped[list[str | None]] = mapped_column(
        JSONB, nullable=False, server_default="[]"
    )
    permalink: Mapped[str | None] = mapped_column(String(2000))
    # The article's public page (ADR 0025) this post links to, as its parts carry it; null:
    # none. Kept in step with publishing, unpublishing and the tenant's link settings until
    # the post is sent, unless ``own_link``: its author gave a link of their own.
    article_link: Mapped[str | None] = mapped_column(String(2000))
    own_link: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    error: Mapped[str | None] = mapped_column(Text)
    workflow_id: Mapped[str | None] = mapped_column(String(200))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[UUID | None] = mapped_column(Uuid)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


class PublishAttempt(TenantOwned, Base):
    """One call that may create a post. ``outcome`` is null between the intent and the answer:
    a row left that way is a call whose result nobody saw (a crash), reconciled before any
    retry."""

    __tablename__ = "publish_attempts"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["post_id"], "posts"),
        UniqueConstraint("tenant_id", "post_id", "attempt_no"),
        CheckConstraint(one_of("outcome", AttemptOutcome, nullable=True), name="outcome"),
    )

    post_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    attempt_no: Mapped[int] = mapped_column(Integer, nullable=False)
    part_index: Mapped[int] = mapped_column(Integer, nullable=False)
    reply_to: Mapped[str | None] = mapped_column(String(200))
    intent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reconciled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[AttemptOutcome | None] = mapped_column(EnumText(AttemptOutcome, 24))
    platform_post_id: Mapped[str | None] = mapped_column(String(200))
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    http_status: Mapped[int | None] = mapped_column(Integer)


class PublishLedgerEntry(TenantOwned, Base):
    """One post counted against an account's rolling windows. Written with the intent (under
    the account's row lock, so two workers cannot both take the last slot), moved to the
    answer time on success, deleted when the platform certainly created nothing."""

    __tablename__ = "publish_ledger"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["social_account_id"], "social_accounts"),
        Index(
            "ix_publish_ledger_tenant_id_social_account_id_counted_at",
            "tenant_id",
            "social_account_id",
            "counted_at",
        ),
    )

    social_account_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    attempt_id: Mapped[UUID | None] = mapped_column(Uuid)
    counted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class AccountRateState(Base):
    """The platform's own last word on an account's limits (headers, 429s, limit endpoints)."""

    __tablename__ = "account_rate_states"
    __table_args__ = (
        tenants_fk(),
        tenant_fk(["social_account_id"], "social_accounts"),
    )

    tenant_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    social_account_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    remaining: Mapped[int | None] = mapped_column(Integer)
    limit: Mapped[int | None] = mapped_column(Integer)
    reset_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    usage_percent: Mapped[float | None] = mapped_column(Float)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    blocked_reason: Mapped[str | None] = mapped_column(Text)
    window_used: Mapped[int | None] = mapped_column(Integer)
    window_total: Mapped[int | None] = mapped_column(Integer)
    window_s: Mapped[int | None] = mapped_column(Integer)
    window_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


class OAuthState(TenantOwned, TimestampMixin, Base):
    """A connect flow in progress: the ``state`` (hashed) and the PKCE verifier (encrypted)."""

    __tablename__ = "oauth_states"
    __table_args__ = (tenants_fk(),)

    provider: Mapped[str] = mapped_column(String(32), nullable=False)
    state_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    encrypted_verifier: Mapped[bytes | None] = mapped_column(LargeBinary)
    redirect_uri: Mapped[str] = mapped_column(String(2000), nullable=False)
    user_id: Mapped[UUID | None] = mapped_column(Uuid)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
