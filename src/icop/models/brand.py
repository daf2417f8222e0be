"""A tenant's brand kit: what the image renderer paints its cards with (one per tenant)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import CheckConstraint, DateTime, String, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from icop.models.base import Base, TimestampMixin, tenants_fk

# Stored normalised (lower-case #rrggbb): the API normalises, the database refuses the rest.
HEX_COLOUR = "'^#[0-9a-f]{6}$'"


class TenantBrandKit(TimestampMixin, Base):
    __tablename__ = "brand_kits"
    __table_args__ = (
        tenants_fk(),
        CheckConstraint(f"background ~ {HEX_COLOUR}", name="background_hex"),
        CheckConstraint(f"accent ~ {HEX_COLOUR}", name="accent_hex"),
        CheckConstraint(f"text ~ {HEX_COLOUR}", name="text_hex"),
    )

    tenant_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    background: Mapped[str] = mapped_column(String(7), nullable=False)
    accent: Mapped[str] = mapped_column(String(7), nullable=False)
    text: Mapped[str] = mapped_column(String(7), nullable=False)
    # A family name from icop.brand.fonts, not a path; no CHECK, so a newer catalog needs
    # no migration (an unknown name renders in the default font).
    font: Mapped[str | None] = mapped_column(String(40))
    updated_by: Mapped[UUID | None] = mapped_column(Uuid)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )
