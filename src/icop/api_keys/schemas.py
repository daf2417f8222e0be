from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from icop.models import Role
from icop.schemas import RequestModel, ResponseModel


class ApiKeyCreate(RequestModel):
    name: str = Field(min_length=1, max_length=100)
    role: Role = Role.EDITOR
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)


class ApiKeyOut(ResponseModel):
    id: UUID
    name: str
    role: Role
    hint: str = Field(description="The key's last four characters.")
    created_by: UUID | None
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The secret key. Shown once: store it now.")
