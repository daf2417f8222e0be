from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import Date, DateTime, Numeric, String, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from icop.models.base import Base, tenants_fk


class UsageCounter(Base):
    """What a tenant consumed of one quota metric in one calendar month (UTC)."""

    __tablename__ = "usage_counters"
    __table_args__ = (tenants_fk(),)

    tenant_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    used: Mapped[Decimal] = mapped_column(Numeric(18, 6), nullable=False, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )
