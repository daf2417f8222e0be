from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Index, String, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from icop.models.base import Base, TenantOwned, TimestampMixin, tenants_fk


class AuditEvent(TenantOwned, TimestampMixin, Base):
    """Append-only: the app role may insert and read, never update or delete."""

    __tablename__ = "audit_log"
    __table_args__ = (
        tenants_fk(),
        Index("ix_audit_log_tenant_id_created_at", "tenant_id", "created_at"),
    )

    actor_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    actor_id: Mapped[UUID | None] = mapped_column(Uuid)
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    target_type: Mapped[str | None] = mapped_column(String(64))
    target_id: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default="{}")
