from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from icop.models.user import Role


class PrincipalKind(StrEnum):
    USER = "user"
    API_KEY = "api_key"


@dataclass(frozen=True)
class Principal:
    """Who is calling, for which tenant, with which role (read from the database, not the
    token, so that a role change or removal takes effect on the next request)."""

    kind: PrincipalKind
    tenant_id: UUID
    role: Role
    user_id: UUID | None = None
    api_key_id: UUID | None = None
    session_id: UUID | None = None

    @property
    def actor_id(self) -> UUID:
        actor = self.user_id or self.api_key_id
        assert actor is not None
        return actor
