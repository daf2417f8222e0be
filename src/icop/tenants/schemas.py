from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from icop.models import Role, SubscriptionPlan
from icop.schemas import RequestModel, ResponseModel


class TenantOut(ResponseModel):
    id: UUID
    company_name: str
    subscription_plan: SubscriptionPlan
    status: str
    time_zone: str = Field(
        description="IANA time zone (e.g. `Asia/Seoul`): pipeline schedules fire by its "
        "clock and the dashboard shows times in it."
    )
    created_at: datetime


class TenantUpdate(RequestModel):
    """Only the fields sent change."""

    company_name: str | None = Field(default=None, min_length=1, max_length=200)
    time_zone: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="An IANA name (`Asia/Seoul`, `UTC`); changing it moves every pipeline "
        "schedule to the new zone's clock.",
    )


class UserOut(ResponseModel):
    id: UUID
    email: str
    display_name: str | None
    role: Role
    status: str
    created_at: datetime
    last_login_at: datetime | None
    email_verified_at: datetime | None = Field(
        default=None, description="When the person confirmed the address; null until then."
    )
    language: str = Field(default="en", description="Language of the e-mails sent to them.")


class ApiKeyIdentity(ResponseModel):
    id: UUID


class MeOut(ResponseModel):
    tenant: TenantOut
    role: Role
    user: UserOut | None = Field(description="Absent when the caller is an API key.")
    api_key: ApiKeyIdentity | None = None
