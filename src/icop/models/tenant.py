from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import CheckConstraint, DateTime, String, Text, Uuid, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from icop.models.base import Base, TimestampMixin
from icop.models.types import EnumText, one_of


class SubscriptionPlan(StrEnum):
    FREE = "free"
    PRO = "pro"
    AGENCY = "agency"


class TenantStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class Tenant(TimestampMixin, Base):
    """A customer (one brand or agency). RLS: a tenant sees only its own row."""

    __tablename__ = "tenants"
    __table_args__ = (
        CheckConstraint(one_of("subscription_plan", SubscriptionPlan), name="plan"),
        CheckConstraint(one_of("status", TenantStatus), name="status"),
    )

    id: Mapped[UUID] = mapped_column(
        Uuid, primary_key=True, server_default=text("gen_random_uuid()")
    )
    company_name: Mapped[str] = mapped_column(Text, nullable=False)
    subscription_plan: Mapped[SubscriptionPlan] = mapped_column(
        EnumText(SubscriptionPlan, 16), nullable=False, server_default=SubscriptionPlan.FREE.value
    )
    status: Mapped[TenantStatus] = mapped_column(
        EnumText(TenantStatus, 16), nullable=False, server_default=TenantStatus.ACTIVE.value
    )
    blog_slug: Mapped[str | None] = mapped_column(String(80), unique=True)
    """The tenant's public blog at ``/blog/{blog_slug}``: set when it first publishes an
    article, or as an admin chose it. Not secret (it is in every public URL)."""
    post_links: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default="{}")
    """Per platform, whether posts link to the article's public page ({"x": false, ...}); a
    platform not named takes its default (``icop.syndication.article_links``)."""
    time_zone: Mapped[str] = mapped_column(String(64), nullable=False, server_default="UTC")
    """The IANA zone (``Asia/Seoul``) the tenant's pipeline schedules run in and its dashboard
    shows times in (icop.tenants.zones checks the name)."""
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )
