from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from icop.auth.schemas import Password
from icop.models import Role
from icop.schemas import Email, RequestModel, ResponseModel


class InvitationCreate(RequestModel):
    email: Email
    role: Role = Role.EDITOR
    note: str | None = Field(default=None, max_length=1000)


class InvitationOut(ResponseModel):
    id: UUID
    email: str
    role: Role
    invited_by: UUID | None
    expires_at: datetime
    accepted_at: datetime | None
    created_at: datetime


class InvitationCreated(InvitationOut):
    token: str = Field(description="Give this to the invitee. Shown once.")
    accept_url: str


class InvitationAccept(RequestModel):
    token: str = Field(min_length=10, max_length=200)
    password: str = Password
    display_name: str | None = Field(default=None, max_length=200)
