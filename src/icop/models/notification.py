"""In-app notifications: what a team must look at (an article waiting for approval or held for
review, a failed run, a post that may or may not be live), and who has read each."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKeyConstraint,
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

from icop.models.base import Base, TenantOwned, TimestampMixin, tenants_fk
from icop.models.types import one_of


class NotificationKind(StrEnum):
    APPROVAL_WAITING = "approval_waiting"
    ARTICLE_NEEDS_REVIEW = "article_needs_review"
    RUN_FAILED = "run_failed"
    POST_UNCONFIRMED = "post_unconfirmed"


class Notification(TenantOwned, TimestampMixin, Base):
    """For everyone in the tenant; each member reads it for themselves (``NotificationRead``)."""

    __tablename__ = "notifications"
    __table_args__ = (
        tenants_fk(),
        CheckConstraint(one_of("kind", NotificationKind), name="kind"),
        Index("ix_notifications_tenant_id_created_at", "tenant_id", "created_at"),
        UniqueConstraint("tenant_id", "dedupe_key"),
    )

    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    detail: Mapped[str | None] = mapped_column(Text)
    target_type: Mapped[str] = mapped_column(String(32), nullable=False)
    target_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    # Derived from the event that causes the notice (``icop.notifications.service.dedupe_key``):
    # an activity retried after its commit writes the same key, and the insert ignores it.
    dedupe_key: Mapped[str] = mapped_column(String(200), nullable=False)


class NotificationRead(Base):
    """One member's (or API key's) read mark on one notification."""

    __tablename__ = "notification_reads"
    __table_args__ = (
        tenants_fk(),
        ForeignKeyConstraint(
            ["tenant_id", "notification_id"],
            ["notifications.tenant_id", "notifications.id"],
            ondelete="CASCADE",
        ),
    )

    tenant_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    reader_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    notification_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    read_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class NotificationWebhook(TenantOwned, TimestampMixin, Base):
    """The tenant's one outgoing webhook (Slack-compatible ``{"text": …}``). The URL is a
    secret (a Slack webhook URL is its own credential): only its ciphertext is stored."""

    __tablename__ = "notification_webhooks"
    __table_args__ = (tenants_fk(), UniqueConstraint("tenant_id"))

    encrypted_url: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    key_id: Mapped[str] = mapped_column(String(64), nullable=False)
    # Shown instead of the URL: scheme and host only.
    hint: Mapped[str] = mapped_column(String(300), nullable=False)
    created_by: Mapped[UUID | None] = mapped_column(Uuid)


class NotificationDelivery(Base):
    """One notification's way to the webhook: queued in the notification's own transaction,
    sent after the commit by the delivery loop, retried with backoff."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (
        tenants_fk(),
        ForeignKeyConstraint(
            ["tenant_id", "notification_id"],
            ["notifications.tenant_id", "notifications.id"],
            ondelete="CASCADE",
        ),
        CheckConstraint(one_of("status", DeliveryStatus), name="status"),
        Index(
            "ix_notification_deliveries_tenant_id_status_next_attempt_at",
            "tenant_id",
            "status",
            "next_attempt_at",
        ),
    )

    tenant_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    notification_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    status: Mapped[str] = mapped_column(
        String(16), nullable=False, server_default=DeliveryStatus.PENDING.value
    )
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
