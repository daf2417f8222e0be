"""Progress events of runs and articles: what a live view streams (``GET …/runs/{id}/events``).

Written in the transaction of the change they report, so an event exists if and only if its
change committed; ids grow per tenant in commit order (icop.events.service), so a reader that
resumes after the last id it saw (``Last-Event-ID``) misses nothing."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Identity,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Uuid,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from icop.models.base import Base, tenants_fk

EVENT_KINDS = ("run", "row", "article", "step")


class RunEvent(Base):
    __tablename__ = "run_events"
    __table_args__ = (
        PrimaryKeyConstraint("tenant_id", "id"),
        tenants_fk(),
        CheckConstraint(f"kind IN {EVENT_KINDS!r}", name="kind"),
        Index("ix_run_events_tenant_id_run_id_id", "tenant_id", "run_id", "id"),
        Index("ix_run_events_tenant_id_article_id_id", "tenant_id", "article_id", "id"),
    )

    tenant_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    # One sequence for every tenant: the order events committed in, and the SSE event id.
    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    run_id: Mapped[UUID | None] = mapped_column(Uuid)
    row_number: Mapped[int | None] = mapped_column(Integer)
    article_id: Mapped[UUID | None] = mapped_column(Uuid)
    # The graph node for a step ("writer_a", "social_copy:x"), the row's step text for a row.
    step: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(32), nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cost_usd: Mapped[Decimal | None] = mapped_column(Numeric(14, 6))
    detail: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
