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
    created_at: datetime


class TenantUpdate(RequestModel):
    company_name: str = Field(min_length=1, max_length=200)


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
