from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, status

from icop.auth.dependencies import CurrentPrincipal, TenantSession, require_role
from icop.gateway.dependencies import Limit, Offset
from icop.gateway.problems import problem_responses
from icop.models import Role
from icop.tenants.schemas import UserOut
from icop.users import service
from icop.users.schemas import UserUpdate

router = APIRouter(
    prefix="/users", tags=["users"], responses=problem_responses(401, 403, 404, 409, 422, 429)
)


@router.get("", response_model=list[UserOut])
async def list_users(
    session: TenantSession, limit: Limit = 50, offset: Offset = 0
) -> list[UserOut]:
    return [
        UserOut.model_validate(u)
        for u in await service.list_users(session, limit=limit, offset=offset)
    ]


@router.get("/{user_id}", response_model=UserOut)
async def get_user(user_id: UUID, session: TenantSession) -> UserOut:
    return UserOut.model_validate(await service.get(session, user_id))


@router.patch("/{user_id}", response_model=UserOut, dependencies=[require_role(Role.ADMIN)])
async def update_user(
    user_id: UUID, body: UserUpdate, principal: CurrentPrincipal, session: TenantSession
) -> UserOut:
    """Change a member's role, status (disabling ends their sessions) or display name."""
    return UserOut.model_validate(await service.update(session, principal, user_id, body))


@router.delete(
    "/{user_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[require_role(Role.ADMIN)]
)
async def remove_user(user_id: UUID, principal: CurrentPrincipal, session: TenantSession) -> None:
    await service.remove(session, principal, user_id)
