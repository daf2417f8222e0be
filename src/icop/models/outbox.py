from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, Integer, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from icop.models.base import Base, TenantOwned, TimestampMixin, tenants_fk


class OutboxEvent(TenantOwned, TimestampMixin, Base):
    """A domain event written in the same transaction as the change it reports; a relay
    publishes it (RabbitMQ in production) and stamps ``published_at``."""

    __tablename__ = "outbox_events"
    __table_args__ = (
        tenants_fk(),
        Index(
            "ix_outbox_events_tenant_id_pending",
            "tenant_id",
            "created_at",
            postgresql_where=text("published_at IS NULL"),
        ),
    )

    topic: Mapped[str] = mapped_column(String(100), nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
