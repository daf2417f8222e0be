from __future__ import annotations

from pydantic import Field, model_validator

from icop.models import Role, UserStatus
from icop.schemas import RequestModel


class UserUpdate(RequestModel):
    role: Role | None = None
    status: UserStatus | None = None
    display_name: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _not_empty(self) -> UserUpdate:
        if not self.model_fields_set:
            raise ValueError("give at least one of role, status, display_name")
        return self
